// The audit store's everyday behaviour: the chain, pseudonyms, keys, find and export.
#include "audit_test_support.hpp"

#include <ecid/log.hpp>

#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <set>
#include <thread>

namespace ecid::testing {
namespace {

TEST(AuditChain, AppendedRowsFormAVerifiedChain) {
  TempDir dir;
  AuditOptions o = options(dir);
  write_rows(o, 100);

  const AuditVerifyResult v = verify_audit(o.path, o.anchor_file);
  EXPECT_TRUE(v.ok) << to_string(v.problem) << ": " << v.detail;
  EXPECT_EQ(v.rows, 100u);
  EXPECT_EQ(v.head.seq, 100u);
  // Batches of 7 that cross a multiple of 10: 14 21 35 42 56 63 70 84 91, and 100 at close.
  EXPECT_EQ(v.anchors_checked, 10u);
  EXPECT_EQ(v.problem, AuditProblem::none);

  // Each row links to the one before and its hash is the documented encoding's.
  const std::vector<AuditRow> rows = all_rows(o.path);
  ASSERT_EQ(rows.size(), 100u);
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].seq, i + 1);
    EXPECT_EQ(rows[i].document_ref, "doc-" + std::to_string(i));
    EXPECT_EQ(audit_row_hash(rows[i]), rows[i].row_hash);
    if (i > 0) {
      EXPECT_EQ(rows[i].prev_hash, rows[i - 1].row_hash);
    }
    EXPECT_EQ(rows[i].subject, audit_pseudonym(kTestKey, citizen_id(i)));
    EXPECT_EQ(rows[i].fields_disclosed, (std::vector<std::string>{"full_name", "birth_date"}));
    EXPECT_EQ(rows[i].time.size(), 27u);
    EXPECT_EQ(rows[i].time.back(), 'Z');
  }
  EXPECT_EQ(v.head.head, rows.back().row_hash);
  EXPECT_EQ(read_audit_head(o.path).head, rows.back().row_hash);
}

TEST(AuditChain, ReopeningContinuesTheSameChain) {
  TempDir dir;
  AuditOptions o = options(dir);
  write_rows(o, 30);
  const std::string chain = read_audit_head(o.path).chain_id;
  write_rows(o, 25);
  EXPECT_EQ(read_audit_head(o.path).chain_id, chain);
  const AuditVerifyResult v = verify_audit(o.path, o.anchor_file);
  EXPECT_TRUE(v.ok) << v.detail;
  EXPECT_EQ(v.rows, 55u);
}

TEST(AuditChain, EmptyChainVerifies) {
  TempDir dir;
  AuditOptions o = options(dir);
  { AuditLog log(o); }
  const AuditVerifyResult v = verify_audit(o.path, o.anchor_file);
  EXPECT_TRUE(v.ok) << v.detail;
  EXPECT_EQ(v.rows, 0u);
  EXPECT_EQ(v.anchors_checked, 0u);
}

