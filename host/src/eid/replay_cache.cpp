#include "replay_cache.hpp"

#include <ecid/safe_files.hpp>

#include "core/digest.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <map>
#include <mutex>
#include <stdexcept>
#include <utility>

namespace ecid::eid {
namespace {

class MemoryReplayCache final : public ReplayCache {
 public:
  bool bind(const std::string& token_key, const std::string& document_key, std::int64_t expires_at,
            std::int64_t now) override {
    std::lock_guard lock(mutex_);
    std::erase_if(used_, [now](const auto& kv) { return kv.second.second < now; });
    auto [it, first] = used_.try_emplace(token_key, document_key, expires_at);
    return first || it->second.first == document_key;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::pair<std::string, std::int64_t>> used_;  // token -> (document, expiry)
};

class SqliteReplayCache final : public ReplayCache {
 public:
  explicit SqliteReplayCache(const std::filesystem::path& file) : file_(file) {
    // Created private (0640, never through a planted link) before SQLite opens it.
    if (!std::filesystem::exists(file)) {
      if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
      const int fd = create_private_file(file);
      ::close(fd);
    }
    if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, nullptr) != SQLITE_OK)
      fail("cannot open");
    sqlite3_busy_timeout(db_, 5000);
    exec("CREATE TABLE IF NOT EXISTS eid_replay (token TEXT PRIMARY KEY, document TEXT NOT NULL, "
         "expires_at INTEGER NOT NULL) WITHOUT ROWID");
    exec("CREATE INDEX IF NOT EXISTS eid_replay_expiry ON eid_replay(expires_at)");
  }
  ~SqliteReplayCache() override { sqlite3_close(db_); }

  bool bind(const std::string& token_key, const std::string& document_key, std::int64_t expires_at,
            std::int64_t now) override {
    std::lock_guard lock(mutex_);
    // One write transaction: two processes presenting the same token cannot both be first.
    exec("BEGIN IMMEDIATE");
    try {
      sqlite3_stmt* purge = prepare("DELETE FROM eid_replay WHERE expires_at < ?1");
      sqlite3_bind_int64(purge, 1, now);
      step_done(purge);
      sqlite3_stmt* insert = prepare("INSERT OR IGNORE INTO eid_replay (token, document, expires_at) VALUES (?1, ?2, ?3)");
      bind_text(insert, 1, token_key);
      bind_text(insert, 2, document_key);
      sqlite3_bind_int64(insert, 3, expires_at);
      step_done(insert);
      std::string first_document;
      sqlite3_stmt* st = prepare("SELECT document FROM eid_replay WHERE token = ?1");
      bind_text(st, 1, token_key);
      if (sqlite3_step(st) == SQLITE_ROW) first_document = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
      sqlite3_finalize(st);
      exec("COMMIT");
      return first_document == document_key;
    } catch (...) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("eid.replay_cache " + file_.string() + ": " + what + ": " +
                             (db_ ? sqlite3_errmsg(db_) : "out of memory"));
  }
  void exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail("cannot update");
  }
  sqlite3_stmt* prepare(const char* sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &st, nullptr) != SQLITE_OK) fail("cannot prepare");
    return st;
  }
  static void bind_text(sqlite3_stmt* st, int at, const std::string& text) {
    sqlite3_bind_text(st, at, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  void step_done(sqlite3_stmt* st) {
    const int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) fail("cannot update");
  }

  std::filesystem::path file_;
  sqlite3* db_ = nullptr;
  std::mutex mutex_;
};

}  // namespace

std::unique_ptr<ReplayCache> open_replay_cache(const std::filesystem::path& file) {
  if (file.empty()) return std::make_unique<MemoryReplayCache>();
  return std::make_unique<SqliteReplayCache>(file);
}

std::string replay_token_key(const VerifiedClaims& claims, std::string_view token) {
  if (!claims.token_id.empty()) return sha256_hex(claims.issuer + "\njti:" + claims.token_id);
  return sha256_hex(claims.issuer + "\nsig:" + std::string(token.substr(token.rfind('.') + 1)));
}

std::string replay_document_key(std::string_view document_ref) { return sha256_hex(document_ref); }

}  // namespace ecid::eid
