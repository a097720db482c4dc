// The vehicle and organisation registers of the embedded register file (vehicle_organisation.hpp).
// Plate keys are normalised here with the plate rules (ecid/plate.hpp), so adapters send plates
// as the document spells them.
#include "register/vehicle_organisation.hpp"

#include <ecid/plate.hpp>

#include <sqlite3.h>

#include <algorithm>
#include <stdexcept>

namespace ecid::vehicle {
namespace {

// As the population register's candidate searches: a search never returns more than this.
constexpr size_t kMaxRecords = 20;

std::string_view column_text(sqlite3_stmt* s, int column) {
  const unsigned char* text = sqlite3_column_text(s, column);
  if (text == nullptr) return {};
  return {reinterpret_cast<const char*>(text), static_cast<size_t>(sqlite3_column_bytes(s, column))};
}

void bind(sqlite3_stmt* s, int column, std::string_view text) {
  if (text.empty()) sqlite3_bind_null(s, column);
  else sqlite3_bind_text(s, column, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

const std::string* find_claim(const LookupRequest& request, uint32_t field) {
  for (const Claim& c : request.claims)
    if (c.field == field) return &c.value;
  return nullptr;
}

void fail(LookupResult& result, uint32_t status, std::string detail) {
  result.status = status;
  result.detail = std::move(detail);
  result.records.clear();
}

// Resets a statement however its steps ended.
struct Reset {
  sqlite3_stmt* s;
  ~Reset() {
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
  }
};

// An organisation code: the 10-digit tax / identification code, or 13 with a unit suffix
// ("0101234567-001"). Spaces are dropped; nullopt for anything else.
std::optional<std::string> organisation_key(std::string_view text) {
  std::string key;
  for (char c : text)
    if (c != ' ' && c != '\t') key += c;
  auto digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (key.size() == 10 && digits(key)) return key;
  if (key.size() == 14 && key[10] == '-' && digits(key.substr(0, 10)) && digits(key.substr(11))) return key;
  return std::nullopt;
}

}  // namespace

EmbeddedSpecialisedRegisters::EmbeddedSpecialisedRegisters(sqlite3* db) : db_(db) {
  try {
    // One row per period of the plate, oldest first; a plate without history still has a row.
    plate_ = prepare(
        "SELECT v.vehicle_kind, h.valid_from, h.valid_to, h.status, h.owner_kind, h.owner_id "
        "FROM vehicle v LEFT JOIN plate_history h ON h.plate = v.plate "
        "WHERE v.plate = ?1 ORDER BY h.valid_from");
    // The plates whose current period names the owner (partial index plate_history_current_owner).
    owner_plates_ = prepare(
        "SELECT h.plate FROM plate_history h JOIN vehicle v ON v.plate = h.plate "
        "WHERE h.owner_id = ?1 AND h.valid_to IS NULL "
        "AND (?2 IS NULL OR v.vehicle_kind = ?2) "
        "AND (CASE WHEN ?3 IS NULL THEN h.status IN ('active', 'held') ELSE h.status = ?3 END) "
        "ORDER BY h.plate LIMIT 21");
    organisation_ = prepare(
        "SELECT name, representative_id, representative_name, status, head_office "
        "FROM organisation WHERE code = ?1");
  } catch (...) {
    for (sqlite3_stmt* s : statements_) sqlite3_finalize(s);
    throw;
  }
}

EmbeddedSpecialisedRegisters::~EmbeddedSpecialisedRegisters() {
  for (sqlite3_stmt* s : statements_) sqlite3_finalize(s);
}

sqlite3_stmt* EmbeddedSpecialisedRegisters::prepare(const char* sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK)
    throw std::runtime_error(std::string("not an ecid register with vehicle and organisation tables: ") +
                             sqlite3_errmsg(db_));
  statements_.push_back(s);
  return s;
}

std::string EmbeddedSpecialisedRegisters::error() const { return sqlite3_errmsg(db_); }

bool EmbeddedSpecialisedRegisters::answer(const LookupRequest& request, LookupResult& result) {
  if (request.kind == ECID_Q_VEHICLE_BY_PLATE) {
    result.records.clear();
    result.detail.clear();
    result.source = std::string(kVehicleSource);
    if (request.key.empty()) plates_of_owner(request, result);
    else plate(request, result);
    return true;
  }
  if (request.kind == ECID_Q_ORGANISATION_BY_CODE) {
    result.records.clear();
    result.detail.clear();
    result.source = std::string(kOrganisationSource);
    organisation(request, result);
    return true;
  }
  return false;
}

void EmbeddedSpecialisedRegisters::plate(const LookupRequest& request, LookupResult& result) {
  PlateParse parsed = parse_plate(request.key);
  if (!parsed.plate) return fail(result, ECID_ANSWER_INVALID_KEY, parsed.problem);
  try {
    result.status = read_plate(parsed.plate->key, request.fields, result) ? ECID_ANSWER_FOUND
                                                                          : ECID_ANSWER_NOT_FOUND;
  } catch (const std::runtime_error& e) {
    fail(result, ECID_ANSWER_UNAVAILABLE, e.what());
  }
}

// A key-less plate look-up lists the owner's plates: claim VEHICLE_OWNER_ID (required),
// VEHICLE_KIND and PLATE_STATUS (optional filters; without a status, active and held plates).
void EmbeddedSpecialisedRegisters::plates_of_owner(const LookupRequest& request, LookupResult& result) {
  const std::string* owner = find_claim(request, ECID_F_VEHICLE_OWNER_ID);
  if (owner == nullptr || owner->empty())
    return fail(result, ECID_ANSWER_INVALID_KEY,
                "a plate look-up needs a plate, or a vehicle_owner_id claim to list the owner's plates");
  const std::string* kind = find_claim(request, ECID_F_VEHICLE_KIND);
  if (kind != nullptr && !kind->empty() && !plate_kind_by_name(*kind))
    return fail(result, ECID_ANSWER_INVALID_KEY, "the claimed vehicle kind is not car, motorbike, special or trailer");
  const std::string* status = find_claim(request, ECID_F_PLATE_STATUS);
  if (status != nullptr && !status->empty() && *status != "active" && *status != "held" && *status != "revoked")
    return fail(result, ECID_ANSWER_INVALID_KEY, "the claimed plate status is not active, held or revoked");
  std::vector<std::string> keys;
  {
    Reset reset{owner_plates_};
    bind(owner_plates_, 1, *owner);
    bind(owner_plates_, 2, kind ? std::string_view(*kind) : std::string_view());
    bind(owner_plates_, 3, status ? std::string_view(*status) : std::string_view());
    int rc;
    while ((rc = sqlite3_step(owner_plates_)) == SQLITE_ROW) keys.emplace_back(column_text(owner_plates_, 0));
    if (rc != SQLITE_DONE) return fail(result, ECID_ANSWER_UNAVAILABLE, "register read failed: " + error());
  }
  const bool truncated = keys.size() > kMaxRecords;
  if (truncated) keys.resize(kMaxRecords);
  try {
    for (const std::string& key : keys) read_plate(key, request.fields, result);
  } catch (const std::runtime_error& e) {
    return fail(result, ECID_ANSWER_UNAVAILABLE, e.what());
  }
  result.status = result.records.empty() ? ECID_ANSWER_NOT_FOUND : ECID_ANSWER_FOUND;
  if (truncated)
    result.detail = "more than " + std::to_string(kMaxRecords) + " plates; the first " +
                    std::to_string(kMaxRecords) + " by plate are returned";
}

bool EmbeddedSpecialisedRegisters::read_plate(const std::string& key, const FieldSet& fields,
                                              LookupResult& result) {
  Reset reset{plate_};
  bind(plate_, 1, key);
  std::string kind, history, status, owner_kind, owner_id;
  bool found = false;
  int rc;
  while ((rc = sqlite3_step(plate_)) == SQLITE_ROW) {
    found = true;
    kind = column_text(plate_, 0);
    if (sqlite3_column_type(plate_, 1) == SQLITE_NULL) continue;  // a plate with no period yet
    // PLATE_HISTORY: "from..to:owner_kind:owner_id:status" per period, oldest first, ';' between.
    if (!history.empty()) history += ';';
    history += column_text(plate_, 1);
    history += "..";
    history += column_text(plate_, 2);
    history += ':';
    history += column_text(plate_, 4);
    history += ':';
    history += column_text(plate_, 5);
    history += ':';
    history += column_text(plate_, 3);
    // The last period is the current one.
    status = column_text(plate_, 3);
    owner_kind = column_text(plate_, 4);
    owner_id = column_text(plate_, 5);
  }
  if (rc != SQLITE_DONE) throw std::runtime_error("register read failed: " + error());
  if (!found) return false;
  RegisterRecord record;
  if (fields.has(ECID_F_PLATE)) {
    PlateParse parsed = parse_plate(key);
    record.values.emplace_back(ECID_F_PLATE, parsed.plate ? parsed.plate->display : key);
  }
  if (fields.has(ECID_F_VEHICLE_KIND)) record.values.emplace_back(ECID_F_VEHICLE_KIND, kind);
  if (fields.has(ECID_F_PLATE_STATUS) && !status.empty()) record.values.emplace_back(ECID_F_PLATE_STATUS, status);
  // A revoked plate has gone back to the pool: it has no current owner.
  if (status == "active" || status == "held") {
    if (fields.has(ECID_F_VEHICLE_OWNER_KIND)) record.values.emplace_back(ECID_F_VEHICLE_OWNER_KIND, owner_kind);
    if (fields.has(ECID_F_VEHICLE_OWNER_ID)) record.values.emplace_back(ECID_F_VEHICLE_OWNER_ID, owner_id);
  }
  if (fields.has(ECID_F_PLATE_HISTORY) && !history.empty())
    record.values.emplace_back(ECID_F_PLATE_HISTORY, std::move(history));
  result.records.push_back(std::move(record));
  return true;
}

void EmbeddedSpecialisedRegisters::organisation(const LookupRequest& request, LookupResult& result) {
  std::optional<std::string> key = organisation_key(request.key);
  if (!key)
    return fail(result, ECID_ANSWER_INVALID_KEY,
                "an organisation code has 10 digits, or 10 digits, '-' and 3 digits for a unit");
  Reset reset{organisation_};
  bind(organisation_, 1, *key);
  int rc = sqlite3_step(organisation_);
  if (rc == SQLITE_DONE) {
    result.status = ECID_ANSWER_NOT_FOUND;
    return;
  }
  if (rc != SQLITE_ROW) return fail(result, ECID_ANSWER_UNAVAILABLE, "register read failed: " + error());
  RegisterRecord record;
  const FieldSet& f = request.fields;
  auto put = [&](uint32_t field, int column) {
    std::string_view v = column_text(organisation_, column);
    if (f.has(field) && !v.empty()) record.values.emplace_back(field, std::string(v));
  };
  if (f.has(ECID_F_ORG_CODE)) record.values.emplace_back(ECID_F_ORG_CODE, *key);
  put(ECID_F_ORG_NAME, 0);
  put(ECID_F_ORG_REPRESENTATIVE_ID, 1);
  put(ECID_F_ORG_REPRESENTATIVE_NAME, 2);
  put(ECID_F_ORG_STATUS, 3);
  put(ECID_F_ORG_HEAD_OFFICE, 4);
  result.records.push_back(std::move(record));
  result.status = ECID_ANSWER_FOUND;
}

}  // namespace ecid::vehicle
