// Tests for the escrow store: round trips, tamper detection, rotation, durability rules.
#include "milter/escrow/store.h"

#include <sys/stat.h>
#include <sys/time.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <vector>

#include "milter/util/files.h"
#include "tests/unit/escrow/test_util.h"

namespace phi::escrow {
namespace {

using testing::kHex1;
using testing::kHex2;
using testing::kHex3;
using testing::read_file;
using testing::ring;
using testing::TempDir;
using testing::write_file;

constexpr int64_t kNow = 1767225600;  // 2026-01-01

EntryMeta sample_meta(size_t recipients = 2) {
  EntryMeta m;
  m.sender = "<clinic@example.org>";
  for (size_t i = 0; i < recipients; ++i) m.recipients.push_back("<r" + std::to_string(i) + "@insecure.example>");
  m.rule = "phi-insecure";
  m.queue_id = "4XyZ";
  m.provenance = "hops=2 encrypted=1 plaintext=1";
  m.categories = {{"ssn", 1}, {"icd10", 3}};
  return m;
}

const std::string kMessage =
    "Received: from a.example by mx.example with ESMTP\r\nSubject: results for patient\r\n\r\nSSN 078-05-1120\r\n";

StoreOptions without_o_tmpfile(StoreOptions o) {
  o.use_o_tmpfile = false;
  return o;
}

struct Fixture {
  TempDir dir;
  std::shared_ptr<const KeyRing> keys = ring(std::string("k1 ") + kHex1 + "\n");
  Store store{StoreOptions{dir.path(), 3600, 50ull * 1024 * 1024}, keys};
  Store named{without_o_tmpfile(store.options()), keys};  // the ".tmp-<id>" fallback
};

Result<std::string> put(const Store& s, const std::string& body, int64_t now = kNow, size_t chunk = 7) {
  auto w = s.begin(sample_meta(), now);
  if (!w) return w.error();
  for (size_t i = 0; i < body.size(); i += chunk)
    if (auto r = (*w)->write(std::string_view(body).substr(i, chunk)); !r) return r.error();
  return (*w)->commit();
}

// The names in a directory, sorted (dot files too).
std::vector<std::string> names(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> plus(std::vector<std::string> v, const std::string& name) {
  v.push_back(name);
  std::sort(v.begin(), v.end());
  return v;
}

// Whether the filesystem of dir gives unnamed files (else the store falls back to ".tmp-<id>").
bool o_tmpfile_works(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

Result<std::string> get(const Store& s, const std::string& id) {
  auto rd = s.open(id);
  if (!rd) return rd.error();
  std::ostringstream out;
  if (auto r = (*rd)->copy_body(out); !r) return r.error();
  return out.str();
}

TEST(Store, SmallRoundTripKeepsBytesAndMetadata) {
  Fixture f;
  auto w = f.store.begin(sample_meta(), kNow);
  ASSERT_TRUE(w.ok()) << w.error().message;
  ASSERT_EQ((*w)->tokens().size(), 2u);
  const std::string token = (*w)->tokens()[1].text;
  ASSERT_TRUE((*w)->write(kMessage).ok());
  auto id = (*w)->commit();
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_TRUE(valid_entry_id(*id));
  auto rd = f.store.open(*id);
  ASSERT_TRUE(rd.ok()) << rd.error().message;
  EXPECT_EQ((*rd)->meta().sender, "<clinic@example.org>");
  EXPECT_EQ((*rd)->meta().recipients, sample_meta().recipients);
  EXPECT_EQ((*rd)->meta().categories, sample_meta().categories);
  EXPECT_EQ((*rd)->header().expires, kNow + 3600);
  EXPECT_EQ((*rd)->body_bytes(), kMessage.size());
  EXPECT_EQ(*check_pickup_token((*rd)->header(), token, kNow), 1u);
  EXPECT_EQ(*get(f.store, *id), kMessage);
  const std::string raw = read_file(f.store.entry_path(*id));
  for (const char* secret : {"078-05-1120", "patient", "clinic@example.org", "insecure.example", "phi-insecure", "ssn"}) {
    SCOPED_TRACE(secret);
    EXPECT_EQ(raw.find(secret), std::string::npos);
  }
}

TEST(Store, MultiMegabyteMessageStreamsThroughInChunks) {
  Fixture f;
  std::string big;
  big.reserve(6 << 20);
  for (uint32_t i = 0; big.size() < (6u << 20); ++i) big += "line " + std::to_string(i * 2654435761u) + "\r\n";
  auto id = put(f.store, big, kNow, 65531);
  ASSERT_TRUE(id.ok()) << id.error().message;
  auto back = get(f.store, *id);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_TRUE(*back == big);
  auto id2 = put(f.store, big.substr(0, 100000), kNow, 100000);  // one large write
  ASSERT_TRUE(id2.ok());
  EXPECT_TRUE(*get(f.store, *id2) == big.substr(0, 100000));
  EXPECT_TRUE(put(f.store, "", kNow).ok());  // an empty message is still an entry
}

TEST(Store, EveryFlippedByteAnywhereIsDetected) {
  Fixture f;
  auto id = put(f.store, kMessage);
  ASSERT_TRUE(id.ok());
  const std::string path = f.store.entry_path(*id);
  const std::string good = read_file(path);
  for (size_t i = 0; i < good.size(); ++i) {
    SCOPED_TRACE("byte " + std::to_string(i));
    std::string bad = good;
    bad[i] ^= 0x01;
    write_file(path, bad);
    EXPECT_FALSE(f.store.verify(*id).ok());
  }
  write_file(path, good);
  EXPECT_TRUE(f.store.verify(*id).ok());
}

TEST(Store, DamageGivesClearErrors) {
  Fixture f;
  auto id = put(f.store, kMessage);
  ASSERT_TRUE(id.ok());
  const std::string path = f.store.entry_path(*id);
  const std::string good = read_file(path);
  const size_t header_end = good.find('\n', good.rfind("\ntoken ") + 1) + 1;  // first metadata byte
  auto flip = [&](size_t at) { std::string b = good; b[at] ^= 0x20; return b; };
  struct { const char* label; std::string bytes; const char* want; } rows[] = {
      {"ciphertext of the message", flip(good.size() - 20), "message: authentication failed"},
      {"message tag", flip(good.size() - 1), "message: authentication failed"},
      {"metadata ciphertext", flip(header_end + 3), "metadata: authentication failed"},
      {"created time in header", [&] { std::string b = good; b[b.find("created ") + 9] ^= 1; return b; }(), "metadata: authentication failed"},
      {"wrapped key in header", [&] {
         // Another hex digit (a bit flip could leave the hex alphabet, which is a different error).
         std::string b = good;
         char& c = b[b.find("wrapped-key ") + 14];
         c = c == '0' ? '1' : '0';
         return b;
       }(), "cannot unwrap the data key"},
      {"truncated by one byte", good.substr(0, good.size() - 1), "message: authentication failed"},
      {"truncated in the metadata", good.substr(0, header_end + 5), "truncated"},
      {"truncated in the header", good.substr(0, 40), "truncated"},
      {"empty file", "", "truncated"},
      {"bad magic", "XHIESC1\n" + good.substr(8), "bad magic"},
      {"appended byte", good + "x", "message: authentication failed"},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    write_file(path, r.bytes);
    auto got = f.store.verify(*id);
    ASSERT_FALSE(got.ok());
    EXPECT_NE(got.error().message.find(r.want), std::string::npos) << got.error().message;
    EXPECT_EQ(got.error().message.substr(0, 6 + id->size()), "entry " + *id) << got.error().message;
  }
}

TEST(Store, ShowWritesNothingWhenTheMessageIsDamaged) {
  Fixture f;
  auto id = put(f.store, kMessage);
  const std::string path = f.store.entry_path(*id);
  std::string bad = read_file(path);
  bad[bad.size() - 20] ^= 1;
  write_file(path, bad);
  auto rd = f.store.open(*id);
  ASSERT_TRUE(rd.ok());  // header and metadata are intact
  std::ostringstream out;
  EXPECT_FALSE((*rd)->copy_body(out).ok());
  EXPECT_EQ(out.str(), "");
}

TEST(Store, WrongOrUnknownKeyIsRefused) {
  Fixture f;
  auto id = put(f.store, kMessage);
  ASSERT_TRUE(id.ok());
  Store wrong(f.store.options(), ring(std::string("k1 ") + kHex2 + "\n"));
  auto r1 = wrong.open(*id);
  ASSERT_FALSE(r1.ok());
  EXPECT_NE(r1.error().message.find("cannot unwrap the data key with key \"k1\": wrong key"), std::string::npos) << r1.error().message;
  Store unknown(f.store.options(), ring(std::string("k9 ") + kHex1 + "\n"));
  auto r2 = unknown.open(*id);
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.error().message.find("unknown key id \"k1\""), std::string::npos) << r2.error().message;
}

TEST(Store, KeyRotationOldEntriesStillOpenNewUseNewest) {
  Fixture f;
  auto old_id = put(f.store, "old message\r\n");
  ASSERT_TRUE(old_id.ok());
  Store rotated(f.store.options(), ring(std::string("k1 ") + kHex1 + "\nk2 " + kHex2 + "\n"));
  auto new_id = put(rotated, "new message\r\n");
  ASSERT_TRUE(new_id.ok());
  EXPECT_EQ((*rotated.open(*old_id))->header().key_id, "k1");
  EXPECT_EQ((*rotated.open(*new_id))->header().key_id, "k2");
  EXPECT_EQ(*get(rotated, *old_id), "old message\r\n");
  EXPECT_EQ(*get(rotated, *new_id), "new message\r\n");
  Store retired(f.store.options(), ring(std::string("k2 ") + kHex2 + "\nk3 " + kHex3 + "\n"));
  EXPECT_FALSE(retired.open(*old_id).ok());
  EXPECT_TRUE(retired.verify(*new_id).ok());
}

TEST(Store, OnlyCommittedEntriesAreListed) {
  Fixture f;
  auto done = put(f.store, kMessage);
  ASSERT_TRUE(done.ok());
  write_file(f.dir.file(".tmp-0123456789abcdef0123456789abcdef"), "half written");
  write_file(f.dir.file("README"), "not an entry");
  write_file(f.dir.file("0123.esc"), "short name");
  const auto before = names(f.dir.path());
  const bool unnamed = o_tmpfile_works(f.dir.path());
  for (const Store* s : {&f.store, &f.named}) {
    const bool named = s == &f.named || !unnamed;
    SCOPED_TRACE(named ? "named .tmp- file" : "O_TMPFILE");
    {
      auto pending = s->begin(sample_meta(), kNow);
      ASSERT_TRUE(pending.ok());
      ASSERT_TRUE((*pending)->write("partial").ok());
      auto l = s->list();
      ASSERT_TRUE(l.ok());
      ASSERT_EQ(l->size(), 1u);
      EXPECT_EQ((*l)[0].id, *done);
      EXPECT_EQ((*l)[0].recipients, 2u);
      EXPECT_EQ((*l)[0].body_bytes, kMessage.size());
      EXPECT_EQ((*l)[0].created, kNow);
      EXPECT_TRUE((*l)[0].damage.empty());
      // An unnamed writer adds no name at all; the fallback its ".tmp-<id>".
      EXPECT_EQ(names(f.dir.path()), named ? plus(before, ".tmp-" + (*pending)->id()) : before);
    }  // destroyed without commit: nothing of it is left
    EXPECT_EQ(names(f.dir.path()), before);
  }
}

TEST(Store, UnnamedEntryHasNoNameUntilCommit) {
  Fixture f;
  if (!o_tmpfile_works(f.dir.path())) GTEST_SKIP() << f.dir.path() << ": no O_TMPFILE on this filesystem";
  auto w = f.store.begin(sample_meta(), kNow);
  ASSERT_TRUE(w.ok()) << w.error().message;
  ASSERT_TRUE((*w)->write(kMessage).ok());
  EXPECT_TRUE(names(f.dir.path()).empty());
  auto id = (*w)->commit();
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(names(f.dir.path()), std::vector<std::string>{*id + ".esc"});
  EXPECT_EQ(*get(f.store, *id), kMessage);

  Store small(StoreOptions{f.dir.path(), 3600, 100}, f.keys);
  struct { const char* label; std::function<void(EntryWriter&)> end; } rows[] = {
      {"abort()", [](EntryWriter& e) {
         e.abort();
         EXPECT_FALSE(e.write("more").ok());
       }},
      {"destroyed", [](EntryWriter&) {}},
      {"commit() after a failed write", [](EntryWriter& e) {
         EXPECT_FALSE(e.write(std::string(200, 'x')).ok());
         EXPECT_FALSE(e.commit().ok());
       }},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(r.label);
    {
      auto p = small.begin(sample_meta(), kNow);
      ASSERT_TRUE(p.ok());
      ASSERT_TRUE((*p)->write("partial").ok());
      r.end(**p);
    }
    EXPECT_EQ(names(f.dir.path()), std::vector<std::string>{*id + ".esc"});
  }
}

TEST(Store, CommitNeverReplacesAnExistingName) {
  Fixture f;
  if (!o_tmpfile_works(f.dir.path())) GTEST_SKIP() << f.dir.path() << ": no O_TMPFILE on this filesystem";
  auto w = f.store.begin(sample_meta(), kNow);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->write(kMessage).ok());
  const std::string path = f.store.entry_path((*w)->id());
  write_file(path, "already there");
  auto id = (*w)->commit();
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().message, path + ": link: File exists");
  EXPECT_EQ(read_file(path), "already there");
  EXPECT_EQ(names(f.dir.path()), std::vector<std::string>{(*w)->id() + ".esc"});
}

// Without /proc, commit() names the unnamed file through AT_EMPTY_PATH,
// which needs CAP_DAC_READ_SEARCH (or a kernel that lets the opener link
// its own file). Either the entry is committed whole, or commit() fails
// with both routes in the error and leaves no file behind.
TEST(Store, WithoutProcTheEntryIsLinkedByDescriptorOrRefusedCleanly) {
  Fixture f;
  if (!o_tmpfile_works(f.dir.path())) GTEST_SKIP() << f.dir.path() << ": no O_TMPFILE on this filesystem";
  StoreOptions o = f.store.options();
  o.proc_fd_dir = f.dir.path() + "/no-proc-here";
  Store no_proc(o, f.keys);
  auto w = no_proc.begin(sample_meta(), kNow);
  ASSERT_TRUE(w.ok()) << w.error().message;
  ASSERT_TRUE((*w)->write(kMessage).ok());
  const std::string path = no_proc.entry_path((*w)->id());
  auto id = (*w)->commit();
  if (id.ok()) {
    EXPECT_EQ(names(f.dir.path()), std::vector<std::string>{*id + ".esc"});
    EXPECT_EQ(*get(f.store, *id), kMessage);
  } else {
    const std::string& m = id.error().message;
    EXPECT_EQ(m.rfind(path + ": link: No such file or directory (through " + o.proc_fd_dir + "/", 0), 0u) << m;
    EXPECT_NE(m.find("(AT_EMPTY_PATH)"), std::string::npos) << m;
    EXPECT_TRUE(names(f.dir.path()).empty());
  }
  std::printf("AT_EMPTY_PATH route %s here\n", id.ok() ? "linked the entry" : "was refused");
}

TEST(Store, NamedFallbackWritesTheSameEntries) {
  Fixture f;
  std::string big;
  for (uint32_t i = 0; big.size() < 300000; ++i) big += "line " + std::to_string(i * 2654435761u) + "\r\n";
  for (const std::string& body : {kMessage, big, std::string()}) {
    SCOPED_TRACE(std::to_string(body.size()) + " bytes");
    auto a = put(f.store, body, kNow, 65531);
    auto b = put(f.named, body, kNow, 65531);
    ASSERT_TRUE(a.ok()) << a.error().message;
    ASSERT_TRUE(b.ok()) << b.error().message;
    for (const Store* reader : {&f.store, &f.named}) {  // either store reads either entry
      EXPECT_TRUE(*get(*reader, *a) == body);
      EXPECT_TRUE(*get(*reader, *b) == body);
    }
    auto ra = f.store.open(*a), rb = f.store.open(*b);
    ASSERT_TRUE(ra.ok() && rb.ok());
    EXPECT_EQ((*ra)->meta().recipients, (*rb)->meta().recipients);
    EXPECT_EQ((*ra)->meta().categories, (*rb)->meta().categories);
    EXPECT_EQ((*ra)->header().expires, (*rb)->header().expires);
    // Same layout: only keys, nonces, tokens and ids differ, not lengths.
    EXPECT_EQ(std::filesystem::file_size(f.store.entry_path(*a)), std::filesystem::file_size(f.store.entry_path(*b)));
    struct stat st;
    ASSERT_EQ(stat(f.store.entry_path(*b).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
  }
  auto l = f.store.list();
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->size(), 6u);
  EXPECT_EQ(names(f.dir.path()).size(), 6u);  // the entries, nothing else
  EXPECT_EQ(*f.store.clean_temp_files(kNow * 2, 0), 0u);  // the fallback leaves no ".tmp-" file
}

TEST(Store, CleanTempFilesRemovesOnlyStaleOnes) {
  Fixture f;
  const std::string stale = f.dir.file(".tmp-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  const std::string fresh = f.dir.file(".tmp-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
  write_file(stale, "x");
  write_file(fresh, "y");
  struct timeval old[2] = {{kNow - 2 * kStaleTempSeconds, 0}, {kNow - 2 * kStaleTempSeconds, 0}};
  struct timeval now[2] = {{kNow, 0}, {kNow, 0}};
  ASSERT_EQ(utimes(stale.c_str(), old), 0);
  ASSERT_EQ(utimes(fresh.c_str(), now), 0);
  auto n = f.store.clean_temp_files(kNow, kStaleTempSeconds);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1u);
  EXPECT_FALSE(std::filesystem::exists(stale));
  EXPECT_TRUE(std::filesystem::exists(fresh));
}

TEST(Store, PurgeRemovesExpiredEntriesAndTheirMarkers) {
  Fixture f;
  auto a = put(f.store, "a", kNow);
  auto b = put(f.store, "b", kNow + 1000);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(f.store.mark_released(*a, kNow + 5).ok());
  auto l = f.store.list();
  ASSERT_EQ(l->size(), 2u);
  EXPECT_TRUE((*l)[0].released);
  EXPECT_FALSE((*l)[1].released);
  EXPECT_EQ(*f.store.purge_expired(kNow + 3599), 0u);
  EXPECT_EQ(*f.store.purge_expired(kNow + 3600), 1u);
  EXPECT_FALSE(std::filesystem::exists(f.dir.file(*a + ".released")));
  EXPECT_FALSE(f.store.open(*a).ok());
  EXPECT_TRUE(f.store.open(*b).ok());
  EXPECT_EQ(*f.store.purge_expired(kNow + 10000), 1u);
  EXPECT_TRUE(f.store.list()->empty());
}

TEST(Store, DamagedHeadersAreListedNotHidden) {
  Fixture f;
  const std::string id(32, 'e');
  write_file(f.store.entry_path(id), "garbage");
  auto l = f.store.list();
  ASSERT_EQ(l->size(), 1u);
  EXPECT_EQ((*l)[0].id, id);
  EXPECT_FALSE((*l)[0].damage.empty());
  EXPECT_EQ(*f.store.purge_expired(kNow * 2), 0u);  // purge leaves what it cannot read
}

// A FIFO by an entry's name once made list, purge, verify and release wait
// for a writer forever (the daily purge timer with them). alarm() turns a
// regression into a failed run instead of a hung one.
TEST(Store, AFifoOrLinkByAnEntrysNameIsDamageAndNeverWaitedOn) {
  Fixture f;
  ::alarm(30);
  auto good = put(f.store, kMessage);
  ASSERT_TRUE(good.ok()) << good.error().message;
  const std::string fifo(32, 'a'), link(32, 'b');
  ASSERT_EQ(::mkfifo(f.store.entry_path(fifo).c_str(), 0600), 0);
  ASSERT_EQ(::symlink(f.store.entry_path(*good).c_str(), f.store.entry_path(link).c_str()), 0);
  auto l = f.store.list();
  ASSERT_TRUE(l.ok()) << l.error().message;
  ASSERT_EQ(l->size(), 3u) << "listed, not skipped";
  for (const auto& e : *l) {
    SCOPED_TRACE(e.id);
    if (e.id == *good) { EXPECT_EQ(e.damage, ""); continue; }
    EXPECT_EQ(e.damage, e.id == fifo ? "not a regular file" : "cannot open: Too many levels of symbolic links");
  }
  auto o = f.store.open(fifo);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error().message, "entry " + fifo + ": not a regular file");
  EXPECT_FALSE(f.store.verify(fifo).ok());
  EXPECT_EQ(*f.store.purge_expired(kNow * 2), 1u) << "only the real entry goes";
  EXPECT_TRUE(std::filesystem::is_fifo(f.store.entry_path(fifo)));
  // The release marker: a FIFO there fails instead of waiting for a reader.
  ASSERT_EQ(::mkfifo((f.dir.path() + "/" + fifo + ".released").c_str(), 0600), 0);
  EXPECT_FALSE(f.store.mark_released(fifo, kNow).ok());
  ::alarm(0);
}

TEST(Store, LimitsAndBadRequestsFailCleanly) {
  Fixture f;
  Store small(StoreOptions{f.dir.path(), 3600, 10}, ring(std::string("k1 ") + kHex1 + "\n"));
  auto w = small.begin(sample_meta(), kNow);
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE((*w)->write("0123456789").ok());
  auto over = (*w)->write("x");
  ASSERT_FALSE(over.ok());
  EXPECT_NE(over.error().message.find("larger than the escrow limit of 10 bytes"), std::string::npos);
  EXPECT_FALSE((*w)->commit().ok());
  EXPECT_TRUE(std::filesystem::is_empty(f.dir.path()));

  EXPECT_FALSE(f.store.begin(sample_meta(0), kNow).ok());
  EXPECT_FALSE(f.store.begin(sample_meta(kMaxRecipients + 1), kNow).ok());
  Store nowhere(StoreOptions{f.dir.file("missing"), 3600, 100}, f.keys);
  auto bad = nowhere.begin(sample_meta(), kNow);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message.rfind(f.dir.file("missing") + ": create", 0), 0u) << bad.error().message;
  EXPECT_NE(bad.error().message.find(": No such file or directory"), std::string::npos) << bad.error().message;
  auto bad_named = Store(without_o_tmpfile(nowhere.options()), f.keys).begin(sample_meta(), kNow);
  ASSERT_FALSE(bad_named.ok());
  EXPECT_EQ(bad_named.error().message.rfind(f.dir.file("missing/.tmp-"), 0), 0u) << bad_named.error().message;
  EXPECT_NE(bad_named.error().message.find("create: No such file or directory"), std::string::npos) << bad_named.error().message;
  for (const char* id : {"", "../x", "0123456789ABCDEF0123456789ABCDEF"}) {
    SCOPED_TRACE(id);
    EXPECT_FALSE(f.store.open(id).ok());
    EXPECT_FALSE(f.store.remove(id).ok());
    EXPECT_FALSE(f.store.mark_released(id, kNow).ok());
  }
  EXPECT_FALSE(f.store.open(std::string(32, '0')).ok());
}

