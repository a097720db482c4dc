// Shared by the HTTP register tests: one seeded register per test binary, request builders,
// a mock register server on loopback and the HTTP backend configured against it.
#pragma once

#include <ecid/http_register.hpp>
#include <ecid/mock_register.hpp>
#include <ecid/register.hpp>

#include <memory>
#include <string>
#include <vector>

namespace ecid::testing {

inline constexpr const char* kPurpose = "court.case_filing";
inline constexpr const char* kClientId = "ecid-test-client";
inline constexpr const char* kClientSecret = "s3cret-for-tests-only";

// Seeded once (3,000 people, seed 7, fixtures included) in a temp folder removed at exit.
const std::string& register_path();

// Every person field of the register.
FieldSet person_fields();

LookupRequest by_id(std::string key, FieldSet fields = person_fields());
LookupRequest by_legacy(std::string key, FieldSet fields = person_fields());
LookupRequest candidates(std::string name, std::string birth, std::string place = {},
                         FieldSet fields = person_fields());

// Raw SQL over the seeded register (read-only): the first column of every row.
std::vector<std::string> sql_column(const std::string& sql);

// `count` structurally valid personal IDs of the register, picked at random by `seed`.
std::vector<std::string> existing_ids(size_t count, uint64_t seed);
// `count` structurally valid personal IDs made up at random (most are not in the register).
std::vector<std::string> random_ids(size_t count, uint64_t seed);

// A mock register on 127.0.0.1 serving register_path(), tokens required.
std::unique_ptr<MockRegisterServer> start_mock(MockRegisterOptions options = {});

// The HTTP backend's configuration for a server.
HttpRegisterConfig http_config(const MockRegisterServer& server);

std::vector<LookupResult> run(RegisterBackend& backend, const std::vector<LookupRequest>& requests);

// Equal status, detail and records (values in order).
bool same_result(const LookupResult& a, const LookupResult& b, std::string* why = nullptr);

}  // namespace ecid::testing
