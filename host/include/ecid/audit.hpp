// The audit trail: one row per register query, identity verification and policy refusal, in an
// append-only SQLite file whose rows form a SHA-256 hash chain, with periodic anchors (the chain
// head) written to a separate file so that truncation and wholesale replacement are detectable.
// Subjects are stored only as a keyed pseudonym (HMAC-SHA256); see docs/audit.md.
#pragma once

#include <ecid/register.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ecid {

struct Config;

// Event kinds the engine reports.
inline constexpr std::string_view kAuditRegisterQuery = "register_query";
inline constexpr std::string_view kAuditIdentityVerification = "identity_verification";
inline constexpr std::string_view kAuditPolicyRefusal = "policy_refusal";
// One row per person an answer disclosed who is not the query's subject (a candidate of a name
// search, the holder of a legacy ID), so that this person's access request finds the look-up.
inline constexpr std::string_view kAuditDisclosure = "register_disclosure";
// `ecid audit find` itself: who searched the trail for whom, and when. Re-identifying a
// pseudonym is a look-up of that person too.
inline constexpr std::string_view kAuditSearch = "audit_search";

// What the engine reports. The store keeps every member except subject_id, which it replaces by
// its pseudonym. No member other than subject_id may contain personal data.
struct AuditEvent {
  std::string kind;  // one of the kAudit* kinds (any non-empty text is accepted)
  std::string adapter;
  std::string adapter_version;
  std::string purpose;
  std::string legal_basis;
  std::string document_ref;
  std::string subject_id;  // clear ID (or plate, …); never stored. Empty: no subject.
  std::vector<std::string> fields_disclosed;  // field names; none may contain ','
  std::string outcome;  // "found", "not_found", "refused: <rule>", "verified level 2", …
};

struct AuditOptions {
  std::filesystem::path path;  // the SQLite file; created if absent
  // The pseudonym key: either the key itself or a file holding it (surrounding whitespace is
  // trimmed). Exactly one of the two. At least 16 bytes.
  std::string key;
  std::filesystem::path key_file;
  std::filesystem::path anchor_file;  // empty: no anchors are written
  uint64_t anchor_every = 10000;      // an anchor each time the head passes a multiple of this
  size_t batch_rows = 1000;           // rows per transaction
  // Buffered rows are committed at the latest this long after they were appended, by a
  // background thread. Zero: only batch_rows, flush() and close() commit.
  std::chrono::milliseconds max_delay{1000};
  // FULL: a committed batch survives power loss (one WAL fsync per batch). NORMAL: it survives a
  // process crash only; the last batches may be lost on power loss.
  bool synchronous_full = true;
  std::chrono::milliseconds busy_timeout{30000};  // waiting for another writer's transaction
};

// Raised when the audit store cannot be opened, written or read. Never carries a key or a clear ID.
class AuditError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The chain head at one moment; an anchor line is its JSON (audit_anchor_line).
struct AuditAnchor {
  std::string chain_id;  // 32 hex digits, fixed when the database was created
  uint64_t seq = 0;      // 0: empty chain
  std::string head;      // hex SHA-256 of row `seq` (of the genesis when seq is 0)
  std::string time;      // ISO 8601 UTC
};

// The append side. Thread-safe; several AuditLog objects, in one or several processes, may append
// to the same file: rows are numbered 1, 2, … without gap or duplicate, in commit order.
// Rows encoded by AuditLog::encode (time, pseudonym, canonical content) and waiting for their
// place in the chain, end to end in one byte arena: steady appending allocates nothing. Lets a
// batch job do the per-row work on its worker threads and hand whole chunks to the log.
class AuditRows {
 public:
  size_t size() const { return starts_.size(); }
  bool empty() const { return starts_.empty(); }
  void clear() {
    bytes_.clear();
    starts_.clear();
  }
  void add(std::string_view encoded) {
    starts_.push_back(bytes_.size());
    bytes_.append(encoded);
  }
  void add(const AuditRows& more) {
    for (size_t i = 0; i < more.size(); ++i) add(more[i]);
  }
  std::string_view operator[](size_t i) const {
    const size_t end = i + 1 < starts_.size() ? starts_[i + 1] : bytes_.size();
    return std::string_view(bytes_).substr(starts_[i], end - starts_[i]);
  }
  void swap(AuditRows& o) noexcept {
    bytes_.swap(o.bytes_);
    starts_.swap(o.starts_);
  }