// Deleting the database but not its anchors must not silently start a new trail (whose every
// verify would then fail against the old anchors).
TEST(AuditChain, ANewDatabaseBesideAnotherChainsAnchorsIsRefused) {
  TempDir dir;
  AuditOptions o = options(dir);
  write_rows(o, 30);
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(o.path.string() + suffix);
  try {
    AuditLog log(o);
    ADD_FAILURE() << "a new trail was started beside another chain's anchors";
  } catch (const AuditError& e) {
    EXPECT_NE(std::string(e.what()).find(o.anchor_file.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("deleted or replaced"), std::string::npos) << e.what();
  }
  std::filesystem::rename(o.anchor_file, dir / "old.anchors");
  write_rows(o, 5);
  EXPECT_TRUE(verify_audit(o.path, o.anchor_file).ok);
}

TEST(AuditChain, FlushCommitsAndWriteAnchorRecordsTheHead) {
  TempDir dir;
  AuditOptions o = options(dir);
  o.batch_rows = 1000;
  AuditLog log(o);
  for (int i = 0; i < 5; ++i) log.append(event(i));
  EXPECT_EQ(sql_int(o.path, "SELECT count(*) FROM audit"), 0);  // still buffered
  const AuditAnchor head = log.flush();
  EXPECT_EQ(head.seq, 5u);
  EXPECT_EQ(sql_int(o.path, "SELECT count(*) FROM audit"), 5);
  const AuditAnchor anchored = log.write_anchor();
  EXPECT_EQ(anchored.seq, 5u);
  EXPECT_EQ(anchored.head, head.head);
  const std::string anchors = read_file(o.anchor_file);
  EXPECT_EQ(anchors, audit_anchor_line(anchored) + "\n");
  const auto line = nlohmann::json::parse(anchors);
  EXPECT_EQ(line["chain_id"], head.chain_id);
  EXPECT_EQ(line["seq"], 5);
  log.close();
  EXPECT_THROW(log.append(event(9)), AuditError);
  // Nothing new since the explicit anchor: close added none.
  EXPECT_EQ(read_file(o.anchor_file), anchors);
}

// Pseudonymised rows are still personal data: nothing of a new trail is readable by others,
// whatever the umask allows.
TEST(AuditChain, ANewTrailIsNotReadableByOthers) {
  TempDir dir;
  AuditOptions o = options(dir);
  const mode_t old_umask = ::umask(0);
  AuditLog log(o);
  log.append(event(1));
  log.write_anchor();
  ::umask(old_umask);
  for (const auto& file : {o.path, std::filesystem::path(o.path.string() + "-wal"),
                           std::filesystem::path(o.path.string() + "-shm"),
                           o.anchor_file}) {
    struct stat st {};
    ASSERT_EQ(::stat(file.c_str(), &st), 0) << file;
    EXPECT_EQ(st.st_mode & S_IRWXO, 0u) << file << " mode " << std::oct << (st.st_mode & 0777);
  }
}

TEST(AuditChain, AppendBatchKeepsEventsTogether) {
  TempDir dir;
  AuditOptions o = options(dir);
  std::vector<AuditEvent> events;
  for (int i = 0; i < 20; ++i) events.push_back(event(i));
  {
    AuditLog log(o);
    log.append(event(100));
    log.append_batch(events);
  }
  const auto rows = all_rows(o.path);
  ASSERT_EQ(rows.size(), 21u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(rows[static_cast<size_t>(i) + 1].document_ref, "doc-" + std::to_string(i));
  EXPECT_TRUE(verify_audit(o.path, o.anchor_file).ok);
}

TEST(AuditChain, BackgroundFlushCommitsAfterMaxDelay) {
  TempDir dir;
  AuditOptions o = options(dir);
  o.batch_rows = 1000;
  o.max_delay = std::chrono::milliseconds(50);
  AuditLog log(o);
  // Let the writer go idle first: rows arriving at an idle writer must still start its clock.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  for (int i = 0; i < 3; ++i) log.append(event(i));
  int64_t committed = 0;
  for (int tries = 0; tries < 100 && committed < 3; ++tries) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    committed = sql_int(o.path, "SELECT count(*) FROM audit");
  }
  EXPECT_EQ(committed, 3);
}

// A long verification reports its progress: rows read so far against the head, in steps.
TEST(AuditChain, VerifyReportsItsProgress) {
  TempDir dir;
  AuditOptions o = options(dir);
  o.batch_rows = 1000;
  o.anchor_every = 100000;
  const uint64_t n = 3 * 65536 + 123;
  write_rows(o, n);
  std::vector<std::pair<uint64_t, uint64_t>> calls;
  const AuditVerifyResult v =
      verify_audit(o.path, o.anchor_file, [&](uint64_t done, uint64_t total) { calls.emplace_back(done, total); });
  EXPECT_TRUE(v.ok) << v.detail;
  ASSERT_EQ(calls.size(), 3u);
  for (size_t i = 0; i < calls.size(); ++i) {
    EXPECT_EQ(calls[i].first, (i + 1) * 65536);
    EXPECT_EQ(calls[i].second, n);
  }
}

// find searches in windows of 65,536 sequence numbers to report progress: rows on either side of
// each window's edge are all found, once, and bounds still apply.
TEST(AuditFind, WindowEdgesLoseNothing) {
  TempDir dir;
  AuditOptions o = options(dir);
  o.batch_rows = 1000;
  o.anchor_every = 100000;
  const uint64_t window = 65536, n = 3 * window + 10;
  const std::string subject = citizen_id(424242);
  std::set<uint64_t> subject_seqs;  // 1-based seqs of the subject's rows
  for (uint64_t w = 1; w <= 3; ++w)
    for (uint64_t s : {w * window - 1, w * window, w * window + 1}) subject_seqs.insert(s);
  subject_seqs.insert(1);
  subject_seqs.insert(n);
  {
    AuditLog log(o);
    for (uint64_t seq = 1; seq <= n; ++seq) log.append(event(seq - 1, subject_seqs.count(seq) ? subject : ""));
  }
  std::vector<std::pair<uint64_t, uint64_t>> calls;
  const auto rows = find_audit(o.path, kTestKey, subject, {}, [&](uint64_t done, uint64_t total) { calls.emplace_back(done, total); });
  std::vector<uint64_t> found;
  for (const auto& r : rows) found.push_back(r.seq);
  EXPECT_EQ(found, std::vector<uint64_t>(subject_seqs.begin(), subject_seqs.end()));
  ASSERT_EQ(calls.size(), 4u);
  EXPECT_EQ(calls.front(), std::make_pair(window, n));
  EXPECT_EQ(calls.back(), std::make_pair(n, n));
  // Bounds inside windows.
  const auto bounded = find_audit(o.path, kTestKey, subject, parse_audit_range(std::to_string(window), std::to_string(2 * window)));
  found.clear();
  for (const auto& r : bounded) found.push_back(r.seq);
  EXPECT_EQ(found, (std::vector<uint64_t>{window, window + 1, 2 * window - 1, 2 * window}));
}

// An operator pointing the audit at a place it cannot be written learns why, not SQLite's
// "unable to open database file" (tested with a file where a folder should be: CI runs as root).
TEST(AuditChain, AnUnwritablePlaceIsRefusedWithTheReason) {
  TempDir dir;
  AuditOptions o = options(dir);
  std::ofstream(dir / "not-a-folder") << "x";
  o.path = dir / "not-a-folder" / "audit.db";
  try {
    AuditLog log(o);
    ADD_FAILURE() << "opened an audit database under a file";
  } catch (const AuditError& e) {
    EXPECT_NE(std::string(e.what()).find(o.path.string() + ": Not a directory"), std::string::npos) << e.what();
  }
}

TEST(AuditChain, MalformedEventsAreRefused) {
  TempDir dir;
  AuditLog log(options(dir));
  AuditEvent e = event(1);
  e.kind.clear();
  EXPECT_THROW(log.append(e), std::invalid_argument);
  e = event(1);
  e.fields_disclosed = {"full_name,birth_date"};
  EXPECT_THROW(log.append(e), std::invalid_argument);
  e.fields_disclosed = {""};
  EXPECT_THROW(log.append(e), std::invalid_argument);
  log.append(event(2));
  log.close();
  EXPECT_EQ(all_rows(options(dir).path).size(), 1u);
}

// --- pseudonyms and keys ----------------------------------------------------------------------

TEST(AuditPseudonym, IsHmacSha256) {
  // RFC 4231 test cases 2 and 6 (a key longer than the block is hashed first).
  EXPECT_EQ(audit_pseudonym("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(audit_pseudonym(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(AuditPseudonym, DependsOnKeyAndId) {
  const std::string id = citizen_id(4711);
  EXPECT_EQ(audit_pseudonym(kTestKey, id), audit_pseudonym(kTestKey, id));
  EXPECT_NE(audit_pseudonym(kTestKey, id), audit_pseudonym("another-key-0123456789abcdef", id));
  EXPECT_NE(audit_pseudonym(kTestKey, id), audit_pseudonym(kTestKey, citizen_id(4712)));
  EXPECT_EQ(audit_pseudonym(kTestKey, id).size(), 64u);
}

TEST(AuditPseudonym, ClearIdIsStoredNowhere) {
  TempDir dir;
  AuditOptions o = options(dir);
  const std::string id = "079203004711";
  {
    AuditLog log(o);
    AuditEvent e = event(1, id);
    e.document_ref = "scan-" + id + ".xml";  // an engine mistake the store must absorb
    e.outcome = "not_found: " + id;
    for (int i = 0; i < 50; ++i) log.append(e);
    log.flush();
    // Also while the WAL still holds the rows.
    for (const auto& f : std::filesystem::directory_iterator(dir.path()))
      EXPECT_EQ(read_file(f.path()).find(id), std::string::npos) << f.path();
  }
  for (const auto& f : std::filesystem::directory_iterator(dir.path()))
    EXPECT_EQ(read_file(f.path()).find(id), std::string::npos) << f.path();
  const auto rows = all_rows(o.path);
  ASSERT_EQ(rows.size(), 50u);
  EXPECT_EQ(rows[0].document_ref, "scan-[subject].xml");
  EXPECT_EQ(rows[0].outcome, "not_found: [subject]");
  EXPECT_EQ(find_audit(o.path, kTestKey, id).size(), 50u);
}

TEST(AuditKey, InlineOrFileButNotBothAndLongEnough) {
  TempDir dir;
  AuditOptions o = options(dir);
  o.key = "short";
  EXPECT_THROW(load_audit_key(o), AuditError);
  EXPECT_THROW(AuditLog{o}, AuditError);
  o.key.clear();
  EXPECT_THROW(load_audit_key(o), AuditError);
  o.key_file = dir.write("audit.key", std::string("  ") + kTestKey + "\n");
  ::chmod(o.key_file.c_str(), 0600);
  EXPECT_EQ(load_audit_key(o), kTestKey);
  o.key = kTestKey;
  EXPECT_THROW(load_audit_key(o), AuditError);
  o.key.clear();
  o.key_file = dir / "absent.key";
  EXPECT_THROW(load_audit_key(o), AuditError);
}

// A key others can read re-identifies every pseudonym: refused (issue 21), never shown.
TEST(AuditKey, WorldReadableKeyFileIsRefusedWithoutShowingTheKey) {
  TempDir dir;
  AuditOptions o = options(dir);
  o.key.clear();
  o.key_file = dir.write("audit.key", kTestKey);
  ::chmod(o.key_file.c_str(), 0644);
  try {
    load_audit_key(o);
    ADD_FAILURE() << "a key file readable by others was accepted";
  } catch (const AuditError& e) {
    EXPECT_NE(std::string(e.what()).find("group or others"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find(kTestKey), std::string::npos);
  }
  ::chmod(o.key_file.c_str(), 0600);
  EXPECT_EQ(load_audit_key(o), kTestKey);
}

TEST(AuditKey, DatabaseRemembersItsKey) {
  TempDir dir;
  AuditOptions o = options(dir);
  write_rows(o, 3);
  AuditOptions other = o;
  other.key = "a-different-key-0123456789abcdef";
  EXPECT_THROW(AuditLog{other}, AuditError);
  EXPECT_THROW(find_audit(o.path, other.key, citizen_id(1)), AuditError);
  // The key file and the inline key are the same key once trimmed.
  AuditOptions from_file = o;
  from_file.key.clear();
  from_file.key_file = dir.write("audit.key", std::string(kTestKey) + "\n");
  ::chmod(from_file.key_file.c_str(), 0600);
  EXPECT_NO_THROW(AuditLog{from_file});
}

TEST(AuditKey, RefusesAnotherKindOfDatabase) {
  TempDir dir;
  AuditOptions o = options(dir);
  sql(o.path, "CREATE TABLE person (pid INTEGER PRIMARY KEY, full_name TEXT)");
  EXPECT_THROW(AuditLog{o}, AuditError);
  EXPECT_FALSE(verify_audit(o.path).ok);
  EXPECT_EQ(verify_audit(o.path).problem, AuditProblem::unreadable);
  EXPECT_THROW(verify_audit(dir / "absent.db"), AuditError);
  EXPECT_FALSE(std::filesystem::exists(dir / "absent.db"));
}

// A trail of the earlier format (every row holding its context) stays usable after an upgrade:
// verified, exported, found, and appended to in its own layout. Made here from a current file by
// plain SQL, as the rows' hashes do not depend on the layout.
TEST(AuditFormat, AnEarlierFormatFileIsStillReadAndAppendedTo) {
  TempDir dir;
  AuditOptions o = options(dir);
  write_rows(o, 10);
  drop_guards(o.path);
  sql(o.path,
      "CREATE TABLE audit_v1 (seq INTEGER PRIMARY KEY, time TEXT NOT NULL, kind TEXT NOT NULL, adapter TEXT NOT NULL, "
      "adapter_version TEXT NOT NULL, purpose TEXT NOT NULL, legal_basis TEXT NOT NULL, document_ref TEXT NOT NULL, "
      "subject TEXT NOT NULL, fields TEXT NOT NULL, outcome TEXT NOT NULL, prev_hash BLOB NOT NULL, "
      "row_hash BLOB NOT NULL);"
      "INSERT INTO audit_v1 SELECT seq, time, kind, adapter, adapter_version, purpose, legal_basis, document_ref, "
      "subject, fields, outcome, prev_hash, row_hash FROM audit JOIN audit_context ON audit_context.id = context;"
      "DROP TABLE audit; DROP TABLE audit_context; ALTER TABLE audit_v1 RENAME TO audit;"
      "UPDATE audit_meta SET value = 'ecid-audit-v1' WHERE name = 'format';");
  ASSERT_TRUE(verify_audit(o.path, o.anchor_file).ok);

  {
    AuditLog log(o);
    for (uint64_t i = 10; i < 25; ++i) log.append(event(i));
  }
  const AuditVerifyResult v = verify_audit(o.path, o.anchor_file);
  EXPECT_TRUE(v.ok) << to_string(v.problem) << ": " << v.detail;
  EXPECT_EQ(v.rows, 25u);
  const auto rows = all_rows(o.path);
  ASSERT_EQ(rows.size(), 25u);
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].document_ref, "doc-" + std::to_string(i));
    EXPECT_EQ(rows[i].legal_basis, "Law 59/2020/QH14 art. 10");
  }
  EXPECT_EQ(find_audit(o.path, kTestKey, citizen_id(17)).size(), 1u);
  EXPECT_EQ(sql_int(o.path, "SELECT count(*) FROM sqlite_master WHERE name = 'audit_context'"), 0);
  // Tampering is caught as in the current layout.
  sql(o.path, "UPDATE audit SET purpose = 'other' WHERE seq = 12");
  EXPECT_EQ(verify_audit(o.path).problem, AuditProblem::edited);
}

// --- find and export --------------------------------------------------------------------------

TEST(AuditFind, ReturnsExactlyTheSubjectsRows) {
  TempDir dir;
  AuditOptions o = options(dir);
  const std::string subjects[] = {citizen_id(11), citizen_id(22), citizen_id(33)};
  {
    AuditLog log(o);
    for (int i = 0; i < 30; ++i) log.append(event(static_cast<uint64_t>(i), subjects[i % 3]));
  }
  for (int s = 0; s < 3; ++s) {
    const auto rows = find_audit(o.path, kTestKey, subjects[s]);
    ASSERT_EQ(rows.size(), 10u);
    for (size_t k = 0; k < rows.size(); ++k) {
      EXPECT_EQ(rows[k].document_ref, "doc-" + std::to_string(3 * k + static_cast<size_t>(s)));
      EXPECT_EQ(rows[k].seq, 3 * k + static_cast<size_t>(s) + 1);
      EXPECT_EQ(rows[k].purpose, "court_judgment_check");
    }
  }
  EXPECT_TRUE(find_audit(o.path, kTestKey, citizen_id(44)).empty());
}

TEST(AuditFind, BoundsNarrowTheSearch) {
  TempDir dir;
  AuditOptions o = options(dir);
  const std::string subjects[] = {citizen_id(11), citizen_id(22)};
  {
    AuditLog log(o);
    for (int i = 0; i < 40; ++i) log.append(event(static_cast<uint64_t>(i), subjects[i % 2]));
  }
  // Rows 11..20 hold 5 of each subject: seqs 11,13,..,19 for the first.
  const auto rows = find_audit(o.path, kTestKey, subjects[0], parse_audit_range("11", "20"));
  ASSERT_EQ(rows.size(), 5u);
  for (size_t k = 0; k < rows.size(); ++k) EXPECT_EQ(rows[k].seq, 11 + 2 * k);
  const std::string day = all_rows(o.path).front().time.substr(0, 10);
  EXPECT_EQ(find_audit(o.path, kTestKey, subjects[1], parse_audit_range(day, day)).size(), 20u);
  EXPECT_EQ(find_audit(o.path, kTestKey, subjects[1], parse_audit_range("9999-01", "")).size(), 0u);
  EXPECT_EQ(find_audit(o.path, kTestKey, subjects[1], parse_audit_range("", "3")).size(), 1u);
}

TEST(AuditExport, SequenceRangeAsJsonLines) {
  TempDir dir;
  AuditOptions o = options(dir);
  write_rows(o, 50);
  std::ostringstream out;
  EXPECT_EQ(export_audit(o.path, parse_audit_range("10", "20"), out), 11u);
  std::istringstream in(out.str());
  uint64_t expected = 10;
  for (std::string line; std::getline(in, line); ++expected) {
    const auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["seq"], expected);
    EXPECT_EQ(j["document_ref"], "doc-" + std::to_string(expected - 1));
    EXPECT_EQ(j["subject"], audit_pseudonym(kTestKey, citizen_id(expected - 1)));
    EXPECT_EQ(audit_row_hash(row_from_json(j)), j["row_hash"]);
  }
  EXPECT_EQ(expected, 21u);
  std::ostringstream open_ended;
  EXPECT_EQ(export_audit(o.path, parse_audit_range("45", ""), open_ended), 6u);
}

