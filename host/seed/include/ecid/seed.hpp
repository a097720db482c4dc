// The synthetic population register: a deterministic generator of realistic citizens for
// samples, development, tests and benchmarks. See docs/register.md for the classes it
// generates and the fixture citizens it always contains.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace ecid {

struct SeedOptions {
  // Rows in the register, the fixture citizens included (never fewer than the fixtures).
  uint64_t people = 0;
  uint64_t seed = 1;
  std::string path;        // the register file to create
  bool overwrite = false;  // replace an existing file at `path`
  // Called from the seeding thread every few thousand rows and once at the end. It may throw
  // to cancel the seed: the exception propagates and no file is left at `path`.
  std::function<void(uint64_t done, uint64_t total)> progress;
};

// What the seed generated, counted per data-quality class (each row may be in several).
struct SeedSummary {
  uint64_t people = 0;                   // rows written, fixtures included
  uint64_t fixtures = 0;
  uint64_t households = 0;
  uint64_t deceased = 0;
  uint64_t year_only_birth_dates = 0;
  uint64_t month_only_birth_dates = 0;   // 'YYYY-MM'
  uint64_t legacy_ids = 0;
  uint64_t stale_permanent_residence = 0;  // permanent and current both held and different
  uint64_t only_permanent_residence = 0;
  uint64_t only_temporary_residence = 0;
  uint64_t temporary_without_current = 0;  // temporary + permanent, no current residence
  uint64_t only_current_residence = 0;
  uint64_t inconsistent_ids = 0;         // ID digits 4-6 disagree with recorded sex/birth year
  uint64_t minority_style_names = 0;
  double seconds = 0;
};

// Creates the register at options.path: writes `path + ".tmp"` and renames it into place only
// when complete, so an interrupted seed never leaves a partial register at `path`. The same
// (people, seed) always gives the same rows. Throws std::runtime_error with a message naming
// the file on any failure (existing file without overwrite, missing directory, disk full).
SeedSummary seed_register(const SeedOptions& options);

// What a register file says about itself (its meta row and the generator version).
struct RegisterInfo {
  int schema_version = 0;
  int generator_version = 0;  // of the seed generator that made it; 0 when not recorded
  std::string seed, reference_date, created_at;
  uint64_t people = 0;
  // Readable by this build and made by this build's seed generator.
  bool current() const;
};

// Reads the register's description. Throws std::runtime_error naming the file when it is
// missing or not an ecid register.
RegisterInfo read_register_info(const std::string& path);

}  // namespace ecid
