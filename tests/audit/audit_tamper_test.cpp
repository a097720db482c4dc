// `verify` against each kind of tampering, done with plain SQL on the database file as someone
// with write access to it could. Each case checks the kind and the first bad row reported.
#include "audit_test_support.hpp"

#include <fstream>

namespace ecid::testing {
namespace {

class AuditTamper : public ::testing::Test {
 protected:
  void SetUp() override {
    o_ = options(dir_);
    write_rows(o_, 100);  // anchors every 10 rows (see AppendedRowsFormAVerifiedChain)
    ASSERT_TRUE(verify_audit(o_.path, o_.anchor_file).ok);
    rows_ = all_rows(o_.path);
    drop_guards(o_.path);
  }

  void expect(AuditProblem problem, uint64_t first_bad, bool with_anchors = true) {
    const AuditVerifyResult v = verify_audit(o_.path, with_anchors ? o_.anchor_file : std::filesystem::path());
    EXPECT_FALSE(v.ok);
    EXPECT_EQ(v.problem, problem) << to_string(v.problem) << ": " << v.detail;
    EXPECT_EQ(v.first_bad_seq, first_bad) << v.detail;
    EXPECT_FALSE(v.detail.empty());
  }

  // Writes rows[from-1..] back with recomputed links and hashes, as a careful forger would.
  void rechain_from(std::vector<AuditRow>& rows, size_t from) {
    for (size_t i = from - 1; i < rows.size(); ++i) {
      if (i > 0) rows[i].prev_hash = rows[i - 1].row_hash;
      rows[i].row_hash = audit_row_hash(rows[i]);
    }
    sql(o_.path, "DELETE FROM audit WHERE seq >= " + std::to_string(from));
    for (size_t i = from - 1; i < rows.size(); ++i) insert_row(o_.path, rows[i]);
  }