TEST(AuditExport, TimeRangeAtAnyPrecision) {
  TempDir dir;
  AuditOptions o = options(dir);
  write_rows(o, 20);
  const auto rows = all_rows(o.path);
  const std::string first = rows.front().time, last = rows.back().time;
  std::ostringstream sink;
  // The whole day and the whole minute of the rows include them all.
  EXPECT_EQ(export_audit(o.path, parse_audit_range(first.substr(0, 10), last.substr(0, 10)), sink), 20u);
  EXPECT_EQ(export_audit(o.path, parse_audit_range(first.substr(0, 16), last.substr(0, 16) + "Z"), sink), 20u);
  EXPECT_EQ(export_audit(o.path, parse_audit_range(first, last), sink), 20u);
  EXPECT_EQ(export_audit(o.path, parse_audit_range("2000-01-01", "2000-12-31T23:59:59Z"), sink), 0u);
  EXPECT_EQ(export_audit(o.path, parse_audit_range("9999-01", ""), sink), 0u);
  // Time and sequence bounds combine.
  EXPECT_EQ(export_audit(o.path, parse_audit_range("2000-01", "5"), sink), 5u);
}

TEST(AuditExport, BadRangesAreRefused) {
  for (const char* bad : {"yesterday", "2025-1", "2025-13", "2025-01-32", "2025-01-31T24:00", "2025-01-31T08:15+07:00",
                          "2025-01-31T08:15:00.", "2025/01/31", "99999999999999999999"}) {
    EXPECT_THROW(parse_audit_range(bad, ""), std::invalid_argument) << bad;
    EXPECT_THROW(parse_audit_range("", bad), std::invalid_argument) << bad;
  }
  const AuditRange r = parse_audit_range("2025-01-31 08:15:00Z", "7");
  EXPECT_EQ(r.from_time, "2025-01-31T08:15:00");
  EXPECT_EQ(r.to_seq, 7u);
  // Digits alone are always a sequence number; a time needs at least year and month.
  EXPECT_EQ(parse_audit_range("2025", "").from_seq, 2025u);
  EXPECT_EQ(parse_audit_range("2025-01", "").from_time, "2025-01");
  // Reversed bounds are refused rather than answered with nothing.
  for (const auto& [from, to] : {std::pair{"20", "10"}, {"2027-01", "2026-12-31"}, {"2025-02-01", "2025-01"},
                                 {"2025-01-31T08:16", "2025-01-31T08:15:59"}}) {
    EXPECT_THROW(parse_audit_range(from, to), std::invalid_argument) << from << ".." << to;
  }
  // Equal bounds, and a time inside the --to period, are a range.
  EXPECT_NO_THROW(parse_audit_range("10", "10"));
  EXPECT_NO_THROW(parse_audit_range("2025-01-15", "2025-01"));
  EXPECT_NO_THROW(parse_audit_range("2025-01-31T08:15:30", "2025-01-31T08:15"));
}

