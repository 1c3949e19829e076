#!/usr/bin/env python3
"""freeze_mid_write - stop a process while it writes an escrow file.

SYNOPSIS
    freeze_mid_write.py PID DIR KIND MIN_BYTES MAX_BYTES READY_FILE GIVE_UP_FILE SECONDS

DESCRIPTION
    Used by tests/integration/011_escrow_kill.sh. Creates READY_FILE, then
    polls /proc/PID/fd (a few system calls per scan, no process started, so
    a write phase of a few milliseconds is seen) for the files PID holds open
    in the escrow directory DIR:
      spool  ".tmp-spool-<hex>", unlinked at once (the link reads
             "DIR/.tmp-spool-<hex> (deleted)")
      entry  any other file there: an entry before it is named, opened with
             O_TMPFILE (the link reads "DIR/#<inode> (deleted)"), or
             ".tmp-<id>" where the store falls back to a named file (a
             writer that wrote under any other name is seen too)
    The file's size comes from stat() through the /proc link, which works
    for an unlinked file too. When KIND's file is open with
    MIN_BYTES < size < MAX_BYTES (and, for KIND spool, no entry file is open yet),
    PID is stopped with SIGSTOP and the state of the stopped process is
    printed (once every thread of PID shows state T), one line "KIND SIZE TARGET" per open escrow file; exit 0.
    The caller checks that state again and kills PID.
    Exits 1, stopping nothing, once GIVE_UP_FILE exists or SECONDS pass;
    exits 2 on a usage error.
"""
import os
import signal
import sys
import time

SPOOL_PREFIX = ".tmp-spool-"


def escrow_files(pid, directory):
    """[(kind, size, target)] for PID's open files in DIRECTORY."""
    fd_dir = "/proc/%d/fd" % pid
    out = []
    try:
        fds = os.listdir(fd_dir)
    except OSError:
        return out
    for fd in fds:
        path = os.path.join(fd_dir, fd)
        try:
            target = os.readlink(path)
        except OSError:
            continue
        if not target.startswith(directory + "/"):
            continue
        try:
            size = os.stat(path).st_size
        except OSError:
            continue
        name = target[len(directory) + 1:]
        out.append(("spool" if name.startswith(SPOOL_PREFIX) else "entry", size, target))
    return out


def mid_write(files, kind, min_bytes, max_bytes):
    if kind == "spool" and any(k == "entry" for k, _, _ in files):
        return False
    return any(k == kind and min_bytes < size < max_bytes for k, size, _ in files)


def wait_stopped(pid, seconds=5.0):
    """Waits until every thread of PID is in state T (stopped)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        states = []
        for tid in os.listdir("/proc/%d/task" % pid):
            try:
                with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                    states.append(f.read().rsplit(")", 1)[1].split()[0])
            except OSError:
                continue
        if states and all(s == "T" for s in states):
            return True
        time.sleep(0.001)
    return False


def main(argv):
    if len(argv) != 9 or argv[3] not in ("spool", "entry"):
        sys.stderr.write(__doc__)
        return 2
    pid, directory, kind = int(argv[1]), argv[2].rstrip("/"), argv[3]
    min_bytes, max_bytes = int(argv[4]), int(argv[5])
    ready, give_up, seconds = argv[6], argv[7], float(argv[8])
    open(ready, "w").close()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not os.path.exists(give_up):
        files = escrow_files(pid, directory)
        if mid_write(files, kind, min_bytes, max_bytes):
            os.kill(pid, signal.SIGSTOP)
            if not wait_stopped(pid):
                sys.stderr.write("freeze_mid_write: process %d did not stop\n" % pid)
                return 1
            for k, size, target in escrow_files(pid, directory):
                print(k, size, target)
            return 0
        if not files:  # spin only while a message is being spooled or escrowed
            time.sleep(0.0001)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
