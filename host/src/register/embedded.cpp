// The embedded population register: a read-only SQLite file made by seed_register() (or any
// file with the same schema, docs/register.md).
//
// Speed comes from what PERF.md measured: the file is opened immutable (no file locking) and
// memory-mapped, statements are prepared once per connection, a batch runs inside one read
// transaction, keys are integers, and large batches are visited in key order.
// Thread safety: each lookup() call borrows a connection from a small pool, so concurrent
// callers never share a connection or a statement.
#include <ecid/log.hpp>
#include <ecid/personal_id.hpp>
#include <ecid/register.hpp>
#include <ecid/register_schema.hpp>

#include "register/vehicle_organisation.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <numeric>
#include <set>
#include <stdexcept>

namespace ecid {
namespace {

// Columns read by every statement, in this order.
constexpr std::string_view kColumns =
    "pid, full_name, other_names, birth_date, sex, birth_place, birth_registration_place, "
    "hometown, ethnicity, religion, nationality, blood_type, legacy_id, permanent_residence, "
    "temporary_residence, current_residence, marital_status, household_id, household_relation, "
    "death_date";

// The same columns with NULL in place of those a collation never asks for: rows are read much
// faster when the long address columns are not decoded (same positions, so read_record works).
constexpr std::string_view kCoreColumns =
    "pid, full_name, NULL, birth_date, sex, NULL, birth_registration_place, NULL, NULL, NULL, "
    "NULL, NULL, legacy_id, NULL, NULL, NULL, NULL, NULL, NULL, death_date";
const FieldSet kCoreFields{ECID_F_PERSONAL_ID, ECID_F_FULL_NAME, ECID_F_BIRTH_DATE, ECID_F_SEX,
                           ECID_F_BIRTH_REGISTRATION_PLACE, ECID_F_LEGACY_ID, ECID_F_DEATH_DATE};

enum Column : int {
  kPid, kFullName, kOtherNames, kBirthDate, kSex, kBirthPlace, kBirthRegistrationPlace, kHometown,
  kEthnicity, kReligion, kNationality, kBloodType, kLegacyId, kPermanentResidence,
  kTemporaryResidence, kCurrentResidence, kMaritalStatus, kHouseholdId, kHouseholdRelation,
  kDeathDate
};

// Plain text columns and the register field each one answers.
constexpr std::pair<uint32_t, Column> kTextFields[] = {
    {ECID_F_FULL_NAME, kFullName},
    {ECID_F_OTHER_NAMES, kOtherNames},
    {ECID_F_BIRTH_DATE, kBirthDate},
    {ECID_F_SEX, kSex},
    {ECID_F_BIRTH_PLACE, kBirthPlace},
    {ECID_F_BIRTH_REGISTRATION_PLACE, kBirthRegistrationPlace},
    {ECID_F_HOMETOWN, kHometown},
    {ECID_F_ETHNICITY, kEthnicity},
    {ECID_F_RELIGION, kReligion},
    {ECID_F_NATIONALITY, kNationality},
    {ECID_F_BLOOD_TYPE, kBloodType},
    {ECID_F_LEGACY_ID, kLegacyId},
    {ECID_F_PERMANENT_RESIDENCE, kPermanentResidence},
    {ECID_F_TEMPORARY_RESIDENCE, kTemporaryResidence},
    {ECID_F_CURRENT_RESIDENCE, kCurrentResidence},
    {ECID_F_MARITAL_STATUS, kMaritalStatus},
};

constexpr size_t kMaxCandidates = 20;

// SQLite URIs need '%', '?' and '#' escaped in the path.
std::string file_uri(const std::string& path) {
  std::string absolute = std::filesystem::absolute(path).string();
  std::string uri = "file:";
  for (unsigned char c : absolute) {
    if (c == '%' || c == '?' || c == '#' || c < 0x20 || c == 0x7F) {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      uri += buf;
    } else {
      uri += static_cast<char>(c);
    }
  }
  // immutable: the register file is never changed in place (a new seed replaces it by rename),
  // so SQLite may skip all locking.
  uri += "?mode=ro&immutable=1";
  return uri;
}

class SqliteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One read-only connection with its prepared statements.
class Connection {
 public:
  Connection(const std::string& uri, const std::string& path) {
    int rc = sqlite3_open_v2(uri.c_str(), &db_,
                             SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      std::string message = "cannot open register '" + path + "': " +
                            (db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
      sqlite3_close_v2(db_);
      db_ = nullptr;
      throw std::runtime_error(message);
    }
    try {
      exec("PRAGMA mmap_size=2147483648");
      exec("PRAGMA cache_size=-16384");
      check_schema(path);
      std::string select = "SELECT " + std::string(kColumns) + " FROM person ";
      by_id_ = prepare(select + "WHERE pid = ?1");
      by_id_core_ = prepare("SELECT " + std::string(kCoreColumns) + " FROM person WHERE pid = ?1");
      by_id_from_ = prepare("SELECT " + std::string(kCoreColumns) + " FROM person WHERE pid >= ?1 ORDER BY pid");
      by_legacy_ = prepare(select + "WHERE legacy_id = ?1 ORDER BY pid LIMIT 21");
      // No ORDER BY: SQLite would copy every column of every match into a temporary B-tree;
      // collect_in_id_order() sorts the few matches instead. Core-column variants as for by_id.
      const std::string search = "WHERE name_key = ?1 AND birth_date >= ?2 AND birth_date < ?3";
      const std::string in_place = search + " AND pid BETWEEN ?5 AND ?6 AND birth_registration_place = ?4";
      const std::string core = "SELECT " + std::string(kCoreColumns) + " FROM person ";
      candidates_ = prepare(select + search);
      candidates_in_place_ = prepare(select + in_place);
      candidates_core_ = prepare(core + search);
      candidates_in_place_core_ = prepare(core + in_place);
      begin_ = prepare("BEGIN");
      commit_ = prepare("COMMIT");
      specialised_ = std::make_unique<vehicle::EmbeddedSpecialisedRegisters>(db_);
    } catch (const SqliteError& e) {
      close();
      throw std::runtime_error("register '" + path + "': " + e.what());
    } catch (...) {
      close();
      throw;
    }
  }
  ~Connection() { close(); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3_stmt* by_id() const { return by_id_; }
  sqlite3_stmt* by_id_core() const { return by_id_core_; }
  sqlite3_stmt* by_id_from() const { return by_id_from_; }
  sqlite3_stmt* by_legacy() const { return by_legacy_; }
  sqlite3_stmt* candidates(bool core) const { return core ? candidates_core_ : candidates_; }
  sqlite3_stmt* candidates_in_place(bool core) const { return core ? candidates_in_place_core_ : candidates_in_place_; }
  vehicle::EmbeddedSpecialisedRegisters& specialised() { return *specialised_; }

  void begin() { run(begin_); }
  void commit() { run(commit_); }
  std::string error() const { return sqlite3_errmsg(db_); }

 private:
  void check_schema(const std::string& path) {
    sqlite3_stmt* s = prepare("SELECT schema_version FROM meta");
    int rc = sqlite3_step(s);
    int version = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
    sqlite3_finalize(s);
    statements_.pop_back();
    if (version != register_schema::kSchemaVersion)
      throw std::runtime_error("register '" + path + "' has schema version " +
                               std::to_string(version) + "; this build reads version " +
                               std::to_string(register_schema::kSchemaVersion));
    s = prepare("PRAGMA user_version");
    const int generator = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
    sqlite3_finalize(s);
    statements_.pop_back();
    if (generator != register_schema::kSeedGeneratorVersion) warn_other_generator(path, generator);
  }
  // Readable, but its synthetic people, plates and organisations are not the ones this build's
  // samples and READMEs expect. Once per file and process: every thread opens a connection.
  static void warn_other_generator(const std::string& path, int generator) {
    static std::mutex mutex;
    static std::set<std::string> warned;
    std::lock_guard<std::mutex> lock(mutex);
    if (!warned.insert(path).second) return;
    log::warn("register '" + path + "' was made by seed generator version " + std::to_string(generator) +
              " (this build's is " + std::to_string(register_schema::kSeedGeneratorVersion) +
              "): its synthetic records may differ from what the samples expect; `ecid register seed --force` "
              "makes a current one");
  }
  void exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
      throw SqliteError(sqlite3_errmsg(db_));
  }
  sqlite3_stmt* prepare(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK) {
      // A file that is not a register fails here ("no such table: meta", "file is not a database").
      throw SqliteError(std::string("not an ecid register: ") + sqlite3_errmsg(db_));
    }
    statements_.push_back(s);
    return s;
  }
  void run(sqlite3_stmt* s) {
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) throw SqliteError(sqlite3_errmsg(db_));
  }
  void close() {
    specialised_.reset();  // finalises its statements before the connection closes
    for (sqlite3_stmt* s : statements_) sqlite3_finalize(s);
    statements_.clear();
    if (db_ != nullptr) sqlite3_close_v2(db_);
    db_ = nullptr;
  }

