#include "audit/audit_store.hpp"

#include "core/digest.hpp"

#include <ecid/safe_files.hpp>

#include <fcntl.h>
#include <openssl/err.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>

namespace ecid::audit {
namespace {

std::string openssl_error(std::string_view what) {
  std::string message(what);
  if (unsigned long e = ERR_get_error(); e != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    message += ": ";
    message += buf;
  }
  ERR_clear_error();
  return message;
}

EVP_MD* fetch_sha256() {
  EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (md == nullptr) throw AuditError(openssl_error("SHA-256 is not available"));
  return md;
}

void put_u32(std::string& out, uint32_t v) {
  const char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                     static_cast<char>(v >> 8), static_cast<char>(v)};
  out.append(b, 4);
}

uint32_t get_u32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return uint32_t{u[0]} << 24 | uint32_t{u[1]} << 16 | uint32_t{u[2]} << 8 | uint32_t{u[3]};
}

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

}  // namespace

void encode_content(const ContentViews& members, std::string& out) {
  size_t size = 0;
  for (std::string_view m : members) size += 4 + m.size();
  out.reserve(out.size() + size);
  for (std::string_view m : members) {
    if (m.size() > UINT32_MAX) throw std::invalid_argument("audit member too long");
    put_u32(out, static_cast<uint32_t>(m.size()));
    out.append(m);
  }
}

ContentViews decode_content(std::string_view encoded) {
  ContentViews members;
  size_t at = 0;
  for (std::string_view& m : members) {
    const uint32_t n = get_u32(encoded.data() + at);
    m = encoded.substr(at + 4, n);
    at += 4 + n;
  }
  return members;
}

std::string hex(const unsigned char* bytes, size_t size) { return hex_of(bytes, size); }

bool unhex(std::string_view text, unsigned char* out, size_t size) {
  if (text.size() != size * 2) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < size; ++i) {
    const int hi = nibble(text[2 * i]), lo = nibble(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  return true;
}

Sha256::Sha256() : md_(fetch_sha256()), ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr) {
    EVP_MD_free(md_);
    throw AuditError("out of memory for a SHA-256 context");
  }
}

Sha256::~Sha256() {
  EVP_MD_CTX_free(ctx_);
  EVP_MD_free(md_);
}

Digest Sha256::digest(std::string_view data) {
  Digest d;
  unsigned len = 0;
  if (EVP_DigestInit_ex2(ctx_, md_, nullptr) != 1 ||
      EVP_DigestUpdate(ctx_, data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx_, d.data(), &len) != 1)
    throw AuditError(openssl_error("SHA-256 failed"));
  return d;
}

Digest Sha256::row_hash(uint64_t seq, const Digest& prev_hash, std::string_view encoded_content) {
  unsigned char header[kRowTag.size() + 8 + 32];
  std::memcpy(header, kRowTag.data(), kRowTag.size());
  for (int i = 0; i < 8; ++i) header[kRowTag.size() + i] = static_cast<unsigned char>(seq >> (56 - 8 * i));
  std::memcpy(header + kRowTag.size() + 8, prev_hash.data(), 32);
  Digest d;
  unsigned len = 0;
  if (EVP_DigestInit_ex2(ctx_, md_, nullptr) != 1 || EVP_DigestUpdate(ctx_, header, sizeof header) != 1 ||
      EVP_DigestUpdate(ctx_, encoded_content.data(), encoded_content.size()) != 1 ||
      EVP_DigestFinal_ex(ctx_, d.data(), &len) != 1)
    throw AuditError(openssl_error("SHA-256 failed"));
  return d;
}

