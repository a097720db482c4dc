// Reading the audit store: rows as JSON, export by range, find by subject, the current head.
#include "audit/audit_store.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <ostream>

namespace ecid {
namespace {

using nlohmann::ordered_json;

std::string dump(const ordered_json& j) {
  // Stored text is whatever the engine passed; invalid UTF-8 must not abort an export.
  return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

// Opens read-only and checks it is an audit database.
audit::Database open_for_reading(const std::filesystem::path& db) {
  audit::Database d(db, true, std::chrono::milliseconds(30000));
  if (std::string problem = audit::format_problem(d); !problem.empty()) throw AuditError(problem);
  return d;
}

bool digits_only(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Validates an ISO 8601 UTC time of any precision and returns it without the trailing 'Z'.
std::string parse_time_bound(std::string_view text, std::string_view which) {
  std::string t(text);
  if (!t.empty() && (t.back() == 'Z' || t.back() == 'z')) t.pop_back();
  if (t.size() > 10 && t[10] == ' ') t[10] = 'T';
  // Positions of the fixed separators in YYYY-MM-DDTHH:MM:SS.ffffff and the ranges of the parts.
  static constexpr struct {
    size_t at, len;
    int lo, hi;
    char sep_before;
  } kParts[] = {{0, 4, 0, 9999, 0}, {5, 2, 1, 12, '-'}, {8, 2, 1, 31, '-'},
                {11, 2, 0, 23, 'T'}, {14, 2, 0, 59, ':'}, {17, 2, 0, 60, ':'}};
  auto bad = [&] {
    return std::invalid_argument(std::string(which) + " '" + std::string(text) +
                                 "' is neither a sequence number nor a UTC time like 2025-01-31T08:15:00Z");
  };
  size_t end = 0;
  for (const auto& p : kParts) {
    if (t.size() <= end) break;
    if (p.sep_before != 0 && t[end] != p.sep_before) throw bad();
    if (t.size() < p.at + p.len) throw bad();
    int v = 0;
    for (size_t i = p.at; i < p.at + p.len; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(t[i]))) throw bad();
      v = v * 10 + (t[i] - '0');
    }
    if (v < p.lo || v > p.hi) throw bad();
    end = p.at + p.len;
  }
  if (t.size() > end) {
    // Only a fraction of a second may follow the seconds.
    if (end != 19 || t[19] != '.' || t.size() == 20) throw bad();
    for (size_t i = 20; i < t.size(); ++i)
      if (!std::isdigit(static_cast<unsigned char>(t[i]))) throw bad();
  }
  if (t.size() < 7) throw bad();
  return t;
}

}  // namespace

std::string_view to_string(AuditProblem problem) {
  switch (problem) {
    case AuditProblem::none: return "none";
    case AuditProblem::edited: return "edited";
    case AuditProblem::deleted: return "deleted";
    case AuditProblem::inserted: return "inserted";
    case AuditProblem::reordered: return "reordered";
    case AuditProblem::truncated: return "truncated";
    case AuditProblem::swapped: return "swapped";
    case AuditProblem::rewritten: return "rewritten";
    case AuditProblem::unreadable: return "unreadable";
    case AuditProblem::unanchored: return "unanchored";
  }
  return "unknown";
}

std::string audit_row_hash(const AuditRow& row) {
  audit::Digest prev{};
  if (!audit::unhex(row.prev_hash, prev.data(), prev.size()))
    throw std::invalid_argument("prev_hash is not 64 hex digits");
  std::string fields;
  for (const std::string& f : row.fields_disclosed) {
    if (!fields.empty()) fields += ',';
    fields += f;
  }
  std::string content;
  audit::encode_content({row.time, row.kind, row.adapter, row.adapter_version, row.purpose, row.legal_basis,
                         row.document_ref, row.subject, fields, row.outcome},
                        content);
  audit::Sha256 sha;
  return audit::hex(sha.row_hash(row.seq, prev, content));
}

std::string audit_row_json(const AuditRow& row) {
  ordered_json j;
  j["seq"] = row.seq;
  j["time"] = row.time;
  j["kind"] = row.kind;
  j["adapter"] = row.adapter;
  j["adapter_version"] = row.adapter_version;
  j["purpose"] = row.purpose;
  j["legal_basis"] = row.legal_basis;
  j["document_ref"] = row.document_ref;
  j["subject"] = row.subject;
  j["fields_disclosed"] = row.fields_disclosed;
  j["outcome"] = row.outcome;
  j["prev_hash"] = row.prev_hash;
  j["row_hash"] = row.row_hash;
  return dump(j);
}

std::string audit_anchor_line(const AuditAnchor& anchor) {
  ordered_json j;
  j["chain_id"] = anchor.chain_id;
  j["seq"] = anchor.seq;
  j["head"] = anchor.head;
  j["time"] = anchor.time;
  return dump(j);
}

AuditAnchor read_audit_head(const std::filesystem::path& db) {
  audit::Database d = open_for_reading(db);
  AuditAnchor anchor;
  anchor.chain_id = d.meta("chain_id");
  anchor.time = audit::utc_now();
  audit::Statement s(d.get(), "SELECT seq, row_hash FROM audit ORDER BY seq DESC LIMIT 1");
  if (s.step()) {
    anchor.seq = static_cast<uint64_t>(s.integer(0));
    const std::string_view h = s.blob(1);
    anchor.head = audit::hex(reinterpret_cast<const unsigned char*>(h.data()), h.size());
    s.reset();
  } else {
    anchor.head = audit::hex(audit::genesis_hash(anchor.chain_id));
  }
  return anchor;
}

AuditRange parse_audit_range(std::string_view from, std::string_view to) {
  AuditRange range;
  auto seq = [](std::string_view s, std::string_view which) {
    if (s.size() > 18) throw std::invalid_argument(std::string(which) + " sequence number is too large");
    return static_cast<uint64_t>(std::stoull(std::string(s)));
  };
  // Digits only is always a sequence number; a time needs at least a month ("2025-01").
  auto is_seq = [](std::string_view s) { return digits_only(s); };
  if (!from.empty()) {
    if (is_seq(from)) range.from_seq = seq(from, "--from");
    else range.from_time = parse_time_bound(from, "--from");
  }
  if (!to.empty()) {
    if (is_seq(to)) range.to_seq = seq(to, "--to");
    else range.to_time = parse_time_bound(to, "--to");
  }
  // An empty range is a typo, not an answer ("exported 0 rows" would read as "nobody looked").
  const bool seqs_reversed = range.from_seq && range.to_seq && *range.from_seq > *range.to_seq;
  const bool times_reversed = !range.from_time.empty() && !range.to_time.empty() &&
                              range.from_time.substr(0, range.to_time.size()) > range.to_time;
  if (seqs_reversed || times_reversed)
    throw std::invalid_argument("--from " + std::string(from) + " is after --to " + std::string(to));
  return range;
}

namespace {

// Binds `range`, its seq bounds narrowed to [lo, hi], and `subject` (if given) to a statement
// of select_range.
void bind_range(audit::Statement& s, const AuditRange& range, const std::string* subject, uint64_t lo, uint64_t hi) {
  s.reset();
  s.bind_int(1, static_cast<int64_t>(std::max(lo, range.from_seq.value_or(0))));
  s.bind_int(2, static_cast<int64_t>(std::min<uint64_t>({hi, range.to_seq.value_or(INT64_MAX), INT64_MAX})));
  if (!range.from_time.empty()) s.bind_text(3, range.from_time);
  if (!range.to_time.empty()) s.bind_text(4, range.to_time);
  if (subject) s.bind_text(5, *subject);
}

// One SELECT of the rows in `range` (and, if `subject` is given, about that subject), in seq
// order. Seq bounds narrow the scan (seq is the rowid); time bounds only filter.
audit::Statement select_range(audit::Database& d, const AuditRange& range, const std::string* subject) {
  std::string sql = audit::select_rows(d.meta("format"));
  sql += " WHERE seq >= ?1 AND seq <= ?2";
  if (!range.from_time.empty()) sql += " AND time >= ?3";
  // Prefix comparison: "--to 2025-01-31" includes every time on that day.
  if (!range.to_time.empty()) sql += " AND substr(time, 1, length(?4)) <= ?4";
  if (subject) sql += " AND subject = ?5";
  sql += " ORDER BY seq";
  audit::Statement s(d.get(), sql);
  bind_range(s, range, subject, 0, INT64_MAX);
  return s;
}

}  // namespace

uint64_t export_audit(const std::filesystem::path& db, const AuditRange& range, std::ostream& jsonl) {
  audit::Database d = open_for_reading(db);
  audit::Statement s = select_range(d, range, nullptr);
  uint64_t n = 0;
  while (s.step()) {
    jsonl << audit_row_json(audit::read_row(s)) << '\n';
    ++n;
  }
  jsonl.flush();
  if (!jsonl) throw AuditError("cannot write the audit export");
  return n;
}

std::vector<AuditRow> find_audit(const std::filesystem::path& db, std::string_view key, std::string_view subject_id,
                                 const AuditRange& range, const AuditProgress& progress) {
  AuditOptions options;
  options.key = std::string(key);
  const std::string trimmed = load_audit_key(options);
  audit::Database d = open_for_reading(db);
  const audit::PseudonymKey pseudonym_key(trimmed);
  if (d.meta("key_check") != pseudonym_key.key_check())
    throw AuditError("the audit key is not the one " + db.string() + " was created with");
  const std::string subject = pseudonym_key.pseudonym(subject_id);
  d.exec("BEGIN");  // one snapshot across the windows below
  const uint64_t head = audit::last_seq(d);
  // Windows of seqs, so a long search can report how far it got.
  constexpr uint64_t kWindow = uint64_t{1} << 16;
  const uint64_t first = std::max<uint64_t>(1, range.from_seq.value_or(1));
  const uint64_t last = std::min(head, range.to_seq.value_or(head));
  audit::Statement s = select_range(d, range, &subject);
  std::vector<AuditRow> rows;
  for (uint64_t lo = first; lo <= last; lo += kWindow) {
    const uint64_t hi = std::min(last, lo + kWindow - 1);
    bind_range(s, range, &subject, lo, hi);
    while (s.step()) rows.push_back(audit::read_row(s));
    if (progress) progress(hi - first + 1, last - first + 1);
  }
  return rows;
}

}  // namespace ecid
