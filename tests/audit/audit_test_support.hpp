// Helpers shared by the audit tests: events, options, direct SQL on the database file.
#pragma once

#include "../support/temp_dir.hpp"

#include <ecid/audit.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

namespace ecid::testing {

inline constexpr const char* kTestKey = "audit-test-key-0123456789abcdef";

// A 12-digit personal ID made from n (never a real one: the century/sex digit is fixed).
inline std::string citizen_id(uint64_t n) {
  char id[13];
  std::snprintf(id, sizeof id, "0012%08llu", static_cast<unsigned long long>(n % 100000000));
  return id;
}

inline AuditEvent event(uint64_t i, std::string subject_id = {}) {
  AuditEvent e;
  e.kind = i % 3 == 0 ? std::string(kAuditPolicyRefusal) : std::string(kAuditRegisterQuery);
  e.adapter = "court";
  e.adapter_version = "1.2.0";
  e.purpose = "court_judgment_check";
  e.legal_basis = "Law 59/2020/QH14 art. 10";
  e.document_ref = "doc-" + std::to_string(i);
  e.subject_id = subject_id.empty() ? citizen_id(i) : std::move(subject_id);
  e.fields_disclosed = {"full_name", "birth_date"};
  e.outcome = i % 3 == 0 ? "refused: field not allowed" : "found";
  return e;
}

inline AuditOptions options(const TempDir& dir, std::string_view name = "audit") {
  AuditOptions o;
  o.path = dir / (std::string(name) + ".db");
  o.key = kTestKey;
  o.anchor_file = dir / (std::string(name) + ".anchors");
  o.anchor_every = 10;
  o.batch_rows = 7;  // batches end mid-way between anchors
  o.max_delay = std::chrono::milliseconds(0);
  o.synchronous_full = false;  // tests need crash safety, not power-loss safety
  return o;
}

// Writes rows 1..n (document_ref doc-0 .. doc-(n-1)) and closes the log.
inline void write_rows(const AuditOptions& o, uint64_t n) {
  AuditLog log(o);
  for (uint64_t i = 0; i < n; ++i) log.append(event(i));
  log.close();
}

// Runs SQL directly on the file, as an attacker with write access would.
inline void sql(const std::filesystem::path& db, const std::string& statement) {
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  sqlite3_busy_timeout(h, 10000);
  char* error = nullptr;
  const int rc = sqlite3_exec(h, statement.c_str(), nullptr, nullptr, &error);
  const std::string message = error != nullptr ? error : "";
  sqlite3_free(error);
  sqlite3_close(h);
  ASSERT_EQ(rc, SQLITE_OK) << message << " in: " << statement;
}

inline int64_t sql_int(const std::filesystem::path& db, const std::string& query) {
  sqlite3* h = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_busy_timeout(h, 10000);
  sqlite3_stmt* s = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(h, query.c_str(), -1, &s, nullptr), SQLITE_OK) << sqlite3_errmsg(h);
  int64_t v = -1;
  if (s != nullptr && sqlite3_step(s) == SQLITE_ROW) v = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  sqlite3_close(h);
  return v;
}

// Rows committed so far; 0 while the database is still being created by another process.
inline int64_t committed_rows(const std::filesystem::path& db) {
  sqlite3* h = nullptr;
  int64_t n = 0;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(h, 1000);
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(h, "SELECT count(*) FROM audit", -1, &s, nullptr) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
      n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
  }
  sqlite3_close(h);
  return n;
}

inline AuditRow row_from_json(const nlohmann::json& j) {
  AuditRow r;
  r.seq = j.at("seq").get<uint64_t>();
  r.time = j.at("time");
  r.kind = j.at("kind");
  r.adapter = j.at("adapter");
  r.adapter_version = j.at("adapter_version");
  r.purpose = j.at("purpose");
  r.legal_basis = j.at("legal_basis");
  r.document_ref = j.at("document_ref");
  r.subject = j.at("subject");
  r.fields_disclosed = j.at("fields_disclosed").get<std::vector<std::string>>();
  r.outcome = j.at("outcome");
  r.prev_hash = j.at("prev_hash");
  r.row_hash = j.at("row_hash");
  return r;
}

// Every row, through the public export.
inline std::vector<AuditRow> all_rows(const std::filesystem::path& db) {
  std::ostringstream out;
  export_audit(db, AuditRange{}, out);
  std::vector<AuditRow> rows;
  std::istringstream in(out.str());
  for (std::string line; std::getline(in, line);) rows.push_back(row_from_json(nlohmann::json::parse(line)));
  return rows;
}

inline std::string sql_quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

// Inserts a row as given (hashes are hex), bypassing AuditLog.
inline void insert_row(const std::filesystem::path& db, const AuditRow& r) {
  std::string fields;
  for (const auto& f : r.fields_disclosed) fields += (fields.empty() ? "" : ",") + f;
  const std::string context = sql_quote(r.kind) + ", " + sql_quote(r.adapter) + ", " + sql_quote(r.adapter_version) +
                              ", " + sql_quote(r.purpose) + ", " + sql_quote(r.legal_basis);
  sql(db, "INSERT OR IGNORE INTO audit_context (kind, adapter, adapter_version, purpose, legal_basis) VALUES (" +
              context + "); INSERT INTO audit VALUES (" + std::to_string(r.seq) + ", " + sql_quote(r.time) +
              ", (SELECT id FROM audit_context WHERE (kind, adapter, adapter_version, purpose, legal_basis) = (" +
              context + ")), " + sql_quote(r.document_ref) + ", " + sql_quote(r.subject) + ", " + sql_quote(fields) +
              ", " + sql_quote(r.outcome) + ", X'" + r.prev_hash + "', X'" + r.row_hash + "')");
}

// The append-only triggers are a guard against mistakes, not against an attacker: drop them.
inline void drop_guards(const std::filesystem::path& db) {
  sql(db,
      "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; DROP TRIGGER audit_context_no_update; "
      "DROP TRIGGER audit_context_no_delete;");
}

}  // namespace ecid::testing
