// `ecid audit verify`: recomputes the chain and checks the anchors.
//
// The anchor file is read before the database snapshot is taken: an anchor is written only after
// its rows are committed, so every anchor read refers to rows the snapshot must contain.
#include "audit/audit_store.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <set>

namespace ecid {
namespace {

using audit::Digest;

struct Problem {
  AuditProblem kind = AuditProblem::none;
  uint64_t seq = 0;
  std::string detail;
};

// Keeps the problem with the lowest first bad row; on a tie the one found first.
void keep_first(std::optional<Problem>& current, Problem candidate) {
  if (!current || candidate.seq < current->seq) current = std::move(candidate);
}

struct AnchorLine {
  size_t line = 0;
  std::string chain_id;
  uint64_t seq = 0;
  Digest head{};
};

std::string at_line(size_t line) { return "anchor line " + std::to_string(line); }

// Parses the anchor file. An unparsable last line that lacks its newline is a write cut short
// by a crash or power loss: a warning, not tampering.
std::vector<AnchorLine> read_anchors(const std::filesystem::path& file, std::optional<Problem>& problem,
                                     std::vector<std::string>& warnings) {
  std::vector<AnchorLine> anchors;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    keep_first(problem, {AuditProblem::unreadable, 0, "cannot read anchor file " + file.string()});
    return anchors;
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t start = 0, line_no = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    const bool complete = end != std::string::npos;
    if (!complete) end = text.size();
    const std::string_view line(text.data() + start, end - start);
    start = end + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    AnchorLine a;
    a.line = line_no;
    bool ok = false;
    try {
      const nlohmann::json j = nlohmann::json::parse(line);
      const auto& seq = j.at("seq");
      a.chain_id = j.at("chain_id").get<std::string>();
      ok = seq.is_number_unsigned() && audit::unhex(j.at("head").get<std::string>(), a.head.data(), a.head.size());
      if (ok) a.seq = seq.get<uint64_t>();
    } catch (const nlohmann::json::exception&) {
      ok = false;
    }
    if (ok) {
      anchors.push_back(std::move(a));
    } else if (!complete) {
      warnings.push_back(at_line(line_no) + " is incomplete (a write cut short) and was skipped");
    } else {
      keep_first(problem, {AuditProblem::unreadable, 0, at_line(line_no) + " is not an anchor"});
    }
  }
  return anchors;
}

class ChainChecker {
 public:
  ChainChecker(audit::Database& db, const Digest& genesis) : db_(db), genesis_(genesis) {}

  // Explains a row whose content does not match its stored hash. The hash covers the seq, so a
  // row that was moved still matches under its original seq: find that seq among the position its
  // stored predecessor suggests and the nearby ones.
  Problem explain_mismatch(uint64_t seq, bool prev_ok, const Digest& prev, bool row_ok, const Digest& row,
                           std::string_view content) {
    const std::string at = "row " + std::to_string(seq);
    if (!prev_ok || !row_ok) return {AuditProblem::edited, seq, at + " has a malformed hash"};
    std::optional<uint64_t> predecessor;  // where the row's stored predecessor is now
    if (prev == genesis_) {
      predecessor = 0;
    } else {
      audit::Statement find(db_.get(), "SELECT seq FROM audit WHERE row_hash = ?1 LIMIT 1");
      find.bind_blob(1, prev.data(), prev.size());
      if (find.step()) {
        predecessor = static_cast<uint64_t>(find.integer(0));
        find.reset();
      }
    }
    std::vector<uint64_t> candidates;
    if (predecessor) candidates.push_back(*predecessor + 1);
    for (uint64_t d = 1; d <= kWindow; ++d) {
      candidates.push_back(seq + d);
      if (seq > d) candidates.push_back(seq - d);
    }
    std::optional<uint64_t> original;
    for (uint64_t o : candidates)
      if (o != seq && sha_.row_hash(o, prev, content) == row) {
        original = o;
        break;
      }
    if (!original) return {AuditProblem::edited, seq, at + " does not match its hash: its content was changed"};
    const std::string was = " holds the row first written as row " + std::to_string(*original);
    if (*original > seq) {
      if (predecessor) return {AuditProblem::reordered, seq, at + was + ": rows were reordered"};
      return {AuditProblem::deleted, seq,
              at + was + ": the row(s) before it were deleted and the later rows renumbered"};
    }
    if (predecessor && *predecessor + 1 == *original)
      return {AuditProblem::inserted, *original,
              "rows " + std::to_string(*original) + ".." + std::to_string(seq - 1) +
                  " were inserted; row " + std::to_string(seq) + was};
    return {AuditProblem::reordered, seq, at + was + ": rows were reordered"};
  }

