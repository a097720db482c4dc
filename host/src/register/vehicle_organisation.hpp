// The vehicle and organisation registers of the embedded register file: how one connection of
// the SQLite backend (embedded.cpp) answers ECID_Q_VEHICLE_BY_PLATE and
// ECID_Q_ORGANISATION_BY_CODE. docs/register.md, "The vehicle register" and "The organisation
// register", documents the answers.
#pragma once

#include <ecid/register.hpp>

#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace ecid::vehicle {

inline constexpr std::string_view kVehicleSource = "vehicle/embedded";
inline constexpr std::string_view kOrganisationSource = "organisation/embedded";

// Prepared statements on one read-only connection. Not thread-safe: one per connection, used by
// the thread that holds the connection.
class EmbeddedSpecialisedRegisters {
 public:
  // Prepares the statements; throws std::runtime_error when the file lacks the tables.
  explicit EmbeddedSpecialisedRegisters(sqlite3* db);
  ~EmbeddedSpecialisedRegisters();
  EmbeddedSpecialisedRegisters(const EmbeddedSpecialisedRegisters&) = delete;
  EmbeddedSpecialisedRegisters& operator=(const EmbeddedSpecialisedRegisters&) = delete;

  // Answers a vehicle or organisation look-up into `result` (source included) and returns true;
  // returns false, touching nothing, for any other kind.
  bool answer(const LookupRequest& request, LookupResult& result);

 private:
  void plate(const LookupRequest& request, LookupResult& result);
  void plates_of_owner(const LookupRequest& request, LookupResult& result);
  void organisation(const LookupRequest& request, LookupResult& result);
  // Reads one plate's record into `result.records`; false when the plate is not on the register.
  bool read_plate(const std::string& key, const FieldSet& fields, LookupResult& result);
  sqlite3_stmt* prepare(const char* sql);
  std::string error() const;

  sqlite3* db_;
  std::vector<sqlite3_stmt*> statements_;
  sqlite3_stmt* plate_ = nullptr;
  sqlite3_stmt* owner_plates_ = nullptr;
  sqlite3_stmt* organisation_ = nullptr;
};

}  // namespace ecid::vehicle