 private:
  std::string bytes_;
  std::vector<size_t> starts_;
};

class AuditLog {
 public:
  // Opens or creates the database (WAL). Throws AuditError when it cannot, when the key is
  // missing or too short, or when the database was created with another key.
  explicit AuditLog(const AuditOptions& options);
  // Commits what is buffered and writes an anchor if rows were added since the last one.
  // Errors are logged, not thrown: call close() to see them.
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Buffers one row (time = now); commits the buffer when it holds batch_rows rows. Throws
  // std::invalid_argument for an event that is malformed or that carries its clear subject ID in
  // another member (nothing is buffered), AuditError when a commit fails (the rows stay buffered
  // and the next commit retries them).
  void append(const AuditEvent& event);
  // The same for several events, which end up in consecutive rows when batch_rows allows.
  void append_batch(std::span<const AuditEvent> events);
  // append_batch in two steps: encode() (thread-safe; the row's time is now) on any thread, then
  // append_rows() of rows[first..] in order. The same validation and errors as append().
  void encode(const AuditEvent& event, AuditRows& rows) const;
  void append_rows(const AuditRows& rows, size_t first = 0);
  // Commits the buffer durably (per synchronous_full). Returns the head after the commit.
  AuditAnchor flush();
  // flush(), then appends the head to the anchor file (fsync). Returns it: it may also be sent to
  // an external log. Throws AuditError when no anchor file is configured or it cannot be written.
  AuditAnchor write_anchor();
  // Commits, anchors, and closes the database; throws AuditError on failure. Later appends throw.
  void close();
  // audit_file_reference with this log's key.
  std::string file_reference(const std::filesystem::path& file, std::string_view bytes) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Whom a query is about, for the audit row: the key, except where the key is not the person —
// an identity assertion (the party's ID claim, never the token) and a key-less plate look-up
// (the owner whose plates are listed). Empty when the query names nobody (a candidate search).
std::string_view audit_subject_of(uint32_t kind, std::string_view key, std::span<const Claim> claims);

// The people other than `subject_id` (the query's own subject) a register record discloses, each
// once, appended to `people` as views into `record` (as the register answered, before trimming):
// the record's personal ID (a candidate, a legacy ID's holder) and, among the fields the adapter
// receives (`received`), a vehicle's owner, the owners in its plate history and an organisation's
// legal representative. Each gets an audit row of kind kAuditDisclosure.
void disclosed_people(const RegisterRecord& record, std::string_view subject_id, const FieldSet& received,
                      std::vector<std::string_view>& people);
// Turns the event of a `query_kind` query into the disclosure row of `person`, whose record the
// adapter received as `disclosed` (trimmed): kind, subject, fields and outcome change.
void make_disclosure(AuditEvent& event, uint32_t query_kind, std::string_view person, const RegisterRecord& disclosed);

// The audit trail the configuration's audit: section names, creating its folder and a random
// key file (0600) on first use; nullptr when the configuration has no audit.
std::unique_ptr<AuditLog> open_configured_audit(const Config& config);

// The document_ref of a document that has no reference of its own, also what its identity tokens
// are bound to: never its path, which may name a party (docs/audit.md), but "file:" and 32 hex
// digits of HMAC-SHA256(key, "file:" + the absolute, normalised path); for "-" (the standard
// input) "stdin:" and those of HMAC(key, "stdin:" + its bytes). `key` may be empty (no trail).
std::string audit_file_reference(std::string_view key, const std::filesystem::path& file, std::string_view bytes);

// Hex HMAC-SHA256(key, subject_id): the pseudonym stored for a subject. `key` is used as given
// (AuditLog and find_audit trim it first, as load_audit_key does).
std::string audit_pseudonym(std::string_view key, std::string_view subject_id);

// The key named by options (key or key_file), trimmed. Throws AuditError when neither or both are
// given, the file cannot be read, or the key is shorter than 16 bytes; logs a warning when the
// key file can be read by group or others. Never logs the key.
std::string load_audit_key(const AuditOptions& options);

// One stored row, as exported and found.
struct AuditRow {
  uint64_t seq = 0;
  std::string time;  // ISO 8601 UTC, microseconds: 2025-01-31T08:15:00.123456Z
  std::string kind, adapter, adapter_version, purpose, legal_basis, document_ref;
  std::string subject;  // hex pseudonym; empty when the event had no subject
  std::vector<std::string> fields_disclosed;
  std::string outcome;
  std::string prev_hash;  // hex
  std::string row_hash;   // hex
};

// Hex SHA-256 of the row's canonical encoding (docs/audit.md), which covers every member but
// row_hash itself. For external verifiers and tests.
std::string audit_row_hash(const AuditRow& row);
// The row as one line of JSON, without the newline.
std::string audit_row_json(const AuditRow& row);
// The anchor as one line of JSON, without the newline: {"chain_id":…,"seq":…,"head":…,"time":…}.
std::string audit_anchor_line(const AuditAnchor& anchor);

// The current head of a database (read-only), e.g. to print an anchor for an external log.
AuditAnchor read_audit_head(const std::filesystem::path& db);

enum class AuditProblem {
  none,
  edited,     // a row's content no longer matches its hash
  deleted,    // a row is missing (gap in seq, or later rows renumbered)
  inserted,   // a row that does not follow from its predecessor
  reordered,  // a row moved to another position
  truncated,  // an anchor names a row beyond the end
  swapped,    // another chain: chain id or genesis does not match
  rewritten,  // internally consistent, but an anchor's head hash differs: rows were recomputed
  unreadable,  // not an audit database, or an anchor file line that is not an anchor
  unanchored   // rows that should have produced anchors have none: the anchor file was emptied or cut
};
std::string_view to_string(AuditProblem problem);

struct AuditVerifyResult {
  bool ok = false;
  uint64_t rows = 0;             // rows read
  uint64_t anchors_checked = 0;  // anchor lines checked
  AuditProblem problem = AuditProblem::none;
  // The first row found broken. For `rewritten`, the first row that may have been rewritten
  // (just after the last anchor that still matches); the anchor that fails is in detail.
  uint64_t first_bad_seq = 0;
  std::string detail;  // plain sentence; no personal data
  std::string chain_id;
  AuditAnchor head;                   // the last row as found
  std::vector<std::string> warnings;  // e.g. an incomplete last anchor line (a crash while writing)
};

// Recomputes every row hash and link in seq order, then checks every anchor in anchor_file
// (empty path: no anchors; a named file that is missing is a problem, since AuditLog creates it).
// Reads one snapshot of the database, so it may run while writers append. Never throws for
// tampering (reported in the result); throws AuditError when the database cannot be opened.
// `progress` (optional) is called every 2^16 rows with the rows read and the head's sequence
// number, for a long verification's progress line.
// `anchor_every` (the writers' AuditOptions::anchor_every; 0: not checked) also makes missing
// anchors a problem (`unanchored`): a trail with rows but no anchor of its chain (every writer
// anchors when it closes), or whose last anchor is before the last multiple of anchor_every.
using AuditProgress = std::function<void(uint64_t rows_read, uint64_t rows_total)>;
AuditVerifyResult verify_audit(const std::filesystem::path& db, const std::filesystem::path& anchor_file = {},
                               const AuditProgress& progress = {}, uint64_t anchor_every = 0);

// Rows to export: seq bounds and/or UTC time bounds, all inclusive. A time bound may be given to
// any precision from the month ("2025-01", "2025-01-31", "2025-01-31T08:15"): `to` then includes
// its whole period.
struct AuditRange {
  std::optional<uint64_t> from_seq, to_seq;
  std::string from_time, to_time;  // empty: unbounded; stored without a trailing 'Z'
};
// Builds a range from CLI text: digits only = a seq, otherwise an ISO 8601 UTC time (optionally
// ending in 'Z'; no other zone; a space may replace the 'T'). Empty text = unbounded. Throws
// std::invalid_argument with a message fit for the user.
AuditRange parse_audit_range(std::string_view from, std::string_view to);

// Writes the rows in range, in seq order, one JSON object per line (audit_row_json). Returns how
// many. Reads one snapshot; may run while writers append. Throws AuditError if db is not an audit
// database or the stream fails.
uint64_t export_audit(const std::filesystem::path& db, const AuditRange& range, std::ostream& jsonl);

// Every row about subject_id in range (who looked this citizen up, when, for what), in seq order.
// Throws AuditError when the key is not the one the database was created with (a wrong key would
// otherwise silently find nothing). Scans the rows in range (all of them when it has no seq bound),
// calling `progress` (optional) with the sequence numbers searched so far every 2^16 of them.
std::vector<AuditRow> find_audit(const std::filesystem::path& db, std::string_view key, std::string_view subject_id,
                                 const AuditRange& range = {}, const AuditProgress& progress = {});

}  // namespace ecid