// HMAC (RFC 2104) by hand so the keyed inner/outer states are computed once and copied per call:
// ~40% cheaper than re-initialising an EVP_MAC context, and shareable between threads.
PseudonymKey::PseudonymKey(std::string_view key)
    : md_(fetch_sha256()), inner_(EVP_MD_CTX_new()), outer_(EVP_MD_CTX_new()) {
  unsigned char block[64] = {};
  if (key.size() > sizeof block) {
    Sha256 sha;
    const Digest d = sha.digest(key);
    std::memcpy(block, d.data(), d.size());
  } else {
    std::memcpy(block, key.data(), key.size());
  }
  unsigned char ipad[64], opad[64];
  for (int i = 0; i < 64; ++i) {
    ipad[i] = block[i] ^ 0x36;
    opad[i] = block[i] ^ 0x5c;
  }
  OPENSSL_cleanse(block, sizeof block);
  const bool ok = inner_ != nullptr && outer_ != nullptr &&
                  EVP_DigestInit_ex2(inner_, md_, nullptr) == 1 && EVP_DigestUpdate(inner_, ipad, 64) == 1 &&
                  EVP_DigestInit_ex2(outer_, md_, nullptr) == 1 && EVP_DigestUpdate(outer_, opad, 64) == 1;
  OPENSSL_cleanse(ipad, sizeof ipad);
  OPENSSL_cleanse(opad, sizeof opad);
  if (!ok) {
    EVP_MD_CTX_free(inner_);
    EVP_MD_CTX_free(outer_);
    EVP_MD_free(md_);
    throw AuditError(openssl_error("cannot prepare the audit key"));
  }
}

PseudonymKey::~PseudonymKey() {
  EVP_MD_CTX_free(inner_);
  EVP_MD_CTX_free(outer_);
  EVP_MD_free(md_);
}

Digest PseudonymKey::mac(std::string_view message) const {
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxFree> scratch(EVP_MD_CTX_new());
  EVP_MD_CTX* c = scratch.get();
  Digest inner_digest, out;
  unsigned len = 0;
  if (c == nullptr || EVP_MD_CTX_copy_ex(c, inner_) != 1 ||
      EVP_DigestUpdate(c, message.data(), message.size()) != 1 ||
      EVP_DigestFinal_ex(c, inner_digest.data(), &len) != 1 || EVP_MD_CTX_copy_ex(c, outer_) != 1 ||
      EVP_DigestUpdate(c, inner_digest.data(), inner_digest.size()) != 1 ||
      EVP_DigestFinal_ex(c, out.data(), &len) != 1)
    throw AuditError(openssl_error("HMAC-SHA256 failed"));
  return out;
}

Digest genesis_hash(std::string_view chain_id_hex) {
  unsigned char id[16];
  if (!unhex(chain_id_hex, id, sizeof id)) throw AuditError("the audit chain id is malformed");
  Sha256 sha;
  return sha.digest(std::string_view(reinterpret_cast<const char*>(id), sizeof id));
}

void utc_now_into(char (&text)[kUtcTextSize]) {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  // gmtime_r and strftime cost more than the rest of an append; the second changes rarely.
  thread_local time_t cached_second = -1;
  thread_local char cached_text[21];
  if (ts.tv_sec != cached_second) {
    tm t{};
    gmtime_r(&ts.tv_sec, &t);
    std::strftime(cached_text, sizeof cached_text, "%Y-%m-%dT%H:%M:%S", &t);
    cached_second = ts.tv_sec;
  }
  std::memcpy(text, cached_text, 19);
  text[19] = '.';
  unsigned long micros = static_cast<unsigned long>(ts.tv_nsec / 1000) % 1000000;
  for (int i = 25; i >= 20; --i, micros /= 10) text[i] = static_cast<char>('0' + micros % 10);
  text[26] = 'Z';
}

std::string utc_now() {
  char text[kUtcTextSize];
  utc_now_into(text);
  return std::string(text, sizeof text);
}

// --- SQLite -----------------------------------------------------------------------------------

void throw_sqlite(sqlite3* db, std::string_view what) {
  throw AuditError("audit database: " + std::string(what) + ": " +
                   (db != nullptr ? sqlite3_errmsg(db) : "out of memory"));
}

Statement::Statement(sqlite3* db, std::string_view sql) {
  if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_,
                         nullptr) != SQLITE_OK)
    throw_sqlite(db, "cannot prepare '" + std::string(sql.substr(0, 40)) + "…'");
}

Statement& Statement::operator=(Statement&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(stmt_);
    stmt_ = o.stmt_;
    o.stmt_ = nullptr;
  }
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) {
    sqlite3_reset(stmt_);
    return false;
  }
  sqlite3* db = sqlite3_db_handle(stmt_);
  std::string message = "audit database: ";
  message += sqlite3_errmsg(db);
  sqlite3_reset(stmt_);
  throw AuditError(message);
}