  audit::Sha256& sha() { return sha_; }

 private:
  static constexpr uint64_t kWindow = 16;
  audit::Database& db_;
  Digest genesis_;
  audit::Sha256 sha_;
};

// Writers anchor at every close that added rows and each time the head passes a multiple of
// anchor_every, so a trail of `last_seq` rows whose file holds no anchor of its chain, or none at
// or after the last multiple, lost anchors: the file was emptied or its tail cut (with the rows',
// which otherwise reads as an intact shorter chain). The file is read again, after the snapshot:
// an anchor is written just after its rows commit, and one written meanwhile still counts.
std::optional<Problem> missing_anchors(const std::filesystem::path& file, const std::string& chain_id,
                                       uint64_t last_seq, uint64_t anchor_every) {
  std::optional<Problem> unreadable;  // already reported by the first reading
  std::vector<std::string> warnings;
  std::optional<uint64_t> highest;
  for (const AnchorLine& a : read_anchors(file, unreadable, warnings))
    if (a.chain_id == chain_id) highest = std::max(highest.value_or(0), a.seq);
  const uint64_t due = last_seq / anchor_every * anchor_every;
  if (!highest)
    return Problem{AuditProblem::unanchored, 1,
                   "the anchor file holds no anchor of this chain, yet every writer anchors when it closes: it was "
                   "emptied or replaced (or every writer of these " + std::to_string(last_seq) +
                       " rows was killed before closing)"};
  if (*highest < due)
    return Problem{AuditProblem::unanchored, *highest + 1,
                   "the last anchor is at row " + std::to_string(*highest) + ", but row " + std::to_string(due) +
                       " (a multiple of anchor_every " + std::to_string(anchor_every) +
                       ") was anchored when written: anchors were removed from the file"};
  return std::nullopt;
}

bool copy_digest(std::string_view blob, Digest& out) {
  if (blob.size() != out.size()) return false;
  std::memcpy(out.data(), blob.data(), out.size());
  return true;
}

}  // namespace

