// The append side of the audit store.
//
// Appenders pseudonymise and encode their row outside any lock, then add it to the filling
// batch. The appender that fills a batch seals it: computes its row hashes, chained from the head
// the log expects, and queues it for the log's writer thread. The writer commits sealed batches in
// order, each as one BEGIN IMMEDIATE transaction that reads the chain head inside the
// transaction: if another process appended in between, it recomputes the batch's hashes from the
// real head, so several processes serialise on SQLite's write lock and never fork the chain. The
// SQLite work and each batch's fsync thus overlap with the appenders' next rows.
#include "audit/audit_store.hpp"

#include <ecid/config.hpp>
#include <ecid/fields.hpp>
#include <ecid/log.hpp>
#include <ecid/personal_id.hpp>
#include <ecid/safe_files.hpp>

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <cstring>
#include <fstream>
#include <mutex>
#include <thread>
#include <type_traits>
#include <unordered_map>

namespace ecid {
namespace {

using audit::Digest;
using audit::Statement;

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS audit_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS audit_context (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  adapter TEXT NOT NULL,
  adapter_version TEXT NOT NULL,
  purpose TEXT NOT NULL,
  legal_basis TEXT NOT NULL,
  UNIQUE (kind, adapter, adapter_version, purpose, legal_basis));
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY,
  time TEXT NOT NULL,
  context INTEGER NOT NULL REFERENCES audit_context (id),
  document_ref TEXT NOT NULL,
  subject TEXT NOT NULL,
  fields TEXT NOT NULL,
  outcome TEXT NOT NULL,
  prev_hash BLOB NOT NULL,
  row_hash BLOB NOT NULL);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_context_no_update BEFORE UPDATE ON audit_context
  BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_context_no_delete BEFORE DELETE ON audit_context
  BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;
)sql";

std::string trim(std::string_view s) {
  const char* ws = " \t\r\n\f\v";
  const size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  const size_t e = s.find_last_not_of(ws);
  return std::string(s.substr(b, e - b + 1));
}

// Replaces every occurrence of the clear subject ID in a free-text member: a document reference
// or outcome that happens to contain it must not put it in the audit trail.
std::string mask_subject(std::string_view text, std::string_view subject_id) {
  std::string out(text);
  if (subject_id.size() < 4) return out;
  for (size_t at = out.find(subject_id); at != std::string::npos; at = out.find(subject_id, at + 9))
    out.replace(at, subject_id.size(), "[subject]");
  return out;
}

void write_all(int fd, std::string_view data, const std::filesystem::path& file) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw AuditError("cannot write anchor file " + file.string() + ": " + std::strerror(errno));
    data.remove_prefix(static_cast<size_t>(n));
  }
}

struct ContextHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// A sealed batch: rows waiting for the writer, with their row hashes computed when the batch was
// sealed, chained from the head the log expected then (base). Another process appending in
// between moves the real head; the writer then recomputes the hashes from it.
struct SealedBatch {
  AuditRows rows;
  uint64_t base_seq = 0;
  Digest base_hash{};
  std::vector<Digest> hashes;  // hashes[i]: row hash of rows[i]

  // Chains every row from the head (seq, hash).
  void hash_from(uint64_t seq, const Digest& hash, audit::Sha256& sha) {
    base_seq = seq;
    base_hash = hash;
    hashes.resize(rows.size());
    Digest prev = hash;
    for (size_t i = 0; i < rows.size(); ++i) prev = hashes[i] = sha.row_hash(seq + i + 1, prev, rows[i]);
  }
};

}  // namespace

struct AuditLog::Impl {
  AuditOptions options;
  audit::PseudonymKey key;
  // At most this many rows wait for the writer before appenders wait for it (bounded memory).
  size_t max_waiting_rows;

