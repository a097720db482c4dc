// The embedded register's file format (the population register and, beside it, the vehicle and
// organisation registers), shared by the seed generator (writer) and the SQLite backend
// (reader). docs/register.md documents every column.
#pragma once

#include <string>
#include <string_view>

namespace ecid::register_schema {

// Bumped whenever a column or an index changes meaning; the backend refuses other versions.
// 2: the vehicle and organisation registers (tables vehicle, plate_history, organisation).
inline constexpr int kSchemaVersion = 2;

// The seed generator's version, kept in a seeded register's PRAGMA user_version. Bumped whenever
// the generator's output for the same (people, seed) changes: the samples' expected findings
// depend on it, and a register seeded by another version gives other findings without any error
// (session 2 saw every camera sample say PLATE_UNKNOWN on a register seeded before vehicles
// existed). 0: seeded before the version was recorded.
inline constexpr int kSeedGeneratorVersion = 1;

// Synthetic people are born no later than this date, whatever day the seed runs on, so the
// same (people, seed) gives the same register on any day.
inline constexpr std::string_view kReferenceDate = "2025-06-30";

inline constexpr std::string_view kCreateSql = R"sql(
CREATE TABLE meta (
  schema_version INTEGER NOT NULL,
  seed TEXT NOT NULL,
  people INTEGER NOT NULL,
  reference_date TEXT NOT NULL,
  name_key_fold TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE person (
  pid INTEGER PRIMARY KEY,
  full_name TEXT NOT NULL,
  other_names TEXT,
  birth_date TEXT NOT NULL,
  sex TEXT NOT NULL CHECK (sex IN ('M', 'F')),
  birth_place TEXT,
  birth_registration_place TEXT NOT NULL,
  hometown TEXT,
  ethnicity TEXT,
  religion TEXT,
  nationality TEXT,
  blood_type TEXT,
  legacy_id TEXT,
  permanent_residence TEXT,
  temporary_residence TEXT,
  current_residence TEXT,
  marital_status TEXT,
  household_id INTEGER,
  household_relation TEXT,
  death_date TEXT,
  name_key TEXT NOT NULL
);
CREATE TABLE vehicle (
  plate TEXT PRIMARY KEY,
  vehicle_kind TEXT NOT NULL CHECK (vehicle_kind IN ('car', 'motorbike', 'special', 'trailer'))
) WITHOUT ROWID;
CREATE TABLE plate_history (
  plate TEXT NOT NULL REFERENCES vehicle (plate),
  valid_from TEXT NOT NULL,
  valid_to TEXT,
  status TEXT NOT NULL CHECK (status IN ('active', 'held', 'revoked')),
  owner_kind TEXT NOT NULL CHECK (owner_kind IN ('person', 'organisation')),
  owner_id TEXT NOT NULL,
  PRIMARY KEY (plate, valid_from)
) WITHOUT ROWID;
CREATE TABLE organisation (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  representative_id TEXT NOT NULL,
  representative_name TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'dissolved')),
  head_office TEXT
) WITHOUT ROWID;
)sql";

// Built after the rows are in: building an index once is faster than maintaining it.
inline constexpr std::string_view kIndexSql = R"sql(
CREATE INDEX person_legacy_id ON person (legacy_id) WHERE legacy_id IS NOT NULL;
CREATE INDEX person_name_key_birth_date ON person (name_key, birth_date);
CREATE INDEX plate_history_current_owner ON plate_history (owner_id) WHERE valid_to IS NULL;
)sql";

inline constexpr std::string_view kNameKeyFold = "ascii-upper-v1";

// The candidate-search key stored in person.name_key: Vietnamese letters folded to their
// ASCII base (đ/Đ → D, also the look-alikes ð/Ð), combining marks dropped, upper-cased; any
// run of other characters (spaces, apostrophes, hyphens) becomes one space; trimmed.
// "H' Hen Niê" → "H HEN NIE". A blocking key only: it collapses distinct names.
std::string name_key(std::string_view utf8);
// name_key() appended to `out` after what it holds, for writers of many rows (no allocation).
void append_name_key(std::string_view utf8, std::string& out);

}  // namespace ecid::register_schema