namespace {

// verify_audit's work; `result` holds what was read so far if it throws.
AuditVerifyResult verify_readable(const std::filesystem::path& db, const std::filesystem::path& anchor_file,
                                  const AuditProgress& progress, uint64_t anchor_every, AuditVerifyResult& result) {
  std::optional<Problem> anchor_problem, chain_problem;
  std::vector<AnchorLine> anchors;
  if (!anchor_file.empty()) {
    if (std::filesystem::exists(anchor_file)) {
      anchors = read_anchors(anchor_file, anchor_problem, result.warnings);
    } else {
      // AuditLog creates the file when it opens, so a missing file was removed.
      keep_first(anchor_problem, {AuditProblem::unreadable, 0, "anchor file " + anchor_file.string() + " is missing"});
    }
  }

  audit::Database d(db, true, std::chrono::milliseconds(30000));
  auto finish = [&](std::optional<Problem> p) {
    if (p) {
      result.problem = p->kind;
      result.first_bad_seq = p->seq;
      result.detail = std::move(p->detail);
    }
    result.ok = result.problem == AuditProblem::none;
    return result;
  };
  d.exec("BEGIN");  // one snapshot for everything below
  if (std::string problem = audit::format_problem(d); !problem.empty())
    return finish(Problem{AuditProblem::unreadable, 0, std::move(problem)});
  result.chain_id = d.meta("chain_id");
  unsigned char id[16];
  if (!audit::unhex(result.chain_id, id, sizeof id))
    return finish(Problem{AuditProblem::unreadable, 0, "the database's chain id is malformed"});
  const Digest genesis = audit::genesis_hash(result.chain_id);

  std::map<uint64_t, std::optional<Digest>> anchored;  // anchored seq → stored row hash, if present
  for (const AnchorLine& a : anchors) anchored[a.seq];

  const uint64_t total = progress ? audit::last_seq(d) : 0;
  ChainChecker checker(d, genesis);
  audit::Statement rows(d.get(), audit::select_rows(d.meta("format")) + " ORDER BY seq");
  uint64_t expected = 1, last_seq = 0;
  Digest last_hash = genesis, before_last{};
  bool have_before_last = false;
  std::string content;
  while (rows.step()) {
    if ((++result.rows & ((uint64_t{1} << 16) - 1)) == 0 && progress) progress(result.rows, total);
    const int64_t raw_seq = rows.integer(0);
    Digest stored_prev{}, stored_row{};
    const bool prev_ok = copy_digest(rows.blob(11), stored_prev);
    const bool row_ok = copy_digest(rows.blob(12), stored_row);
    if (raw_seq >= 1) {
      const uint64_t seq = static_cast<uint64_t>(raw_seq);
      if (auto it = anchored.find(seq); it != anchored.end() && row_ok) it->second = stored_row;
      last_seq = seq;
    }
    if (chain_problem) continue;  // keep reading: anchors still need their rows
    if (raw_seq < 1) {
      chain_problem = Problem{AuditProblem::inserted, 0, "a row numbered " + std::to_string(raw_seq) + " precedes row 1"};
      continue;
    }
    const uint64_t seq = static_cast<uint64_t>(raw_seq);
    if (seq != expected) {
      chain_problem = Problem{AuditProblem::deleted, expected,
                              seq == expected + 1 ? "row " + std::to_string(expected) + " is missing"
                                                  : "rows " + std::to_string(expected) + ".." +
                                                        std::to_string(seq - 1) + " are missing"};
      continue;
    }
    content.clear();
    audit::ContentViews members;
    for (int i = 0; i < audit::kContentMembers; ++i) members[i] = rows.text(1 + i);
    audit::encode_content(members, content);
    if (!prev_ok || !row_ok || checker.sha().row_hash(seq, stored_prev, content) != stored_row) {
      chain_problem = checker.explain_mismatch(seq, prev_ok, stored_prev, row_ok, stored_row, content);
      continue;
    }
    if (stored_prev != last_hash) {
      const std::string at = std::to_string(seq), before = std::to_string(seq - 1);
      if (seq == 1)
        chain_problem = Problem{AuditProblem::swapped, 1, "row 1 does not start from this database's chain id"};
      else if (have_before_last && stored_prev == before_last)
        chain_problem = Problem{AuditProblem::inserted, seq - 1,
                                "row " + before + " is not part of the chain: row " + at + " follows row " +
                                    std::to_string(seq - 2) + " directly"};
      else
        chain_problem = Problem{AuditProblem::edited, seq - 1,
                                "row " + at + " does not follow from row " + before + ": row " + before +
                                    " was replaced (its hash recomputed) or row " + at + " was forged"};
      continue;
    }
    before_last = last_hash;
    have_before_last = true;
    last_hash = stored_row;
    ++expected;
  }
  if (chain_problem && last_seq > 0) {
    // The head reported is the last row as found, whatever its state.
    audit::Statement tail(d.get(), "SELECT row_hash FROM audit ORDER BY seq DESC LIMIT 1");
    if (tail.step()) {
      copy_digest(tail.blob(0), last_hash);
      tail.reset();
    }
  }
  d.exec("COMMIT");
  result.head = AuditAnchor{result.chain_id, last_seq, audit::hex(last_hash), audit::utc_now()};

  // Anchors: the anchored rows must exist, in this chain, with the anchored hash.
  std::set<uint64_t> matching = {0};
  for (const AnchorLine& a : anchors)
    if (a.chain_id == result.chain_id && a.seq > 0 && anchored[a.seq] && *anchored[a.seq] == a.head)
      matching.insert(a.seq);
  for (const AnchorLine& a : anchors) {
    ++result.anchors_checked;
    const std::string line = at_line(a.line);
    if (a.chain_id != result.chain_id) {
      keep_first(anchor_problem, {AuditProblem::swapped, 1,
                                  line + " belongs to chain " + a.chain_id + ", the database is chain " +
                                      result.chain_id + ": it was replaced by another audit database"});
    } else if (a.seq == 0) {
      if (a.head != genesis) keep_first(anchor_problem, {AuditProblem::swapped, 1, line + " has a wrong genesis"});
    } else if (a.seq > last_seq) {
      keep_first(anchor_problem, {AuditProblem::truncated, last_seq + 1,
                                  line + " records row " + std::to_string(a.seq) + " but the chain ends at row " +
                                      std::to_string(last_seq) + ": the tail was removed"});
    } else if (!anchored[a.seq]) {
      keep_first(anchor_problem, {AuditProblem::deleted, a.seq, line + " records row " + std::to_string(a.seq) +
                                                                    ", which is missing"});
    } else if (*anchored[a.seq] != a.head) {
      const uint64_t last_good = *std::prev(matching.lower_bound(a.seq));
      // The chain walk's own finding inside this anchor's range (a row deleted or inserted and the
      // later rows renumbered, an edited row) explains the mismatch at its real first row; "rows
      // last_good+1..seq were rewritten" would send an investigator to thousands of intact rows.
      if (chain_problem && chain_problem->seq > last_good && chain_problem->seq <= a.seq) continue;
      keep_first(anchor_problem,
                 {AuditProblem::rewritten, last_good + 1,
                  line + " records another hash for row " + std::to_string(a.seq) + ": rows " +
                      std::to_string(last_good + 1) + ".." + std::to_string(a.seq) +
                      " were rewritten with recomputed hashes"});
    }
  }
  if (anchor_every > 0 && !anchor_file.empty() && last_seq > 0 && std::filesystem::exists(anchor_file))
    if (std::optional<Problem> p = missing_anchors(anchor_file, result.chain_id, last_seq, anchor_every))
      keep_first(anchor_problem, std::move(*p));
  std::optional<Problem> first = chain_problem;
  if (anchor_problem) keep_first(first, std::move(*anchor_problem));
  return finish(std::move(first));
}

}  // namespace

AuditVerifyResult verify_audit(const std::filesystem::path& db, const std::filesystem::path& anchor_file,
                               const AuditProgress& progress, uint64_t anchor_every) {
  AuditVerifyResult result;
  try {
    return verify_readable(db, anchor_file, progress, anchor_every, result);
  } catch (const AuditError& e) {
    // A damaged page, or a file that is no longer SQLite, is damage or tampering of the trail
    // (exit 1), not bad input; other errors (a lock held too long) are not a verdict.
    const std::string what = e.what();
    if (what.find(sqlite3_errstr(SQLITE_CORRUPT)) == std::string::npos &&
        what.find(sqlite3_errstr(SQLITE_NOTADB)) == std::string::npos)
      throw;
    result.ok = false;
    result.problem = AuditProblem::unreadable;
    result.first_bad_seq = result.rows + 1;
    result.detail = db.string() + " cannot be read after row " + std::to_string(result.rows) + ": " + what +
                    " (the file was damaged or altered; restore it from a copy and verify again)";
    return result;
  }
}

}  // namespace ecid