  // --- shared with the writer thread; guarded by `mutex` ---------------------------------------
  std::mutex mutex;
  std::condition_variable writer_wake;  // a batch was sealed, rows wait for max_delay, or stop
  std::condition_variable progress;     // the writer committed a batch or failed
  AuditRows filling;                    // appended rows not yet sealed
  std::chrono::steady_clock::time_point filling_since;
  std::deque<SealedBatch> sealed;       // in chain order; the writer commits the front one
  std::vector<SealedBatch> spare;       // committed batches whose buffers the next seals reuse
  size_t sealed_rows = 0;
  uint64_t sealed_count = 0, committed_count = 0;  // batches, since opening
  std::exception_ptr failure;  // the last failed commit, until an appender reports it (once)
  // Every flush waiting when a commit fails learns of it, whoever reported it first.
  std::exception_ptr last_commit_error;
  uint64_t failed_commits = 0;
  bool paused = false;         // after a failure: retry only when asked (seal, flush, close)
  bool closed = false, stopping = false;
  uint64_t expected_seq = 0;   // the head the next sealed batch chains from
  Digest expected_hash{};
  audit::Sha256 seal_sha;

  // --- the database side; guarded by `write_mutex`, never taken while holding `mutex` ----------
  std::mutex write_mutex;
  audit::Database db;
  Statement begin, commit, head, insert, find_context, add_context;
  audit::Sha256 sha;
  // Context ids by the context members' encoding (length-prefixed, so unambiguous). Ids added in
  // the open transaction are listed so that a rollback forgets them.
  std::unordered_map<std::string, int64_t, ContextHash, std::equal_to<>> contexts;
  std::vector<std::string> contexts_added;
  std::string last_context;
  int64_t last_context_id = -1;
  std::string chain_id;
  Digest genesis{};
  bool v1_layout = false;  // a file of an earlier ecid: every row holds its context
  int anchor_fd = -1;
  uint64_t rows_since_anchor = 0;  // committed by this object since its last anchor

  std::thread writer;