  sqlite3* db_ = nullptr;
  std::vector<sqlite3_stmt*> statements_;
  sqlite3_stmt* by_id_ = nullptr;
  sqlite3_stmt* by_id_core_ = nullptr;
  sqlite3_stmt* by_id_from_ = nullptr;
  sqlite3_stmt* by_legacy_ = nullptr;
  sqlite3_stmt* candidates_ = nullptr;
  sqlite3_stmt* candidates_in_place_ = nullptr;
  sqlite3_stmt* candidates_core_ = nullptr;
  sqlite3_stmt* candidates_in_place_core_ = nullptr;
  sqlite3_stmt* begin_ = nullptr;
  sqlite3_stmt* commit_ = nullptr;
  std::unique_ptr<vehicle::EmbeddedSpecialisedRegisters> specialised_;  // vehicle and organisation registers
};

std::string_view column_text(sqlite3_stmt* s, int column) {
  const unsigned char* text = sqlite3_column_text(s, column);
  if (text == nullptr) return {};
  return {reinterpret_cast<const char*>(text), static_cast<size_t>(sqlite3_column_bytes(s, column))};
}

// The current row as a record of exactly the requested fields. A field the person has no
// value for is left out, except DEATH_DATE, which is "" for the living (the register knows).
RegisterRecord read_record(sqlite3_stmt* s, const FieldSet& fields) {
  RegisterRecord record;
  record.values.reserve(8);
  if (fields.has(ECID_F_PERSONAL_ID)) {
    // "%012lld" by hand: snprintf is a tenth of a sorted batch look-up.
    char buf[24];
    unsigned long long pid = static_cast<unsigned long long>(sqlite3_column_int64(s, kPid));
    int at = 23;
    buf[at] = '\0';
    do {
      buf[--at] = static_cast<char>('0' + pid % 10);
      pid /= 10;
    } while (pid > 0 && at > 0);
    while (at > 11) buf[--at] = '0';
    record.values.emplace_back(ECID_F_PERSONAL_ID, buf + at);
  }
  for (const auto& [field, column] : kTextFields) {
    if (!fields.has(field)) continue;
    std::string_view value = column_text(s, column);
    if (!value.empty()) record.values.emplace_back(field, std::string(value));
  }
  if (fields.has(ECID_F_HOUSEHOLD) && sqlite3_column_type(s, kHouseholdId) != SQLITE_NULL) {
    std::string value = std::to_string(sqlite3_column_int64(s, kHouseholdId));
    value += ':';
    value += column_text(s, kHouseholdRelation);
    record.values.emplace_back(ECID_F_HOUSEHOLD, std::move(value));
  }
  if (fields.has(ECID_F_DEATH_DATE))
    record.values.emplace_back(ECID_F_DEATH_DATE, std::string(column_text(s, kDeathDate)));
  return record;
}

const std::string* find_claim(const LookupRequest& request, uint32_t field) {
  for (const Claim& c : request.claims)
    if (c.field == field) return &c.value;
  return nullptr;
}

bool digits_only(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The year of a claimed birth date: "1985", "1985-02", "1985-02-15", or a day-first form ending
// in the year ("15/02/1985"). 0 if none.
int claimed_birth_year(std::string_view date) {
  auto year_at = [&](size_t pos) {
    std::string_view y = date.substr(pos, 4);
    return digits_only(y) ? (y[0] - '0') * 1000 + (y[1] - '0') * 100 + (y[2] - '0') * 10 + (y[3] - '0') : 0;
  };
  if (date.size() >= 4 && (date.size() == 4 || date[4] == '-') && digits_only(date.substr(0, 4)))
    return year_at(0);
  if (date.size() >= 8) {
    char sep = date[date.size() - 5];
    if (sep == '/' || sep == '-' || sep == '.') return year_at(date.size() - 4);
  }
  return 0;
}

class EmbeddedRegister final : public RegisterBackend {
 public:
  EmbeddedRegister(std::string path, std::unique_ptr<Connection> first)
      : path_(std::move(path)), uri_(file_uri(path_)) {
    idle_.push_back(std::move(first));
  }

  std::string source_name() const override { return "population/embedded"; }

  void lookup(std::span<const LookupRequest> requests, std::span<LookupResult> results) override {
    const size_t n = std::min(requests.size(), results.size());
    if (n == 0) return;
    std::unique_ptr<Connection> connection;
    try {
      connection = acquire();
    } catch (const std::exception& e) {
      for (size_t i = 0; i < n; ++i) fail(results[i], ECID_ANSWER_UNAVAILABLE, e.what());
      return;
    }
    // Large batches are visited in key order: neighbouring keys share B-tree pages.
    std::vector<uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0u);
    if (n >= 64) {
      std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
        const LookupRequest& x = requests[a];
        const LookupRequest& y = requests[b];
        if (x.kind != y.kind) return x.kind < y.kind;
        if (x.key.size() != y.key.size()) return x.key.size() < y.key.size();
        return x.key < y.key;
      });
    }
    bool in_transaction = false;
    try {
      connection->begin();
      in_transaction = true;
    } catch (const std::exception&) {
      // Without a transaction each statement still reads a consistent file; go on.
    }
    ByIdSweep sweep(*connection);
    for (uint32_t i : order) {
      if (n >= 64 && requests[i].kind == ECID_Q_PERSON_BY_ID && requests[i].fields.subset_of(kCoreFields))
        sweep.answer(requests[i], results[i]);
      else
        answer(*connection, requests[i], results[i]);
    }
    sweep.finish();
    if (in_transaction) {
      try {
        connection->commit();
      } catch (const std::exception&) {
        // A failed COMMIT of a read transaction loses nothing; drop the connection.
        return;
      }
    }
    release(std::move(connection));
  }

 private:
  // Sorted by-ID requests (a large batch, visited in key order): the table is walked forward,
  // stepping from one key to the next when they are near (a step costs ~0.2 µs, a seek ~1.7 µs
  // on a 10-million-row register) and seeking when they are not. Answers are the same as
  // answer()'s.
  class ByIdSweep {
   public:
    explicit ByIdSweep(Connection& c) : c_(c), s_(c.by_id_from()) {}
    void answer(const LookupRequest& request, LookupResult& result) {
      result.records.clear();
      result.detail.clear();
      PersonalIdInfo info = decode_personal_id(request.key);
      if (!info.valid) return fail(result, ECID_ANSWER_INVALID_KEY, std::string(info.problem));
      const long long pid = std::stoll(request.key);
      if (!positioned_ || pid < current_) {
        seek(pid);
      } else {
        for (int step = 0; step < kMaxSteps && !at_end_ && current_ < pid && ok_; ++step) advance();
        if (ok_ && !at_end_ && current_ < pid) seek(pid);
      }
      if (!ok_) {
        positioned_ = false;
        ok_ = true;
        return fail(result, ECID_ANSWER_UNAVAILABLE, "register read failed: " + c_.error());
      }
      if (at_end_ || current_ != pid) {
        result.status = ECID_ANSWER_NOT_FOUND;
        return;
      }
      result.records.push_back(read_record(s_, request.fields));
      result.status = ECID_ANSWER_FOUND;
    }
    void finish() {
      sqlite3_reset(s_);
      sqlite3_clear_bindings(s_);
    }

   private:
    static constexpr int kMaxSteps = 6;
    void seek(long long pid) {
      sqlite3_reset(s_);
      sqlite3_bind_int64(s_, 1, pid);
      positioned_ = true;
      advance();
    }
    void advance() {
      const int rc = sqlite3_step(s_);
      if (rc == SQLITE_ROW) {
        current_ = sqlite3_column_int64(s_, kPid);
        at_end_ = false;
      } else {
        at_end_ = true;
        ok_ = rc == SQLITE_DONE;
      }
    }
    Connection& c_;
    sqlite3_stmt* s_;
    bool positioned_ = false, at_end_ = false, ok_ = true;
    long long current_ = 0;
  };

  static void fail(LookupResult& result, uint32_t status, std::string detail) {
    result.status = status;
    result.detail = std::move(detail);
    result.records.clear();
  }

  void answer(Connection& c, const LookupRequest& request, LookupResult& result) {
    result.records.clear();
    result.detail.clear();
    switch (request.kind) {
      case ECID_Q_PERSON_BY_ID: {
        PersonalIdInfo info = decode_personal_id(request.key);
        if (!info.valid) return fail(result, ECID_ANSWER_INVALID_KEY, std::string(info.problem));
        sqlite3_stmt* s = request.fields.subset_of(kCoreFields) ? c.by_id_core() : c.by_id();
        long long pid = std::stoll(request.key);
        sqlite3_bind_int64(s, 1, pid);
        return collect(c, s, request.fields, 1, result);
      }
      case ECID_Q_PERSON_BY_LEGACY_ID: {
        if (!is_legacy_id(request.key))
          return fail(result, ECID_ANSWER_INVALID_KEY, "a legacy ID number has exactly 9 digits");
        sqlite3_stmt* s = c.by_legacy();
        sqlite3_bind_text(s, 1, request.key.data(), static_cast<int>(request.key.size()), SQLITE_STATIC);
        return collect(c, s, request.fields, kMaxCandidates, result);
      }
      case ECID_Q_PERSON_CANDIDATES:
        return candidates(c, request, result);
      case ECID_Q_VEHICLE_BY_PLATE:
      case ECID_Q_ORGANISATION_BY_CODE:
        c.specialised().answer(request, result);
        return;
      default:
        return fail(result, ECID_ANSWER_UNAVAILABLE,
                    "the embedded population register answers person queries only");
    }
  }

  void candidates(Connection& c, const LookupRequest& request, LookupResult& result) {
    const std::string* name = find_claim(request, ECID_F_FULL_NAME);
    const std::string* birth = find_claim(request, ECID_F_BIRTH_DATE);
    if (name == nullptr || birth == nullptr)
      return fail(result, ECID_ANSWER_INVALID_KEY,
                  "a candidate search needs a full name and a birth date claim");
    std::string key = register_schema::name_key(*name);
    if (key.empty()) return fail(result, ECID_ANSWER_INVALID_KEY, "the claimed name has no letters");
    int year = claimed_birth_year(*birth);
    if (year <= 0) return fail(result, ECID_ANSWER_INVALID_KEY, "the claimed birth date has no year");
    // Birth dates are stored as 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD': all of one year sort in
    // ['YYYY', 'YYYY+1'), an index range scan.
    std::string from = std::to_string(year), to = std::to_string(year + 1);
    const std::string* place = find_claim(request, ECID_F_BIRTH_REGISTRATION_PLACE);
    std::string place_code;
    if (place != nullptr && !place->empty()) {
      if (!digits_only(*place) || place->size() > 3)
        return fail(result, ECID_ANSWER_INVALID_KEY,
                    "the claimed birth registration place is not a province code");
      place_code = std::string(3 - place->size(), '0') + *place;
    }
    const bool core = request.fields.subset_of(kCoreFields);
    sqlite3_stmt* s = place_code.empty() ? c.candidates(core) : c.candidates_in_place(core);
    sqlite3_bind_text(s, 1, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
    sqlite3_bind_text(s, 2, from.data(), static_cast<int>(from.size()), SQLITE_STATIC);
    sqlite3_bind_text(s, 3, to.data(), static_cast<int>(to.size()), SQLITE_STATIC);
    if (!place_code.empty()) {
      sqlite3_bind_text(s, 4, place_code.data(), static_cast<int>(place_code.size()), SQLITE_STATIC);
      // The place is ID digits 1-3 (docs/register.md): a pid range the index itself holds, so
      // the ~60 namesakes born that year are filtered before their rows are read (6x faster).
      const long long province = std::stoll(place_code);
      sqlite3_bind_int64(s, 5, province * 1000000000LL);
      sqlite3_bind_int64(s, 6, province * 1000000000LL + 999999999LL);
    }
    collect_in_id_order(c, s, request.fields, kMaxCandidates, result);
  }

  // Every row of `s`, answered as the first `limit` by ascending ID (the detail says when there
  // are more), then resets `s`.
  static void collect_in_id_order(Connection& c, sqlite3_stmt* s, const FieldSet& fields, size_t limit,
                                  LookupResult& result) {
    std::vector<std::pair<long long, RegisterRecord>> rows;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) rows.emplace_back(sqlite3_column_int64(s, kPid), read_record(s, fields));
    if (rc != SQLITE_DONE) {
      fail(result, ECID_ANSWER_UNAVAILABLE, "register read failed: " + c.error());
    } else if (rows.empty()) {
      result.status = ECID_ANSWER_NOT_FOUND;
    } else {
      std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      const bool truncated = rows.size() > limit;
      if (truncated) rows.resize(limit);
      for (auto& row : rows) result.records.push_back(std::move(row.second));
      result.status = ECID_ANSWER_FOUND;
      if (truncated)
        result.detail = "more than " + std::to_string(limit) + " candidates; the first " +
                        std::to_string(limit) + " by ID are returned";
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
  }

  // Steps `s` to the end (at most `limit` records kept) and resets it.
  static void collect(Connection& c, sqlite3_stmt* s, const FieldSet& fields, size_t limit,
                      LookupResult& result) {
    int rc;
    bool truncated = false;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      if (result.records.size() == limit) {
        truncated = true;
        break;
      }
      result.records.push_back(read_record(s, fields));
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
      fail(result, ECID_ANSWER_UNAVAILABLE, "register read failed: " + c.error());
    } else if (result.records.empty()) {
      result.status = ECID_ANSWER_NOT_FOUND;
    } else {
      result.status = ECID_ANSWER_FOUND;
      if (truncated)
        result.detail = "more than " + std::to_string(limit) + " candidates; the first " +
                        std::to_string(limit) + " by ID are returned";
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
  }

  std::unique_ptr<Connection> acquire() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        std::unique_ptr<Connection> c = std::move(idle_.back());
        idle_.pop_back();
        return c;
      }
    }
    return std::make_unique<Connection>(uri_, path_);
  }

  void release(std::unique_ptr<Connection> c) {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(c));
  }

  std::string path_;
  std::string uri_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;  // grows to the number of concurrent callers
};

}  // namespace

std::unique_ptr<RegisterBackend> open_embedded_register(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw std::runtime_error("register '" + path +
                             "' does not exist (create one with: ecid register seed --out " + path + ")");
  auto first = std::make_unique<Connection>(file_uri(path), path);
  return std::make_unique<EmbeddedRegister>(path, std::move(first));
}

}  // namespace ecid
