// Shared by the audit store's files: the schema, the canonical row encoding, hashing, the
// pseudonym key, UTC time text, and thin SQLite wrappers.
#pragma once

#include "core/digest.hpp"
#include <ecid/audit.hpp>

#include <openssl/evp.h>
#include <sqlite3.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace ecid::audit {

using Digest = std::array<unsigned char, 32>;

// New files: the per-event context (kind, adapter, version, purpose, legal basis) is stored once
// in audit_context and referenced by id; the row hash still covers its text (docs/audit.md).
// Files of v1 (context on every row) are still read and appended to in their own layout.
inline constexpr std::string_view kFormat = "ecid-audit-v2";
inline constexpr std::string_view kFormatV1 = "ecid-audit-v1";
// Prefixed to every row's encoding so a row hash can never be confused with another hash.
inline constexpr std::string_view kRowTag = "ecid-audit-row-v1";
inline constexpr std::string_view kKeyCheckMessage = "ecid-audit-key-check-v1";
inline constexpr size_t kMinKeyBytes = 16;

// Content members of a row in encoding order: time, kind, adapter, adapter_version, purpose,
// legal_basis, document_ref, subject, fields, outcome (seq and prev_hash come first).
inline constexpr int kContentMembers = 10;
using ContentViews = std::array<std::string_view, kContentMembers>;
// Members kind .. legal_basis: the event's context, stored once per distinct value in audit_context.
inline constexpr int kFirstContextMember = 1, kContextMembers = 5;

// Appends each member as a 4-byte big-endian length and its bytes.
void encode_content(const ContentViews& members, std::string& out);
// Splits an encoding made by encode_content back into its members (views into `encoded`).
ContentViews decode_content(std::string_view encoded);

// Writes 2 * size lowercase hex digits to out.
using ecid::hex_into;
std::string hex(const unsigned char* bytes, size_t size);
inline std::string hex(const Digest& d) { return hex(d.data(), d.size()); }
// False when `text` is not exactly 2 * out.size() hex digits.
bool unhex(std::string_view text, unsigned char* out, size_t size);

// SHA-256 with one reused context (not thread-safe; one per thread or per lock).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  Digest digest(std::string_view data);
  // SHA-256(kRowTag || seq (8 bytes BE) || prev_hash || encoded content).
  Digest row_hash(uint64_t seq, const Digest& prev_hash, std::string_view encoded_content);

 private:
  EVP_MD* md_ = nullptr;
  EVP_MD_CTX* ctx_ = nullptr;
};

// HMAC-SHA256 with the key's inner and outer states computed once; pseudonym() may be called from
// several threads at once (each uses its own scratch context).
class PseudonymKey {
 public:
  explicit PseudonymKey(std::string_view key);
  ~PseudonymKey();
  PseudonymKey(const PseudonymKey&) = delete;
  PseudonymKey& operator=(const PseudonymKey&) = delete;
  Digest mac(std::string_view message) const;
  std::string pseudonym(std::string_view subject_id) const { return hex(mac(subject_id)); }
  // What the database stores to recognise its key without revealing it.
  std::string key_check() const { return hex(mac(kKeyCheckMessage)); }

 private:
  EVP_MD* md_ = nullptr;
  EVP_MD_CTX* inner_ = nullptr;
  EVP_MD_CTX* outer_ = nullptr;
};

// The first row's prev_hash: SHA-256 of the 16 chain-id bytes.
Digest genesis_hash(std::string_view chain_id_hex);

// Now as ISO 8601 UTC with microseconds and a trailing 'Z': 2025-01-31T08:15:00.123456Z.
inline constexpr size_t kUtcTextSize = 27;
void utc_now_into(char (&out)[kUtcTextSize]);
std::string utc_now();

// --- SQLite -----------------------------------------------------------------------------------

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, std::string_view sql);
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(Statement&& o) noexcept : stmt_(o.stmt_) { o.stmt_ = nullptr; }
  Statement& operator=(Statement&& o) noexcept;
  sqlite3_stmt* get() const { return stmt_; }
  // SQLITE_ROW → true, SQLITE_DONE → false (and resets), anything else throws AuditError.
  bool step();
  void reset() { sqlite3_reset(stmt_); sqlite3_clear_bindings(stmt_); }
  void bind_text(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  void bind_blob(int i, const void* p, size_t n) {
    sqlite3_bind_blob(stmt_, i, p, static_cast<int>(n), SQLITE_STATIC);
  }
  void bind_int(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  std::string_view text(int col) const;
  std::string_view blob(int col) const;
  int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

class Database {
 public:
  // Read-write (created if absent) or read-only (must exist).
  Database(const std::filesystem::path& path, bool read_only, std::chrono::milliseconds busy_timeout);
  ~Database() { sqlite3_close_v2(db_); }
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  Database(Database&& o) noexcept : db_(o.db_), path_(std::move(o.path_)) { o.db_ = nullptr; }
  sqlite3* get() const { return db_; }
  void exec(std::string_view sql);
  // The value of a meta entry, empty when absent (or when there is no meta table).
  std::string meta(std::string_view name);
  const std::filesystem::path& path() const { return path_; }

 private:
  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
};

[[noreturn]] void throw_sqlite(sqlite3* db, std::string_view what);

// Columns selected by every reader, in AuditRow order: seq, the content members, prev_hash,
// row_hash; for a file of `format` (kFormat or kFormatV1). In v2 a LEFT JOIN: a row whose context
// is missing reads as empty members and fails its hash.
std::string select_rows(std::string_view format);

std::string format_problem(Database& d);
// The last row's seq (0 when empty): the rowid index's last entry, no scan.
uint64_t last_seq(Database& d);
AuditRow read_row(const Statement& s);

std::vector<std::string> split_fields(std::string_view joined);

}  // namespace ecid::audit
