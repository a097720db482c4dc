// Registers made by ecid::seed_register, once per (people, seed) and process, in a folder
// removed when the test program ends.
#pragma once

#include "temp_dir.hpp"

#include <ecid/seed.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>

namespace ecid::testing {

// A folder removed at the end of the test program.
inline const std::filesystem::path& folder() {
  static TempDir dir;
  return dir.path();
}

// One register per (people, seed), created on first use.
inline std::filesystem::path seeded(uint64_t people, uint64_t seed) {
  const std::filesystem::path p =
      folder() / ("register-" + std::to_string(people) + "-" + std::to_string(seed) + ".db");
  if (!std::filesystem::exists(p)) {
    SeedOptions o;
    o.people = people;
    o.seed = seed;
    o.path = p.string();
    const SeedSummary s = seed_register(o);
    EXPECT_EQ(s.people, people);
  }
  return p;
}

}  // namespace ecid::testing