  Impl(const AuditOptions& o, const std::string& key_text)
      : options(o), key(key_text), db(o.path, false, o.busy_timeout) {
    if (options.batch_rows == 0) options.batch_rows = 1;
    max_waiting_rows = 8 * options.batch_rows;
    open_schema();
    begin = Statement(db.get(), "BEGIN IMMEDIATE");
    commit = Statement(db.get(), "COMMIT");
    head = Statement(db.get(), "SELECT seq, row_hash FROM audit ORDER BY seq DESC LIMIT 1");
    if (v1_layout) {
      insert = Statement(db.get(),
                         "INSERT INTO audit (seq, time, kind, adapter, adapter_version, purpose, legal_basis, "
                         "document_ref, subject, fields, outcome, prev_hash, row_hash) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
    } else {
      insert = Statement(db.get(),
                         "INSERT INTO audit (seq, time, context, document_ref, subject, fields, outcome, prev_hash, "
                         "row_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
      find_context = Statement(db.get(),
                               "SELECT id FROM audit_context WHERE kind = ?1 AND adapter = ?2 AND adapter_version = ?3 "
                               "AND purpose = ?4 AND legal_basis = ?5");
      add_context = Statement(db.get(),
                              "INSERT INTO audit_context (kind, adapter, adapter_version, purpose, legal_basis) "
                              "VALUES (?1, ?2, ?3, ?4, ?5)");
    }
    if (!options.anchor_file.empty()) open_anchor_file();
    std::tie(expected_seq, expected_hash) = read_head();
    writer = std::thread([this] { write_in_background(); });
  }

  ~Impl() {
    stop_writer();
    if (anchor_fd >= 0) ::close(anchor_fd);
  }

  void open_schema() {
    const std::string where = "audit database " + options.path.string();
    // Only takes effect on a new, empty file. Appends rewrite the rightmost pages of the table
    // and pay per page (WAL frames, b-tree balancing); 16 KiB pages measured ~30% more rows/s
    // than 4 KiB ones for audit rows.
    db.exec("PRAGMA page_size=16384");
    // journal_mode needs no transaction; WAL lets verify/export read while writers append. Two
    // processes creating the file at once can meet in the switch in a way SQLite reports as
    // "database is locked" at once, without its busy handler: retried until busy_timeout.
    for (const auto deadline = std::chrono::steady_clock::now() + options.busy_timeout;;) {
      try {
        Statement wal(db.get(), "PRAGMA journal_mode=WAL");
        if (!wal.step() || wal.text(0) != "wal") throw AuditError(where + ": cannot switch to WAL");
        wal.reset();
        break;
      } catch (const AuditError&) {
        const int rc = sqlite3_errcode(db.get()) & 0xff;
        if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || std::chrono::steady_clock::now() >= deadline) throw;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    }
    db.exec(options.synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    // Creation in one write transaction: two processes creating the file at once agree on one chain id.
    db.exec("BEGIN IMMEDIATE");
    try {
      Statement foreign(db.get(),
                        "SELECT count(*) FROM sqlite_master WHERE name NOT IN "
                        "('audit', 'audit_meta', 'audit_context', 'audit_no_update', 'audit_no_delete', "
                        "'audit_context_no_update', 'audit_context_no_delete') "
                        "AND name NOT LIKE 'sqlite_%'");
      foreign.step();
      const bool has_foreign = foreign.integer(0) > 0;
      foreign.reset();
      std::string format = db.meta("format");
      if (format.empty()) {
        if (has_foreign) throw AuditError(where + " is another kind of database");
        refuse_anchors_of_another_chain();
        db.exec(kSchema);
        Statement rows(db.get(), "SELECT count(*) FROM audit");
        rows.step();
        if (rows.integer(0) > 0) throw AuditError(where + " has audit rows but no chain id");
        rows.reset();
        unsigned char id[16];
        if (RAND_bytes(id, sizeof id) != 1) throw AuditError("no randomness for the audit chain id");
        Statement put(db.get(), "INSERT INTO audit_meta (name, value) VALUES (?1, ?2)");
        const std::pair<std::string, std::string> entries[] = {
            {"format", std::string(audit::kFormat)},
            {"chain_id", audit::hex(id, sizeof id)},
            {"key_check", key.key_check()},
            {"created", audit::utc_now()}};
        for (const auto& [name, value] : entries) {
          put.bind_text(1, name);
          put.bind_text(2, value);
          put.step();
          put.reset();
        }
      } else if (std::string problem = audit::format_problem(db); !problem.empty()) {
        throw AuditError(problem);
      }
      v1_layout = db.meta("format") == audit::kFormatV1;
      if (db.meta("key_check") != key.key_check())
        throw AuditError(where + " was created with another audit key");
      chain_id = db.meta("chain_id");
      genesis = audit::genesis_hash(chain_id);
      db.exec("COMMIT");
    } catch (...) {
      sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

  // A new database beside an anchor file that already holds anchors means the database they
  // belong to was deleted or replaced. Its anchors would make the new chain fail verification for
  // good, and starting quietly would hide the loss: refuse, saying what to do.
  void refuse_anchors_of_another_chain() const {
    if (options.anchor_file.empty()) return;
    std::ifstream in(options.anchor_file);
    std::string line;
    if (!in || !std::getline(in, line) || line.empty()) return;
    throw AuditError("audit database " + options.path.string() + " is new, but anchor file " +
                     options.anchor_file.string() +
                     " holds anchors of an earlier chain: its database was deleted or replaced. Restore that "
                     "database, or move the anchor file away (keep it with the old database) to start a new trail");
  }

  void open_anchor_file() {
    const bool existed = std::filesystem::exists(options.anchor_file);
    anchor_fd = open_private(options.anchor_file, O_WRONLY | O_APPEND | O_CREAT);
    if (anchor_fd < 0)
      throw AuditError("cannot open anchor file " + options.anchor_file.string() + ": " + std::strerror(errno));
    if (!existed) {
      // The new file's directory entry must survive a crash too.
      std::filesystem::path dir = std::filesystem::absolute(options.anchor_file).parent_path();
      if (int d = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); d >= 0) {
        ::fsync(d);
        ::close(d);
      }
    }
  }

  // --- the database side (write_mutex held, or before the writer starts) -----------------------

  // The committed head as seen inside the current transaction (or a fresh read outside one).
  std::pair<uint64_t, Digest> read_head() {
    std::pair<uint64_t, Digest> h{0, genesis};
    if (head.step()) {
      h.first = static_cast<uint64_t>(head.integer(0));
      const std::string_view hash = head.blob(1);
      if (hash.size() == h.second.size()) std::memcpy(h.second.data(), hash.data(), hash.size());
      head.reset();
    }
    return h;
  }

  AuditAnchor anchor_of(uint64_t seq, const Digest& hash) const {
    return AuditAnchor{chain_id, seq, audit::hex(hash), audit::utc_now()};
  }

  // The id of the row's context (members kind .. legal_basis), added inside the open transaction
  // when new. Consecutive rows nearly always share it.
  int64_t context_id(const audit::ContentViews& members) {
    // The members are views into one encoding, each after its 4-byte length: one span holds them.
    const std::string_view& first = members[audit::kFirstContextMember];
    const std::string_view& last = members[audit::kFirstContextMember + audit::kContextMembers - 1];
    const std::string_view key(first.data() - 4, static_cast<size_t>(last.data() + last.size() - (first.data() - 4)));
    if (last_context_id >= 0 && key == last_context) return last_context_id;
    int64_t id = 0;
    if (auto it = contexts.find(key); it != contexts.end()) {
      id = it->second;
    } else {
      for (int m = 0; m < audit::kContextMembers; ++m) find_context.bind_text(1 + m, members[audit::kFirstContextMember + m]);
      if (find_context.step()) {
        id = find_context.integer(0);
        find_context.reset();
      } else {
        for (int m = 0; m < audit::kContextMembers; ++m) add_context.bind_text(1 + m, members[audit::kFirstContextMember + m]);
        add_context.step();
        id = sqlite3_last_insert_rowid(db.get());
        contexts_added.emplace_back(key);
      }
      contexts.emplace(std::string(key), id);
    }
    last_context.assign(key);
    last_context_id = id;
    return id;
  }

  // Writes the batch as one transaction, after the head read inside it. On failure nothing is
  // written and the batch stays as it was (apart from hashes recomputed for a moved head).
  // Returns the head before the batch.
  uint64_t write_batch(SealedBatch& b) {
    begin.step();
    uint64_t first_seq = 0;
    try {
      Digest prev{};
      std::tie(first_seq, prev) = read_head();
      if (first_seq != b.base_seq || prev != b.base_hash) b.hash_from(first_seq, prev, sha);
      for (size_t i = 0; i < b.rows.size(); ++i) {
        const Digest& previous = i == 0 ? b.base_hash : b.hashes[i - 1];
        const audit::ContentViews members = audit::decode_content(b.rows[i]);
        insert.bind_int(1, static_cast<int64_t>(first_seq + i + 1));
        int at = 2;
        if (v1_layout) {
          for (int m = 0; m < audit::kContentMembers; ++m) insert.bind_text(at++, members[m]);
        } else {
          insert.bind_text(at++, members[0]);
          insert.bind_int(at++, context_id(members));
          for (int m = audit::kFirstContextMember + audit::kContextMembers; m < audit::kContentMembers; ++m)
            insert.bind_text(at++, members[m]);
        }
        insert.bind_blob(at++, previous.data(), previous.size());
        insert.bind_blob(at, b.hashes[i].data(), b.hashes[i].size());
        insert.step();
      }
      commit.step();
    } catch (...) {
      sqlite3_reset(insert.get());
      if (!sqlite3_get_autocommit(db.get())) sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
      for (const std::string& added : contexts_added) contexts.erase(added);
      contexts_added.clear();
      last_context_id = -1;
      throw;
    }
    contexts_added.clear();
    rows_since_anchor += b.rows.size();
    return first_seq;
  }

  void append_anchor(const AuditAnchor& anchor) {
    if (anchor_fd < 0) throw AuditError("no anchor file is configured for the audit log");
    const std::string line = audit_anchor_line(anchor) + "\n";
    // One write() with O_APPEND: lines from several processes never interleave.
    write_all(anchor_fd, line, options.anchor_file);
    if (::fsync(anchor_fd) != 0)
      throw AuditError("cannot sync anchor file " + options.anchor_file.string() + ": " + std::strerror(errno));
    rows_since_anchor = 0;
  }

  // Appends the committed head to the anchor file (write_mutex held).
  AuditAnchor anchor_head() {
    const auto [seq, hash] = read_head();
    AuditAnchor anchor = anchor_of(seq, hash);
    append_anchor(anchor);
    return anchor;
  }

  AuditAnchor current_head() {
    std::lock_guard<std::mutex> write_lock(write_mutex);
    const auto [seq, hash] = read_head();
    return anchor_of(seq, hash);
  }

  // --- the appenders' side (mutex held) ---------------------------------------------------------

  // Moves the filling rows into a sealed batch, hashed from the expected head, for the writer.
  void seal(std::unique_lock<std::mutex>&) {
    if (filling.empty()) return;
    SealedBatch b;
    if (!spare.empty()) {
      b = std::move(spare.back());
      spare.pop_back();
    }
    b.rows.swap(filling);  // filling gets the spare's grown, empty buffers
    b.hash_from(expected_seq, expected_hash, seal_sha);
    expected_seq += b.rows.size();
    expected_hash = b.hashes.back();
    sealed_rows += b.rows.size();
    sealed.push_back(std::move(b));
    ++sealed_count;
    paused = false;  // a new batch is a reason to retry a failed one
    writer_wake.notify_one();
  }

  void rethrow_failure() {
    if (!failure) return;
    std::exception_ptr f = std::move(failure);
    failure = nullptr;
    std::rethrow_exception(f);
  }

  // Appends rows[first..] (all of `rows` when it is one encoded row).
  template <typename Rows>
  void push(const Rows& rows, size_t first = 0) {
    std::unique_lock<std::mutex> lock(mutex);
    if (closed) throw AuditError("the audit log is closed");
    if (filling.empty()) {
      filling_since = std::chrono::steady_clock::now();
      // An idle writer sleeps without a deadline: start its max_delay clock.
      if (options.max_delay.count() > 0) writer_wake.notify_one();
    }
    if constexpr (std::is_same_v<Rows, AuditRows>) {
      for (size_t i = first; i < rows.size(); ++i) filling.add(rows[i]);
    } else {
      filling.add(rows);
    }
    if (filling.size() >= options.batch_rows) {
      seal(lock);
      // The writer is behind: wait for it rather than buffer without bound (one batch of any
      // size may wait while the next one fills).
      progress.wait(lock,
                    [this] { return sealed.size() <= 1 || sealed_rows <= max_waiting_rows || failure || paused; });
    }
    rethrow_failure();
  }

  // Seals what is filling and waits until every sealed batch is committed; throws the writer's
  // error if one fails (its rows stay queued for the next attempt).
  void commit_all(std::unique_lock<std::mutex>& lock) {
    seal(lock);
    const uint64_t ticket = sealed_count, failures_before = failed_commits;
    failure = nullptr;  // this wait reports the outcome of a fresh attempt
    paused = false;
    writer_wake.notify_one();
    progress.wait(lock, [&] { return committed_count >= ticket || failed_commits != failures_before; });
    if (committed_count < ticket) {
      failure = nullptr;  // reported here: the next append need not throw it again
      std::rethrow_exception(last_commit_error);
    }
  }

  AuditAnchor flush() {
    {
      std::unique_lock<std::mutex> lock(mutex);
      if (closed) throw AuditError("the audit log is closed");
      commit_all(lock);
    }
    return current_head();
  }

  AuditAnchor write_anchor() {
    if (anchor_fd < 0) throw AuditError("no anchor file is configured for the audit log");
    flush();
    std::lock_guard<std::mutex> write_lock(write_mutex);
    return anchor_head();
  }

  void close() {
    {
      std::unique_lock<std::mutex> lock(mutex);
      if (closed) return;
      closed = true;  // no appends from here on
      try {
        commit_all(lock);
      } catch (...) {
        closed = false;  // the rows are still queued: the caller may retry
        throw;
      }
    }
    stop_writer();
    std::lock_guard<std::mutex> write_lock(write_mutex);
    if (anchor_fd >= 0 && rows_since_anchor > 0) anchor_head();
  }

  size_t rows_not_committed() {
    std::lock_guard<std::mutex> lock(mutex);
    return filling.size() + sealed_rows;
  }

  // --- the writer thread ------------------------------------------------------------------------

  // Commits sealed batches in order, and seals rows that waited max_delay. Appenders only encode
  // and hash; the SQLite work and the fsync of each batch overlap with their next rows.
  void write_in_background() {
    std::unique_lock<std::mutex> lock(mutex);
    while (!stopping) {
      if (!sealed.empty() && !paused) {
        commit_front(lock);
      } else if (!filling.empty() && options.max_delay.count() > 0 && !paused) {
        const auto due = filling_since + options.max_delay;
        if (std::chrono::steady_clock::now() >= due) seal(lock);
        else writer_wake.wait_until(lock, due);
      } else {
        writer_wake.wait(lock);
      }
    }
  }

  void commit_front(std::unique_lock<std::mutex>& lock) {
    SealedBatch& b = sealed.front();  // appenders only add at the back
    lock.unlock();
    std::exception_ptr error;
    try {
      std::lock_guard<std::mutex> write_lock(write_mutex);
      const uint64_t before = write_batch(b);
      const uint64_t after = b.base_seq + b.rows.size();
      if (anchor_fd >= 0 && options.anchor_every > 0 && after / options.anchor_every > before / options.anchor_every) {
        try {
          append_anchor(anchor_of(after, b.hashes.back()));
        } catch (const AuditError& e) {
          // The rows are safe; a missing periodic anchor only widens the window the next one covers.
          log::error(std::string("audit: ") + e.what());
        }
      }
    } catch (const std::exception& e) {
      log::error(std::string("audit: commit failed, the rows stay queued: ") + e.what());
      error = std::current_exception();
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    if (error) {
      failure = last_commit_error = error;
      ++failed_commits;
      paused = true;
    } else {
      if (sealed.size() == 1) {
        // Nothing else is sealed: chain the next batch from what was really written (another
        // process may have appended in between).
        expected_seq = b.base_seq + b.rows.size();
        expected_hash = b.hashes.back();
      }
      sealed_rows -= b.rows.size();
      if (spare.size() < 2) {
        b.rows.clear();
        spare.push_back(std::move(b));
      }
      sealed.pop_front();
      ++committed_count;
    }
    progress.notify_all();
  }

  void stop_writer() {
    if (!writer.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(mutex);
      stopping = true;
    }
    writer_wake.notify_all();
    writer.join();
  }

  // Pseudonymises and encodes an event into `out` (cleared first). The common case allocates
  // nothing once `out` has grown.
  void encode(const AuditEvent& e, std::string& out) const {
    if (e.kind.empty()) throw std::invalid_argument("audit event without a kind");
    thread_local std::string fields;
    fields.clear();
    for (const std::string& f : e.fields_disclosed) {
      if (f.empty() || f.find(',') != std::string::npos)
        throw std::invalid_argument("audit field names must be non-empty and contain no ','");
      if (!fields.empty()) fields += ',';
      fields += f;
    }
    char subject_hex[64];
    std::string_view subject;
    if (!e.subject_id.empty()) {
      const Digest mac = key.mac(e.subject_id);
      audit::hex_into(mac.data(), mac.size(), subject_hex);
      subject = std::string_view(subject_hex, sizeof subject_hex);
    }
    char time_text[audit::kUtcTextSize];
    audit::utc_now_into(time_text);
    const std::string_view time(time_text, sizeof time_text);
    const std::string_view id = e.subject_id;
    const bool clean = id.size() < 4 || (e.adapter.find(id) == std::string::npos &&
                                         e.adapter_version.find(id) == std::string::npos &&
                                         e.purpose.find(id) == std::string::npos &&
                                         e.legal_basis.find(id) == std::string::npos &&
                                         e.document_ref.find(id) == std::string::npos &&
                                         e.outcome.find(id) == std::string::npos &&
                                         e.kind.find(id) == std::string::npos && fields.find(id) == std::string::npos);
    out.clear();
    if (clean) {
      audit::encode_content({time, e.kind, e.adapter, e.adapter_version, e.purpose, e.legal_basis, e.document_ref,
                             subject, fields, e.outcome},
                            out);
    } else {
      audit::encode_content({time, mask_subject(e.kind, id), mask_subject(e.adapter, id),
                             mask_subject(e.adapter_version, id), mask_subject(e.purpose, id),
                             mask_subject(e.legal_basis, id), mask_subject(e.document_ref, id), subject,
                             mask_subject(fields, id), mask_subject(e.outcome, id)},
                            out);
    }
  }
};

AuditLog::AuditLog(const AuditOptions& options) {
  if (options.path.empty()) throw AuditError("no audit database path is configured");
  std::string key = load_audit_key(options);
  impl_ = std::make_unique<Impl>(options, key);
  OPENSSL_cleanse(key.data(), key.size());
}

AuditLog::~AuditLog() {
  try {
    impl_->close();
  } catch (const std::exception& e) {
    log::error("audit: closing the audit log failed (" + std::to_string(impl_->rows_not_committed()) +
               " rows not written): " + e.what());
  }
}

void AuditLog::append(const AuditEvent& event) {
  thread_local std::string encoded;
  impl_->encode(event, encoded);
  impl_->push(std::string_view(encoded));
}

void AuditLog::append_batch(std::span<const AuditEvent> events) {
  AuditRows rows;
  for (const AuditEvent& e : events) encode(e, rows);
  impl_->push(rows);
}

void AuditLog::encode(const AuditEvent& event, AuditRows& rows) const {
  thread_local std::string encoded;
  impl_->encode(event, encoded);
  rows.add(encoded);
}

void AuditLog::append_rows(const AuditRows& rows, size_t first) { impl_->push(rows, first); }

AuditAnchor AuditLog::flush() { return impl_->flush(); }

AuditAnchor AuditLog::write_anchor() { return impl_->write_anchor(); }

void AuditLog::close() { impl_->close(); }

namespace {

std::string file_reference_of(const audit::PseudonymKey& key, const std::filesystem::path& file, std::string_view bytes) {
  constexpr size_t kDigits = 32;  // 128 bits: no two documents share one
  if (file == "-") return "stdin:" + key.pseudonym("stdin:" + std::string(bytes)).substr(0, kDigits);
  return "file:" + key.pseudonym("file:" + std::filesystem::absolute(file).lexically_normal().string()).substr(0, kDigits);
}

}  // namespace

std::string AuditLog::file_reference(const std::filesystem::path& file, std::string_view bytes) const {
  return file_reference_of(impl_->key, file, bytes);
}

std::string audit_file_reference(std::string_view key, const std::filesystem::path& file, std::string_view bytes) {
  return file_reference_of(audit::PseudonymKey(key), file, bytes);
}

// A fresh random pseudonym key the first time a configuration names a key file that does not
// exist: the operator then only has to keep that file safe. Never logged.
void ensure_audit_key(const std::filesystem::path& file) {
  if (file.empty() || std::filesystem::exists(file)) return;
  // The key's own folder, private: it is kept apart from the trail it pseudonymises.
  if (file.has_parent_path() && !std::filesystem::exists(file.parent_path())) {
    std::filesystem::create_directories(file.parent_path());
    std::filesystem::permissions(file.parent_path(), std::filesystem::perms::owner_all);
  }
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("cannot generate the audit key");
  const std::string key = audit::hex(bytes, sizeof bytes);
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) throw std::runtime_error("cannot create the audit key file " + file.string());
  bool ok = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot write the audit key file " + file.string());
  log::warn("created a new audit pseudonym key in " + file.string() + ": keep it safe; without it `ecid audit find` cannot work");
}


std::string_view audit_subject_of(uint32_t kind, std::string_view key, std::span<const Claim> claims) {
  uint32_t subject_claim = 0;
  if (kind == ECID_Q_EID_ASSERTION) subject_claim = ECID_F_PERSONAL_ID;
  else if (kind == ECID_Q_VEHICLE_BY_PLATE && key.empty()) subject_claim = ECID_F_VEHICLE_OWNER_ID;
  else return key;
  for (const Claim& c : claims)
    if (c.field == subject_claim) return c.value;
  return {};
}

void disclosed_people(const RegisterRecord& record, std::string_view subject_id, const FieldSet& received,
                      std::vector<std::string_view>& people) {
  const size_t first = people.size();
  auto add = [&](std::string_view id) {
    if (id.empty() || id == subject_id) return;
    if (std::find(people.begin() + static_cast<std::ptrdiff_t>(first), people.end(), id) == people.end())
      people.push_back(id);
  };
  for (const auto& [field, value] : record.values) {
    const std::string_view v = value;
    if (field == ECID_F_PERSONAL_ID) {
      add(v);
    } else if (!received.has(field)) {
      continue;
    } else if (field == ECID_F_VEHICLE_OWNER_ID || field == ECID_F_ORG_REPRESENTATIVE_ID) {
      if (has_personal_id_form(v)) add(v);  // an owner may be an organisation: nobody's ID
    } else if (field == ECID_F_PLATE_HISTORY) {
      // "from..to:owner_kind:owner_id:status" per period, ';' between (dates hold no ':').
      for (size_t at = 0; at < v.size();) {
        const size_t end = std::min(v.find(';', at), v.size());
        const std::string_view period = v.substr(at, end - at);
        at = end + 1;
        const size_t kind = period.find(':');
        if (kind == std::string_view::npos) continue;
        const size_t id = period.find(':', kind + 1);
        if (id == std::string_view::npos) continue;
        const size_t status = period.find(':', id + 1);
        const std::string_view owner = period.substr(id + 1, status == std::string_view::npos ? 0 : status - id - 1);
        if (period.substr(kind + 1, id - kind - 1) == "person" && has_personal_id_form(owner)) add(owner);
      }
    }
  }
}

void make_disclosure(AuditEvent& e, uint32_t query_kind, std::string_view person, const RegisterRecord& disclosed) {
  e.kind.assign(kAuditDisclosure);
  e.subject_id.assign(person);
  e.fields_disclosed.clear();
  for (const auto& [f, v] : disclosed.values) e.fields_disclosed.emplace_back(field_name(f));
  e.outcome.assign("disclosed by ");
  e.outcome.append(query_kind_name(query_kind));
}

std::unique_ptr<AuditLog> open_configured_audit(const Config& config) {
  if (config.audit_path.empty() && !config.audit_disabled)
    throw ConfigError("no audit trail is configured: register queries need an `audit:` section (or the explicit "
                      "`audit: {enabled: false}`)");
  if (config.audit_path.empty()) return nullptr;
  AuditOptions ao;
  ao.path = config.audit_path;
  ao.key_file = config.audit_key_file;
  ao.anchor_file = config.audit_anchor_file;
  ao.anchor_every = config.audit_anchor_every;
  ensure_audit_key(ao.key_file);
  if (ao.path.has_parent_path()) std::filesystem::create_directories(ao.path.parent_path());
  return std::make_unique<AuditLog>(ao);
}

std::string audit_pseudonym(std::string_view key, std::string_view subject_id) {
  return audit::PseudonymKey(key).pseudonym(subject_id);
}

std::string load_audit_key(const AuditOptions& options) {
  const bool inline_key = !options.key.empty(), file_key = !options.key_file.empty();
  if (inline_key == file_key)
    throw AuditError(inline_key ? "audit: give either a key or a key file, not both"
                                : "audit: no pseudonym key or key file is configured");
  std::string key;
  if (inline_key) {
    key = trim(options.key);
  } else {
    // A key others can read re-identifies every pseudonym: refused, not warned about.
    try {
      key = read_secret_file(options.key_file, "audit key file");
    } catch (const std::runtime_error& e) {
      throw AuditError(e.what());
    }
  }
  if (key.size() < audit::kMinKeyBytes)
    throw AuditError("the audit key is shorter than " + std::to_string(audit::kMinKeyBytes) + " bytes");
  return key;
}

}  // namespace ecid
