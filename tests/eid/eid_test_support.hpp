// Shared pieces of the eid tests: a temporary folder, a settable clock, generated people,
// and a verifier configured against a JWKS file.
#pragma once

#include <ecid/eid.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include <unistd.h>

namespace ecid::eid::testing {

using namespace std::chrono_literals;
using TimePoint = std::chrono::system_clock::time_point;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ecid-eid-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// A clock the test moves by hand; shared with the verifier through a copyable functor.
class FakeClock {
 public:
  explicit FakeClock(TimePoint start) : now_(std::make_shared<std::atomic<std::int64_t>>(seconds(start))) {}
  TimePoint now() const { return TimePoint(std::chrono::seconds(now_->load())); }
  void advance(std::chrono::seconds s) { *now_ += s.count(); }
  Verifier::Clock as_clock() const {
    auto state = now_;
    return [state] { return TimePoint(std::chrono::seconds(state->load())); };
  }

 private:
  static std::int64_t seconds(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  }
  std::shared_ptr<std::atomic<std::int64_t>> now_;
};

struct Person {
  std::string personal_id;
  std::string full_name;
  std::string birth_date;  // YYYYMMDD
  int year = 0, month = 0, day = 0;
};

inline std::string padded(int value, std::size_t width) {
  std::string s = std::to_string(value);
  return std::string(width > s.size() ? width - s.size() : 0, '0') + s;
}

// A structurally plausible citizen: province code, century/sex digit, birth year, random tail.
inline Person make_person(std::mt19937& rng) {
  static const char* kSurnames[] = {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng"};
  static const char* kGiven[] = {"Văn An", "Thị Bích", "Đức Thắng", "Thu Hà", "Minh Khôi", "Ngọc Ánh"};
  static const int kProvinces[] = {1, 79, 48, 31, 92, 38};
  Person p;
  p.year = std::uniform_int_distribution<int>(1950, 2005)(rng);
  p.month = std::uniform_int_distribution<int>(1, 12)(rng);
  p.day = std::uniform_int_distribution<int>(1, 28)(rng);
  const bool female = rng() % 2;
  const int century_digit = (p.year >= 2000 ? 2 : 0) + (female ? 1 : 0);
  p.personal_id = padded(kProvinces[rng() % 6], 3) + std::to_string(century_digit) + padded(p.year % 100, 2) +
                  padded(static_cast<int>(rng() % 1000000), 6);
  p.full_name = std::string(kSurnames[rng() % 7]) + " " + kGiven[rng() % 6];
  p.birth_date = padded(p.year, 4) + padded(p.month, 2) + padded(p.day, 2);
  return p;
}

// Test signing keys, generated once per build tree and reused by later test processes:
// ctest runs each case in its own process, and RSA key generation is slow.
inline SigningKey cached_key(Algorithm alg, const std::string& kid) {
  const std::filesystem::path dir = std::filesystem::path(ECID_BINARY_DIR) / "tests" / "eid-keys";
  const std::filesystem::path file = dir / (kid + ".pem");
  std::error_code ec;
  if (std::filesystem::exists(file, ec)) {
    try {
      return SigningKey::load_pem(file, alg, kid);
    } catch (const EidError&) {
      // a damaged cache file: make a new key below
    }
  }
  SigningKey key = SigningKey::generate(alg, kid);
  std::filesystem::create_directories(dir, ec);
  // Written under a unique name then renamed: parallel test processes never read half a file.
  const std::filesystem::path temp = dir / (kid + ".pem." + std::to_string(::getpid()));
  try {
    key.save_pem(temp, /*overwrite=*/true);
    std::filesystem::rename(temp, file, ec);
  } catch (const EidError&) {
  }
  return key;
}

inline const std::string kIssuer = "https://sso.example.test/auth/realms/citizen";
inline const std::string kClientId = "ecid-court";

inline VerifierConfig config_for(const std::string& jwks_source) {
  VerifierConfig c;
  c.issuer = kIssuer;
  c.client_id = kClientId;
  c.jwks_source = jwks_source;
  c.clock_skew = 30s;
  c.max_token_age = 600s;
  c.refetch_cooldown = 60s;
  c.key_cache_ttl = 0s;
  return c;
}

inline MintRequest request_for(const Person& p, TimePoint now, int level = 2) {
  MintRequest r;
  r.issuer = kIssuer;
  r.audience = {kClientId};
  r.personal_id = p.personal_id;
  r.full_name = p.full_name;
  r.birth_date = p.birth_date;
  r.acr = *acr_for_level(default_acr_levels(), level);
  r.issued_at = now;
  r.lifetime = 300s;
  return r;
}

}  // namespace ecid::eid::testing