// The writer thread commits while appenders go on; a commit that fails (another connection holds
// the write lock longer than the busy timeout) loses nothing: the error reaches the caller, the
// rows stay queued, and the next flush writes them in order.
TEST(AuditChain, AFailedCommitKeepsItsRowsForTheNextFlush) {
  TempDir dir;
  AuditOptions o = options(dir);
  o.batch_rows = 1000;
  o.busy_timeout = std::chrono::milliseconds(50);
  AuditLog log(o);
  for (int i = 0; i < 5; ++i) log.append(event(i));
  log.flush();

  sqlite3* blocker = nullptr;
  ASSERT_EQ(sqlite3_open(o.path.c_str(), &blocker), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(blocker, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  for (int i = 5; i < 12; ++i) log.append(event(i));
  EXPECT_THROW(log.flush(), AuditError);
  EXPECT_THROW(log.flush(), AuditError);  // still locked: retried, fails again
  for (int i = 12; i < 15; ++i) log.append(event(i));
  ASSERT_EQ(sqlite3_exec(blocker, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(blocker);

  EXPECT_EQ(log.flush().seq, 15u);
  log.close();
  const auto rows = all_rows(o.path);
  ASSERT_EQ(rows.size(), 15u);
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i].document_ref, "doc-" + std::to_string(i));
  EXPECT_TRUE(verify_audit(o.path, o.anchor_file).ok);
}

// Engine::check flushes from many threads at once. When a commit fails, every flush waiting for
// it must learn so (none may hang, none may return as if its rows were written), and the rows
// stay queued until the store accepts them again.
TEST(AuditChain, EveryConcurrentFlushLearnsOfAFailedCommit) {
  TempDir dir;
  AuditOptions o = options(dir);
  o.batch_rows = 1000;
  AuditLog log(o);
  log.append(event(0));
  log.flush();
  sql(o.path, "CREATE TRIGGER injected BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'injected'); END");
  constexpr int kThreads = 4, kRounds = 25;
  uint64_t n = 1;
  for (int round = 0; round < kRounds; ++round) {
    std::atomic<int> finished{0}, returned{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, i = n++] {
        try {
          log.append(event(i));
          log.flush();
          ++returned;
        } catch (const AuditError&) {
        }
        ++finished;
      });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (finished < kThreads && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (finished < kThreads) {
      ADD_FAILURE() << "round " << round << ": a flush still waits for a commit that failed";
      sql(o.path, "DROP TRIGGER injected");  // let the stuck flush finish, then stop
      log.flush();
      for (auto& th : threads) th.join();
      return;
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(returned, 0) << "round " << round << ": a flush returned although nothing was written";
  }
  sql(o.path, "DROP TRIGGER injected");
  EXPECT_EQ(log.flush().seq, n);
  log.close();
  EXPECT_EQ(all_rows(o.path).size(), n);
  EXPECT_TRUE(verify_audit(o.path, o.anchor_file).ok);
}

// Batches are hashed when sealed, from the head the log expects. When another log (here in the
// same process; another process behaves alike) appended in between, the writer must chain from
// the real head instead.
TEST(AuditChain, LogsTakingTurnsOnOneFileChainFromTheRealHead) {
  TempDir dir;
  AuditOptions o = options(dir);
  o.batch_rows = 4;
  AuditLog first(o), second(o);
  uint64_t n = 0;
  for (int turn = 0; turn < 6; ++turn) {
    AuditLog& log = turn % 2 == 0 ? first : second;
    for (int i = 0; i < 1 + turn * 3; ++i) log.append(event(n++));
    log.flush();
  }
  first.close();
  second.close();
  const AuditVerifyResult v = verify_audit(o.path, o.anchor_file);
  EXPECT_TRUE(v.ok) << to_string(v.problem) << ": " << v.detail;
  EXPECT_EQ(v.rows, n);
  const auto rows = all_rows(o.path);
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i].document_ref, "doc-" + std::to_string(i));
}

// A batch job encodes rows on its worker threads and appends them later, skipping rows that a
// resumed run already wrote: the rows land in order, pseudonymised, and the chain holds.
TEST(AuditRows, EncodedOnWorkersAppendedInOrderFromAnyFirstRow) {
  TempDir dir;
  AuditOptions o = options(dir);
  {
    AuditLog log(o);
    std::vector<AuditRows> chunks(4);
    std::vector<std::thread> workers;
    for (size_t c = 0; c < chunks.size(); ++c)
      workers.emplace_back([&, c] {
        for (uint64_t i = 0; i < 100; ++i) log.encode(event(c * 100 + i, citizen_id(c * 100 + i)), chunks[c]);
      });
    for (auto& w : workers) w.join();
    log.append_rows(chunks[0]);
    log.append_rows(chunks[1], 40);  // the first 40 were written before an interruption
    log.append_rows(chunks[2], 100);  // all written: nothing to append
    log.append_rows(chunks[3]);
    log.close();
  }
  const auto rows = all_rows(o.path);
  ASSERT_EQ(rows.size(), 100u + 60u + 100u);
  EXPECT_EQ(rows[100].subject, audit_pseudonym(kTestKey, citizen_id(140)));
  EXPECT_EQ(rows[160].subject, audit_pseudonym(kTestKey, citizen_id(300)));
  for (size_t i = 1; i < rows.size(); ++i) EXPECT_EQ(rows[i].prev_hash, rows[i - 1].row_hash);
  EXPECT_TRUE(verify_audit(o.path, o.anchor_file).ok);
}


// --- who an answer discloses besides its subject ------------------------------------------------

// A plate history of `owners` (a person's 12-digit ID or an organisation's code), one period each.
std::string plate_history(const std::vector<std::string>& owners) {
  std::string h;
  for (size_t i = 0; i < owners.size(); ++i) {
    if (!h.empty()) h += ';';
    h += "20" + std::to_string(10 + i) + "-01-01.." + (i + 1 < owners.size() ? "20" + std::to_string(11 + i) + "-01-01" : "");
    h += owners[i].size() == 12 ? ":person:" : ":organisation:";
    h += owners[i] + (i + 1 < owners.size() ? ":revoked" : ":active");
  }
  return h;
}

std::vector<std::string> disclosed(const RegisterRecord& record, std::string_view subject, const FieldSet& received) {
  std::vector<std::string_view> views;
  disclosed_people(record, subject, received, views);
  return {views.begin(), views.end()};
}

TEST(AuditDisclosure, EveryPersonAnAnswerNamesIsFoundOnce) {
  const std::string plate_subject = "30A12345";
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    // Owners over time: people and an organisation, one person owning the plate twice.
    std::vector<std::string> owners;
    for (uint64_t i = 0; i < 1 + seed % 4; ++i) owners.push_back(citizen_id(seed * 10 + i));
    owners.push_back("0101234567");
    owners.push_back(owners.front());
    const std::string current = citizen_id(seed * 10 + 9);
    owners.push_back(current);
    RegisterRecord plate;
    plate.values = {{ECID_F_PLATE, "30A-123.45"},
                    {ECID_F_VEHICLE_OWNER_ID, current},
                    {ECID_F_PLATE_HISTORY, plate_history(owners)}};
    const FieldSet all{ECID_F_PLATE, ECID_F_VEHICLE_OWNER_ID, ECID_F_PLATE_HISTORY};

    std::vector<std::string> expected{current};
    for (const auto& o : owners)
      if (o.size() == 12 && std::find(expected.begin(), expected.end(), o) == expected.end()) expected.push_back(o);
    std::vector<std::string> got = disclosed(plate, plate_subject, all);
    EXPECT_EQ(std::set<std::string>(got.begin(), got.end()), std::set<std::string>(expected.begin(), expected.end()));
    EXPECT_EQ(got.size(), expected.size()) << "each person once";

    // Only fields the adapter receives disclose anyone; the subject is never "another" person.
    EXPECT_EQ(disclosed(plate, plate_subject, FieldSet{ECID_F_PLATE, ECID_F_VEHICLE_OWNER_ID}),
              std::vector<std::string>{current});
    EXPECT_TRUE(disclosed(plate, plate_subject, FieldSet{ECID_F_PLATE}).empty());
    got = disclosed(plate, current, all);
    EXPECT_EQ(std::count(got.begin(), got.end(), current), 0);
    EXPECT_EQ(got.size(), expected.size() - 1);
  }

  // An organisation discloses its legal representative; an owner that is an organisation is nobody.
  RegisterRecord org;
  org.values = {{ECID_F_ORG_CODE, "0101234567"}, {ECID_F_ORG_REPRESENTATIVE_ID, citizen_id(5)}};
  EXPECT_EQ(disclosed(org, "0101234567", FieldSet{ECID_F_ORG_REPRESENTATIVE_ID}), std::vector<std::string>{citizen_id(5)});
  EXPECT_TRUE(disclosed(org, "0101234567", FieldSet{ECID_F_ORG_CODE}).empty());
  RegisterRecord company_car;
  company_car.values = {{ECID_F_VEHICLE_OWNER_ID, "0101234567-001"}};
  EXPECT_TRUE(disclosed(company_car, "30A12345", FieldSet{ECID_F_VEHICLE_OWNER_ID}).empty());

  // A candidate's personal ID (which the host itself asks for) always counts.
  RegisterRecord candidate;
  candidate.values = {{ECID_F_PERSONAL_ID, citizen_id(7)}, {ECID_F_FULL_NAME, "x"}};
  EXPECT_EQ(disclosed(candidate, "", FieldSet{ECID_F_FULL_NAME}), std::vector<std::string>{citizen_id(7)});
  EXPECT_TRUE(disclosed(candidate, citizen_id(7), FieldSet{ECID_F_FULL_NAME}).empty());

  // A malformed history discloses nobody rather than a fragment.
  RegisterRecord broken;
  broken.values = {{ECID_F_PLATE_HISTORY, "2010-01-01..:person"}, {ECID_F_PLATE_HISTORY, ";;:"}};
  EXPECT_TRUE(disclosed(broken, "30A12345", FieldSet{ECID_F_PLATE_HISTORY}).empty());
}

}  // namespace
}  // namespace ecid::testing