  TempDir dir_;
  AuditOptions o_;
  std::vector<AuditRow> rows_;
};

TEST_F(AuditTamper, GuardTriggersRefuseEditsThroughSql) {
  TempDir dir;
  AuditOptions o = options(dir);
  write_rows(o, 3);
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(o.path.c_str(), &h), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(h, "UPDATE audit SET outcome = 'x' WHERE seq = 2", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(h, "DELETE FROM audit WHERE seq = 3", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(h, "UPDATE audit_context SET purpose = 'x'", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(h, "DELETE FROM audit_context", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(h);
  EXPECT_TRUE(verify_audit(o.path, o.anchor_file).ok);
  EXPECT_EQ(sql_int(o.path, "SELECT count(*) FROM audit_context"), 2);  // a refusal and a query
}

TEST_F(AuditTamper, EditedColumn) {
  sql(o_.path, "UPDATE audit SET outcome = 'not_found' WHERE seq = 37");
  expect(AuditProblem::edited, 37);
  expect(AuditProblem::edited, 37, false);  // the chain alone catches it
}

TEST_F(AuditTamper, EditedHashColumn) {
  sql(o_.path, "UPDATE audit SET row_hash = X'00' WHERE seq = 52");
  expect(AuditProblem::edited, 52, false);
}

// The context (kind, adapter, version, purpose, legal basis) is stored once per distinct value and
// referenced by id; the row hash covers its text, so changing it changes every row that uses it.
TEST_F(AuditTamper, EditedContextCaughtAtItsFirstRow) {
  // Row 1 (doc-0) is a policy refusal, row 2 a register query: two contexts.
  sql(o_.path, "UPDATE audit_context SET legal_basis = 'none' WHERE id = (SELECT context FROM audit WHERE seq = 2)");
  expect(AuditProblem::edited, 2, false);
}

TEST_F(AuditTamper, RowPointedAtAnotherContext) {
  sql(o_.path, "UPDATE audit SET context = (SELECT context FROM audit WHERE seq = 1) WHERE seq = 38");
  expect(AuditProblem::edited, 38, false);
}

TEST_F(AuditTamper, DeletedContextCaughtAtItsFirstRow) {
  sql(o_.path, "DELETE FROM audit_context WHERE id = (SELECT context FROM audit WHERE seq = 1)");
  expect(AuditProblem::edited, 1, false);
}

TEST_F(AuditTamper, DeletedMiddleRow) {
  sql(o_.path, "DELETE FROM audit WHERE seq = 37");
  expect(AuditProblem::deleted, 37);
}

TEST_F(AuditTamper, DeletedRowsWithLaterRowsRenumbered) {
  sql(o_.path, "DELETE FROM audit WHERE seq IN (37, 38)");
  sql(o_.path, "UPDATE audit SET seq = -seq WHERE seq > 38; UPDATE audit SET seq = -seq - 2 WHERE seq < 0");
  expect(AuditProblem::deleted, 37, false);
}

// The same with the anchors (every 10 rows here): the anchor at 40 no longer matches, but the
// report names the deleted rows, not "rows 31..40 were rewritten" (issue 16, item 2).
TEST_F(AuditTamper, DeletedRowsWithLaterRowsRenumberedAreDiagnosedDespiteAnchors) {
  sql(o_.path, "DELETE FROM audit WHERE seq IN (37, 38)");
  sql(o_.path, "UPDATE audit SET seq = -seq WHERE seq > 38; UPDATE audit SET seq = -seq - 2 WHERE seq < 0");
  expect(AuditProblem::deleted, 37);
}

TEST_F(AuditTamper, InsertedForgedRow) {
  // Make room at 37 and put a row there that hashes correctly and links to row 36.
  sql(o_.path, "UPDATE audit SET seq = -seq WHERE seq >= 37; UPDATE audit SET seq = -seq + 1 WHERE seq < 0");
  AuditRow forged = rows_[35];
  forged.seq = 37;
  forged.document_ref = "doc-forged";
  forged.subject = audit_pseudonym(kTestKey, citizen_id(999));
  forged.prev_hash = rows_[35].row_hash;
  forged.row_hash = audit_row_hash(forged);
  insert_row(o_.path, forged);
  expect(AuditProblem::inserted, 37, false);
}

TEST_F(AuditTamper, InsertedRowWithoutRenumbering) {
  // A forged row 101 whose hash is right but that does not link to row 100.
  AuditRow forged = rows_[50];
  forged.seq = 101;
  forged.row_hash = audit_row_hash(forged);
  insert_row(o_.path, forged);
  expect(AuditProblem::edited, 100, false);  // row 100 replaced or row 101 forged: the earlier is reported
}

TEST_F(AuditTamper, RowBetweenTwoLinkedRows) {
  // Row 37 kept its seq-consistent hash but row 38 links past it to row 36.
  AuditRow forged = rows_[36];
  forged.document_ref = "doc-forged";
  forged.row_hash = audit_row_hash(forged);
  AuditRow next = rows_[37];
  next.prev_hash = rows_[35].row_hash;
  next.row_hash = audit_row_hash(next);
  sql(o_.path, "DELETE FROM audit WHERE seq IN (37, 38)");
  insert_row(o_.path, forged);
  insert_row(o_.path, next);
  expect(AuditProblem::inserted, 37, false);
}

TEST_F(AuditTamper, SwappedRows) {
  sql(o_.path,
      "UPDATE audit SET seq = -1 WHERE seq = 37; UPDATE audit SET seq = 37 WHERE seq = 38; "
      "UPDATE audit SET seq = 38 WHERE seq = -1");
  expect(AuditProblem::reordered, 37);
}

TEST_F(AuditTamper, ReplacedRowWithRecomputedHash) {
  // Row 37 replaced by a self-consistent row linked to 36; row 38 still links to the original.
  AuditRow forged = rows_[36];
  forged.outcome = "not_found";
  forged.row_hash = audit_row_hash(forged);
  sql(o_.path, "DELETE FROM audit WHERE seq = 37");
  insert_row(o_.path, forged);
  expect(AuditProblem::edited, 37, false);
}

TEST_F(AuditTamper, TruncatedTailCaughtByAnchors) {
  sql(o_.path, "DELETE FROM audit WHERE seq > 80");
  EXPECT_TRUE(verify_audit(o_.path).ok);  // a shorter chain is still a chain
  expect(AuditProblem::truncated, 81);
}

TEST_F(AuditTamper, EverythingDeleted) {
  sql(o_.path, "DELETE FROM audit");
  expect(AuditProblem::truncated, 1);
}

TEST_F(AuditTamper, SwappedDatabaseCaughtByAnchors) {
  TempDir other_dir;
  AuditOptions other = options(other_dir);
  write_rows(other, 120);  // a longer, valid chain with the same key
  std::filesystem::copy_file(other.path, o_.path, std::filesystem::copy_options::overwrite_existing);
  EXPECT_TRUE(verify_audit(o_.path).ok);
  expect(AuditProblem::swapped, 1);
}

TEST_F(AuditTamper, SwappedChainIdCaughtByGenesis) {
  sql(o_.path, "UPDATE audit_meta SET value = '00112233445566778899aabbccddeeff' WHERE name = 'chain_id'");
  expect(AuditProblem::swapped, 1, false);
}

TEST_F(AuditTamper, RewrittenChainCaughtOnlyByAnchors) {
  std::vector<AuditRow> rows = rows_;
  rows[44].outcome = "not_found";  // row 45
  rechain_from(rows, 45);
  EXPECT_TRUE(verify_audit(o_.path).ok);  // internally consistent
  // Anchors at 35 and 42 still match; the one at 56 does not: rows 43..56 are suspect.
  const AuditVerifyResult v = verify_audit(o_.path, o_.anchor_file);
  EXPECT_EQ(v.problem, AuditProblem::rewritten) << v.detail;
  EXPECT_EQ(v.first_bad_seq, 43u);
  EXPECT_NE(v.detail.find("43..56"), std::string::npos) << v.detail;
}

TEST_F(AuditTamper, AnchorFileProblems) {
  const std::filesystem::path anchors = o_.anchor_file;
  const std::string good = read_file(anchors);
  // A last line cut short by a crash is tolerated with a warning.
  dir_.write(anchors.filename().string(), good + "{\"chain_id\":\"ab");
  AuditVerifyResult v = verify_audit(o_.path, anchors);
  EXPECT_TRUE(v.ok) << v.detail;
  EXPECT_EQ(v.warnings.size(), 1u);
  // A complete line that is not an anchor is not.
  dir_.write(anchors.filename().string(), "garbage\n" + good);
  v = verify_audit(o_.path, anchors);
  EXPECT_EQ(v.problem, AuditProblem::unreadable);
  // Nor is a missing anchor file.
  std::filesystem::remove(anchors);
  v = verify_audit(o_.path, anchors);
  EXPECT_EQ(v.problem, AuditProblem::unreadable);
  EXPECT_TRUE(verify_audit(o_.path).ok);
}

// A damaged page is damage of the trail, not bad input: verify reports `unreadable`, naming
// the file, instead of stopping with SQLite's bare message (issue 16, item 4).
TEST(AuditDamage, ADamagedPageIsUnreadableNamingTheFile) {
  TempDir dir;
  AuditOptions o = options(dir);
  write_rows(o, 3000);
  ASSERT_TRUE(verify_audit(o.path, o.anchor_file).ok);
  const auto size = std::filesystem::file_size(o.path);
  ASSERT_GT(size, 8u * 16384u) << "the trail spans several pages";
  {
    std::fstream f(o.path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>((size / 2 / 16384) * 16384));
    const std::string zeros(2 * 16384, '\0');  // page type 0 is no b-tree page
    f.write(zeros.data(), static_cast<std::streamsize>(zeros.size()));
  }
  AuditVerifyResult v;
  ASSERT_NO_THROW(v = verify_audit(o.path, o.anchor_file));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.problem, AuditProblem::unreadable) << v.detail;
  EXPECT_NE(v.detail.find(o.path.string()), std::string::npos) << v.detail;
  EXPECT_GT(v.first_bad_seq, 0u);

  // The header overwritten: no longer an SQLite file at all.
  {
    std::fstream f(o.path, std::ios::in | std::ios::out | std::ios::binary);
    f.write("this is no database.", 20);
  }
  ASSERT_NO_THROW(v = verify_audit(o.path, o.anchor_file));
  EXPECT_EQ(v.problem, AuditProblem::unreadable) << v.detail;
  EXPECT_NE(v.detail.find(o.path.string()), std::string::npos) << v.detail;
}

}  // namespace
}  // namespace ecid::testing