TEST(Store, CommittedFileIsPrivate) {
  Fixture f;
  auto id = put(f.store, kMessage);
  struct stat st;
  ASSERT_EQ(stat(f.store.entry_path(*id).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

// An entry that cannot be made durable is not committed and leaves no file
// behind, named or temporary: the caller answers tempfail and the MTA keeps
// the message (DESIGN.md: escrowed durably, or not at all).
TEST(Store, AnEntryThatCannotBeMadeDurableLeavesNothing) {
  struct Row {
    const char* label;
    int (*fsync)(int);
    const char* error;  // the end of the error message
  } rows[] = {
      {"the entry's fsync fails", testing::fsync_fails_for<S_IFREG>, ": fsync: Input/output error"},
      {"the directory's fsync fails", testing::fsync_fails_for<S_IFDIR>, ": fsync directory: Input/output error"},
  };
  for (const auto& r : rows) {
    for (bool unnamed : {true, false}) {
      SCOPED_TRACE(std::string(r.label) + (unnamed ? ", O_TMPFILE" : ", named temporary file"));
      Fixture f;
      set_fsync_for_tests(r.fsync);
      auto id = put(unnamed ? f.store : f.named, kMessage);
      set_fsync_for_tests(nullptr);
      ASSERT_FALSE(id.ok());
      EXPECT_TRUE(id.error().message.ends_with(r.error)) << id.error().message;
      EXPECT_TRUE(names(f.dir.path()).empty()) << "no entry and no temporary file";
      auto again = put(unnamed ? f.store : f.named, kMessage);
      ASSERT_TRUE(again.ok()) << again.error().message;
      EXPECT_EQ(*get(f.store, *again), kMessage) << "the next entry commits";
    }
  }
}

}  // namespace
}  // namespace phi::escrow
