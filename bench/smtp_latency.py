#!/usr/bin/env python3
"""smtp_latency - time whole SMTP sessions, one at a time (bench/e2e).

usage: smtp_latency.py HOST PORT COUNT FILE...
Sends COUNT messages to $E2E_RCPT (default rcpt@insecure.phi-test.example),
cycling through FILEs, each in its own session
(connect, EHLO, MAIL, RCPT, DATA, QUIT), and prints the p50 and p99 of
the session times in milliseconds: "P50 P99".
"""
import os
import smtplib
import sys
import time


def percentile(sorted_values, p):
    i = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * len(sorted_values))) - 1))
    return sorted_values[i]


def main():
    host, port, count, files = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
    rcpt = os.environ.get("E2E_RCPT") or "rcpt@insecure.phi-test.example"
    bodies = [open(f, "rb").read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n") for f in files]
    times = []
    for i in range(count):
        t0 = time.perf_counter()
        s = smtplib.SMTP(host, port, local_hostname="client.phi-test.example", timeout=60)
        s.ehlo()
        s.sendmail("latency@client.phi-test.example", [rcpt], bodies[i % len(bodies)])
        s.quit()
        times.append((time.perf_counter() - t0) * 1000.0)
    times.sort()
    print("%.2f %.2f" % (percentile(times, 50), percentile(times, 99)))


if __name__ == "__main__":
    main()