std::string_view Statement::text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  return p == nullptr ? std::string_view() : std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

std::string_view Statement::blob(int col) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
  return p == nullptr ? std::string_view() : std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

Database::Database(const std::filesystem::path& path, bool read_only, std::chrono::milliseconds busy_timeout)
    : path_(path) {
  if (read_only && !std::filesystem::exists(path))
    throw AuditError("audit database " + path.string() + " does not exist");
  if (!read_only) {
    // Pseudonymised rows are still personal data: a new trail is not world-readable. SQLite
    // gives its -wal and -shm files the database's mode; an empty file is an empty database.
    const int fd = open_private(path, O_RDWR | O_CREAT);
    if (fd < 0)  // SQLite would only say "unable to open database file"
      throw AuditError("cannot open audit database " + path.string() + ": " + std::strerror(errno));
    ::close(fd);
  }
  const int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string message = "cannot open audit database " + path.string() + ": " +
                          (db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory");
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw AuditError(message);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, static_cast<int>(busy_timeout.count()));
}

void Database::exec(std::string_view sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = "audit database " + path_.string() + ": " + (error != nullptr ? error : "error");
    sqlite3_free(error);
    throw AuditError(message);
  }
}

std::string Database::meta(std::string_view name) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_, "SELECT value FROM audit_meta WHERE name = ?1", -1, &raw, nullptr) != SQLITE_OK) {
    const int rc = sqlite3_errcode(db_);
    // No meta table: not (yet) an audit database; the caller decides.
    if (rc == SQLITE_ERROR) return {};
    throw_sqlite(db_, "cannot read audit_meta");
  }
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
  sqlite3_bind_text(raw, 1, name.data(), static_cast<int>(name.size()), SQLITE_STATIC);
  const int rc = sqlite3_step(raw);
  if (rc == SQLITE_ROW) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(raw, 0));
    return p == nullptr ? std::string() : std::string(p, static_cast<size_t>(sqlite3_column_bytes(raw, 0)));
  }
  if (rc != SQLITE_DONE) throw_sqlite(db_, "cannot read audit_meta");
  return {};
}

std::string format_problem(Database& d) {
  const std::string format = d.meta("format");
  if (format == kFormat || format == kFormatV1) return {};
  return d.path().string() + " is not an ecid audit database";
}

uint64_t last_seq(Database& d) {
  Statement s(d.get(), "SELECT max(seq) FROM audit");
  return s.step() ? static_cast<uint64_t>(std::max<int64_t>(0, s.integer(0))) : 0;
}

std::string select_rows(std::string_view format) {
  if (format == kFormatV1)
    return "SELECT seq, time, kind, adapter, adapter_version, purpose, legal_basis, document_ref, subject, fields, "
           "outcome, prev_hash, row_hash FROM audit";
  return "SELECT seq, time, kind, adapter, adapter_version, purpose, legal_basis, document_ref, subject, fields, "
         "outcome, prev_hash, row_hash FROM audit LEFT JOIN audit_context ON audit_context.id = audit.context";
}

std::vector<std::string> split_fields(std::string_view joined) {
  std::vector<std::string> out;
  if (joined.empty()) return out;
  size_t start = 0;
  while (true) {
    const size_t comma = joined.find(',', start);
    out.emplace_back(joined.substr(start, comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

AuditRow read_row(const Statement& s) {
  AuditRow r;
  r.seq = static_cast<uint64_t>(s.integer(0));
  r.time = s.text(1);
  r.kind = s.text(2);
  r.adapter = s.text(3);
  r.adapter_version = s.text(4);
  r.purpose = s.text(5);
  r.legal_basis = s.text(6);
  r.document_ref = s.text(7);
  r.subject = s.text(8);
  r.fields_disclosed = split_fields(s.text(9));
  r.outcome = s.text(10);
  const std::string_view prev = s.blob(11), row = s.blob(12);
  r.prev_hash = hex(reinterpret_cast<const unsigned char*>(prev.data()), prev.size());
  r.row_hash = hex(reinterpret_cast<const unsigned char*>(row.data()), row.size());
  return r;
}

}  // namespace ecid::audit
