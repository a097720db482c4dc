// The ID-token verifier: compact JWS → signature (keys from the JWKS, by kid, with paced
// refetch on rotation) → OpenID Connect claims → VNeID identity claims → party binding.
#include <ecid/config.hpp>

#include "eid/flat_json.hpp"
#include "eid/jose.hpp"
#include "net/transport.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <limits>
#include <mutex>

namespace ecid::eid {
namespace {

using detail::JsonValue;
using detail::VerificationKey;
using TimePoint = std::chrono::system_clock::time_point;

struct KeySet {
  std::vector<VerificationKey> keys;
};

AssertionCheck reject(Verdict verdict, std::string reason) {
  AssertionCheck check;
  check.verdict = verdict;
  check.reason = std::move(reason);
  return check;
}

bool is_digits(std::string_view s, std::size_t count) {
  return s.size() == count && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Attacker-chosen text shown in a reason: short, printable ASCII only, so a reason stays
// one harmless line.
std::string printable(std::string_view s) {
  if (s.size() > 16) return "(long value)";
  std::string out;
  for (char c : s) out += (c >= 0x21 && c <= 0x7e && c != '"') ? c : '?';
  return out.empty() ? "(empty)" : out;
}

// RFC 7519 NumericDate: seconds since the epoch, possibly fractional.
std::optional<std::int64_t> numeric_date(const JsonValue& value) {
  if (value.kind == JsonValue::Kind::Integer) return value.integer;
  if (value.kind == JsonValue::Kind::Float) {
    if (!std::isfinite(value.real) || std::fabs(value.real) > 9.0e15) return std::nullopt;
    return static_cast<std::int64_t>(std::floor(value.real));
  }
  return std::nullopt;
}

bool leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

// NgayThangNamSinh is YYYYMMDD; 00 for an unknown day or month makes a partial date, as
// the register holds year-only births. (Local on purpose: the rule here is the VNeID
// format, not the many sector formats ecid::parse_date accepts.)
std::optional<PartialDate> parse_birth_date(std::string_view s) {
  if (!is_digits(s, 8)) return std::nullopt;
  auto num = [&](std::size_t pos, std::size_t len) {
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  PartialDate d{num(0, 4), num(4, 2), num(6, 2)};
  if (d.year < 1800 || d.month > 12) return std::nullopt;
  if (d.month == 0 && d.day != 0) return std::nullopt;
  if (d.day != 0) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const int max_day = kDays[d.month - 1] + (d.month == 2 && leap(d.year) ? 1 : 0);
    if (d.day > max_day) return std::nullopt;
  }
  return d;
}

struct Segments {
  std::string_view header, payload, signature, signing_input;
};

std::optional<Segments> split_compact(std::string_view token, std::size_t* segment_count) {
  // find() is memchr: a byte loop here would cost as much as the base64 decoding.
  std::size_t dots[2];
  std::size_t count = 0;
  for (std::size_t at = token.find('.'); at != std::string_view::npos; at = token.find('.', at + 1)) {
    if (count < 2) dots[count] = at;
    ++count;
  }
  *segment_count = count + 1;
  if (count != 2) return std::nullopt;
  Segments s;
  s.header = token.substr(0, dots[0]);
  s.payload = token.substr(dots[0] + 1, dots[1] - dots[0] - 1);
  s.signature = token.substr(dots[1] + 1);
  s.signing_input = token.substr(0, dots[1]);
  return s;
}

enum HeaderMember { kAlg, kKid, kTyp, kCrit };
constexpr std::array<std::string_view, 4> kHeaderMembers{"alg", "kid", "typ", "crit"};
using Header = detail::FlatObject<kHeaderMembers.size()>;

enum Claim {
  kIss, kAud, kAzp, kExp, kIat, kNbf, kNonce, kSub, kAcr,
  kSoDinhDanh, kHoVaTen, kNgayThangNamSinh, kLoaiTaiKhoan, kAuthTime, kJti
};
constexpr std::array<std::string_view, 15> kClaimNames{
    "iss", "aud", "azp", "exp", "iat", "nbf", "nonce", "sub", "acr",
    "SoDinhDanh", "HoVaTen", "NgayThangNamSinh", "LoaiTaiKhoan", "auth_time", "jti"};
using Payload = detail::FlatObject<kClaimNames.size()>;

template <typename Object>
bool decode_object(std::string_view segment, Object& object) {
  auto text = base64url_decode(segment);
  return text && object.parse(*text);
}

std::string level_text(const AssuranceLevel& level) {
  std::string out = "account level " + std::to_string(level.account);
  if (level.authentication != 0) out += ", authentication level " + std::to_string(level.authentication);
  return out;
}

std::int64_t seconds_since_epoch(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

std::string_view algorithm_name(Algorithm alg) {
  switch (alg) {
    case Algorithm::RS256: return "RS256";
    case Algorithm::PS256: return "PS256";
    case Algorithm::ES256: return "ES256";
  }
  return "?";
}

std::optional<Algorithm> parse_algorithm(std::string_view name) {
  if (name == "RS256") return Algorithm::RS256;
  if (name == "PS256") return Algorithm::PS256;
  if (name == "ES256") return Algorithm::ES256;
  return std::nullopt;
}

std::string_view verdict_code(Verdict verdict) {
  switch (verdict) {
    case Verdict::Verified: return "verified";
    case Verdict::LevelTooLow: return "level_too_low";
    case Verdict::Expired: return "expired";
    case Verdict::NotYetValid: return "not_yet_valid";
    case Verdict::TooOld: return "too_old";
    case Verdict::WrongIssuer: return "wrong_issuer";
    case Verdict::WrongAudience: return "wrong_audience";
    case Verdict::MissingAzp: return "missing_azp";
    case Verdict::WrongAzp: return "wrong_azp";
    case Verdict::BadNonce: return "bad_nonce";
    case Verdict::Replayed: return "replayed";
    case Verdict::SignatureInvalid: return "signature_invalid";
    case Verdict::AlgorithmNotAllowed: return "algorithm_not_allowed";
    case Verdict::UnknownKey: return "unknown_key";
    case Verdict::Malformed: return "malformed";
    case Verdict::Oversized: return "oversized";
    case Verdict::DifferentPerson: return "different_person";
    case Verdict::KeysUnavailable: return "keys_unavailable";
  }
  return "unknown";
}

std::vector<AcrLevel> default_acr_levels() {
  return {
      {"urn:vn:vneid:account:1", {1, 0}}, {"urn:vn:vneid:account:2", {2, 0}},
      {"urn:vn:vneid:auth:1", {1, 1}},    {"urn:vn:vneid:auth:2", {1, 2}},
      {"urn:vn:vneid:auth:3", {1, 3}},    {"urn:vn:vneid:auth:4", {2, 4}},
  };
}

std::optional<std::string> acr_for_level(std::span<const AcrLevel> levels, int account_level,
                                         int authentication_level) {
  for (const AcrLevel& l : levels)
    if (l.level == AssuranceLevel{account_level, authentication_level}) return l.acr;
  return std::nullopt;
}

std::optional<std::string> unverified_issuer(std::string_view token) {
  std::size_t count = 0;
  auto segments = split_compact(token, &count);
  Payload payload(kClaimNames);
  if (!segments || !decode_object(segments->payload, payload)) return std::nullopt;
  if (payload[kIss].kind != JsonValue::Kind::String) return std::nullopt;
  return payload[kIss].text;
}

struct Verifier::Impl {
  VerifierConfig config;
  Clock clock;

  std::mutex state_mutex;  // guards the fields below
  std::shared_ptr<const KeySet> keys;  // null until the first successful fetch
  std::optional<TimePoint> loaded_at;
  std::optional<TimePoint> last_paced_fetch;  // refetch for an unknown kid, or a retry after failure
  std::string last_error;
  std::uint64_t fetches = 0;
  std::uint64_t failed_fetches = 0;
  std::size_t skipped_keys = 0;

  std::mutex fetch_mutex;  // one fetch at a time; waiters reuse its result

  std::shared_ptr<const KeySet> snapshot() {
    std::lock_guard lock(state_mutex);
    return keys;
  }

  // Fetches and installs a key set. Caller holds fetch_mutex.
  bool fetch(TimePoint now, std::string* error) {
    std::string problem;
    std::shared_ptr<const KeySet> fresh;
    std::size_t skipped = 0;
    if (auto text = detail::fetch_jwks_text(config, &problem)) {
      if (auto parsed = detail::parse_jwks(*text, &problem)) {
        skipped = parsed->skipped;
        if (parsed->keys.empty()) problem = "JWKS holds no usable signing key";
        else fresh = std::make_shared<const KeySet>(KeySet{std::move(parsed->keys)});
      }
    }
    std::lock_guard lock(state_mutex);
    ++fetches;
    skipped_keys = skipped;
    if (!fresh) {
      ++failed_fetches;
      last_error = problem;
      if (error) *error = problem;
      return false;
    }
    keys = std::move(fresh);
    loaded_at = now;
    last_error.clear();
    return true;
  }

  bool paced_out(TimePoint now) const {  // caller holds state_mutex
    return last_paced_fetch && now - *last_paced_fetch < config.refetch_cooldown;
  }

  bool needs_load(TimePoint now) const {  // caller holds state_mutex
    if (!keys) return true;
    return config.key_cache_ttl.count() > 0 && loaded_at && now - *loaded_at >= config.key_cache_ttl;
  }

  // The key set to verify with: loads it on first use and when its TTL has passed. A failed
  // load is retried only after the cooldown, so tokens cannot drive a fetch storm; a stale
  // set stays in use meanwhile.
  std::shared_ptr<const KeySet> usable_keys(TimePoint now) {
    {
      std::lock_guard lock(state_mutex);
      if (!needs_load(now)) return keys;
    }
    std::lock_guard fetch_lock(fetch_mutex);
    bool reload = false;
    {
      std::lock_guard lock(state_mutex);
      if (!needs_load(now) || paced_out(now)) return keys;
      reload = keys != nullptr;
    }
    const bool ok = fetch(now, nullptr);
    std::lock_guard lock(state_mutex);
    // A failure or a TTL reload counts against the cooldown; the first load does not, so
    // a rotation right after start-up is still picked up by one refetch.
    if (!ok || reload) last_paced_fetch = now;
    return keys;
  }

  // Unknown kid: the issuer may have rotated. Refetch once, unless a paced fetch happened
  // within the cooldown. Returns the (possibly new) key set; *failed tells that a refetch
  // was tried and could not read the JWKS (then the kid may well exist).
  std::shared_ptr<const KeySet> refetch_for_kid(TimePoint now, const std::string& kid, bool* failed) {
    *failed = false;
    std::lock_guard fetch_lock(fetch_mutex);
    {
      std::lock_guard lock(state_mutex);
      // Another thread may have fetched the rotated set while we waited.
      if (keys && std::any_of(keys->keys.begin(), keys->keys.end(),
                              [&](const VerificationKey& k) { return k.kid == kid; }))
        return keys;
      if (paced_out(now)) return keys;
      last_paced_fetch = now;
    }
    *failed = !fetch(now, nullptr);
    return snapshot();
  }
};

Verifier::Verifier(VerifierConfig config, Clock clock) : impl_(std::make_unique<Impl>()) {
  auto bad = [](const std::string& what) { throw EidError("eid verifier configuration: " + what); };
  if (config.issuer.empty()) bad("issuer is empty");
  if (config.client_id.empty()) bad("client id (audience) is empty");
  if (config.allowed_algorithms.empty()) bad("no algorithm allowed");
  if (config.jwks_source.empty()) bad("JWKS source is empty");
  try {
    net::check_url(config.jwks_source, "jwks_source", true);
    net::check_proxy(config.proxy, "proxy");
  } catch (const std::invalid_argument& e) {
    bad(e.what());
  }
  if (config.clock_skew.count() < 0 || config.max_token_age.count() < 0 || config.refetch_cooldown.count() < 0 ||
      config.key_cache_ttl.count() < 0 || config.fetch_timeout.count() <= 0)
    bad("durations must not be negative");
  if (config.max_token_bytes == 0 || config.max_jwks_bytes == 0) bad("size limits must be positive");
  for (const AcrLevel& l : config.acr_levels) {
    if (l.acr.empty()) bad("an acr mapping has an empty acr");
    if (l.level.account < 0 || l.level.account > 2 || l.level.authentication < 0 || l.level.authentication > 4)
      bad("acr \"" + l.acr + "\" maps to a level outside account 0–2 / authentication 0–4");
  }
  impl_->config = std::move(config);
  impl_->clock = clock ? std::move(clock) : Clock([] { return std::chrono::system_clock::now(); });
}

Verifier::~Verifier() = default;

const VerifierConfig& Verifier::config() const { return impl_->config; }

bool Verifier::refresh_keys(std::string* error) {
  std::lock_guard fetch_lock(impl_->fetch_mutex);
  return impl_->fetch(impl_->clock(), error);
}

KeyCacheStats Verifier::key_stats() const {
  std::lock_guard lock(impl_->state_mutex);
  KeyCacheStats stats;
  stats.fetches = impl_->fetches;
  stats.failed_fetches = impl_->failed_fetches;
  stats.keys = impl_->keys ? impl_->keys->keys.size() : 0;
  stats.skipped_keys = impl_->skipped_keys;
  stats.last_error = impl_->last_error;
  return stats;
}

AssertionCheck Verifier::verify_for_party(std::string_view token, const ExpectedParty& party) const {
  if (!is_digits(party.personal_id, 12))
    return reject(Verdict::DifferentPerson, "the party has no 12-digit personal ID to bind the token to");
  TokenRequirements requirements;
  requirements.personal_id = party.personal_id;
  requirements.min_level = party.min_level;
  requirements.min_authentication_level = party.min_authentication_level;
  requirements.nonce = party.nonce;
  return verify(token, requirements);
}

AssertionCheck Verifier::verify(std::string_view token, const TokenRequirements& req) const {
  const VerifierConfig& cfg = impl_->config;
  // Before anything reads the bytes: parsing cost must not depend on an attacker's length.
  if (token.size() > cfg.max_token_bytes)
    return reject(Verdict::Oversized, "token is " + std::to_string(token.size()) + " bytes, limit " +
                                          std::to_string(cfg.max_token_bytes));

  // --- structure and header
  std::size_t segment_count = 0;
  auto segments = split_compact(token, &segment_count);
  if (!segments)
    return reject(Verdict::Malformed, "token has " + std::to_string(segment_count) +
                                          " segments; a signed compact JWS has 3");
  if (segments->header.empty() || segments->payload.empty())
    return reject(Verdict::Malformed, "token has an empty header or payload");
  Header header(kHeaderMembers);
  if (!decode_object(segments->header, header))
    return reject(Verdict::Malformed, "header is not a base64url-encoded JSON object");

  if (header[kAlg].kind != JsonValue::Kind::String) return reject(Verdict::Malformed, "header has no alg");
  const std::string& alg_name = header[kAlg].text;
  const auto alg = parse_algorithm(alg_name);
  if (!alg || std::find(cfg.allowed_algorithms.begin(), cfg.allowed_algorithms.end(), *alg) ==
                  cfg.allowed_algorithms.end())
    return reject(Verdict::AlgorithmNotAllowed, "algorithm " + printable(alg_name) + " is not allowed for this issuer");
  // RFC 7515 §4.1.11: extensions we do not understand must not be ignored.
  if (header[kCrit].present()) return reject(Verdict::Malformed, "header has critical extensions");
  if (header[kTyp].present()) {
    std::string t = header[kTyp].kind == JsonValue::Kind::String ? header[kTyp].text : std::string("?");
    std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
    if (t != "jwt" && t != "application/jwt")
      return reject(Verdict::Malformed, "header typ " + printable(t) + " is not an ID token");
  }
  std::optional<std::string> kid;
  if (header[kKid].present()) {
    if (header[kKid].kind != JsonValue::Kind::String) return reject(Verdict::Malformed, "header kid is not a string");
    kid = header[kKid].text;
  }
  auto signature = base64url_decode(segments->signature);
  if (!signature) return reject(Verdict::Malformed, "signature is not base64url");
  if (signature->empty()) return reject(Verdict::SignatureInvalid, "signature is missing");

  // --- key
  const TimePoint now_point = impl_->clock();
  const std::int64_t now = seconds_since_epoch(now_point);
  auto keys = impl_->usable_keys(now_point);
  if (!keys) return reject(Verdict::KeysUnavailable, "issuer keys unavailable: " + key_stats().last_error);

  const VerificationKey* key = nullptr;
  if (kid) {
    auto find = [&](const KeySet& set) -> const VerificationKey* {
      for (const auto& k : set.keys)
        if (k.kid == *kid) return &k;
      return nullptr;
    };
    key = find(*keys);
    bool refetch_failed = false;
    if (!key) {
      keys = impl_->refetch_for_kid(now_point, *kid, &refetch_failed);
      if (keys) key = find(*keys);
    }
    if (!key && refetch_failed)
      return reject(Verdict::KeysUnavailable, "unknown kid and the issuer keys could not be refetched: " +
                                                  key_stats().last_error);
    if (!key) return reject(Verdict::UnknownKey, "no issuer key has the token's kid");
    if (!detail::key_fits(*key, *alg))
      return reject(Verdict::SignatureInvalid, "the key named by kid is not a " + std::string(algorithm_name(*alg)) + " key");
  } else {
    // Without a kid only an unambiguous key may be used (OIDC Core §10.1).
    std::size_t fitting = 0;
    for (const auto& k : keys->keys)
      if (detail::key_fits(k, *alg)) {
        key = &k;
        ++fitting;
      }
    if (fitting == 0) return reject(Verdict::UnknownKey, "token has no kid and no issuer key fits its algorithm");
    if (fitting > 1) return reject(Verdict::UnknownKey, "token has no kid and the issuer has several keys");
  }

  // --- signature, before any claim is read
  if (!detail::verify_jws_signature(*key->verification, *alg, segments->signing_input, *signature))
    return reject(Verdict::SignatureInvalid, "signature does not verify with the issuer's key");

  // --- claims
  Payload p(kClaimNames);
  if (!decode_object(segments->payload, p))
    return reject(Verdict::Malformed, "payload is not a base64url-encoded JSON object");
  auto is_string = [&](Claim c) { return p[c].kind == JsonValue::Kind::String; };
  auto missing = [](Claim c) {
    return reject(Verdict::Malformed, "claim " + std::string(kClaimNames[c]) + " is missing or not of its type");
  };

  if (!is_string(kIss)) return missing(kIss);
  if (p[kIss].text != cfg.issuer) return reject(Verdict::WrongIssuer, "iss is not the configured issuer");

  // aud: one string or an array of strings.
  const JsonValue& aud = p[kAud];
  if (aud.kind != JsonValue::Kind::String && aud.kind != JsonValue::Kind::StringArray) return missing(kAud);
  const std::size_t audience_count = aud.kind == JsonValue::Kind::String ? 1 : aud.items.size();
  const bool ours = aud.kind == JsonValue::Kind::String
                        ? aud.text == cfg.client_id
                        : std::find(aud.items.begin(), aud.items.end(), cfg.client_id) != aud.items.end();
  if (!ours) return reject(Verdict::WrongAudience, "aud does not include our client id");
  if (audience_count > 1 && !p[kAzp].present()) return reject(Verdict::MissingAzp, "several audiences and no azp");
  if (p[kAzp].present() && (!is_string(kAzp) || p[kAzp].text != cfg.client_id))
    return reject(Verdict::WrongAzp, "azp is not our client id");

  const std::int64_t skew = cfg.clock_skew.count();
  const auto exp = numeric_date(p[kExp]);
  if (!exp) return missing(kExp);
  const auto iat = numeric_date(p[kIat]);
  if (!iat) return missing(kIat);
  if (now >= *exp + skew) return reject(Verdict::Expired, "token expired " + std::to_string(now - *exp) + " s ago");
  if (*iat > now + skew) return reject(Verdict::NotYetValid, "iat is " + std::to_string(*iat - now) + " s in the future");
  if (p[kNbf].present()) {
    const auto nbf = numeric_date(p[kNbf]);
    if (!nbf) return missing(kNbf);
    if (*nbf > now + skew) return reject(Verdict::NotYetValid, "nbf is " + std::to_string(*nbf - now) + " s in the future");
  }
  if (cfg.max_token_age.count() > 0 && now - *iat > cfg.max_token_age.count())
    return reject(Verdict::TooOld, "token issued " + std::to_string(now - *iat) + " s ago, limit " +
                                       std::to_string(cfg.max_token_age.count()) + " s");

  if (req.nonce) {
    if (!is_string(kNonce)) return reject(Verdict::BadNonce, "nonce expected and missing");
    const std::string& nonce = p[kNonce].text;
    if (nonce.size() != req.nonce->size() || CRYPTO_memcmp(nonce.data(), req.nonce->data(), nonce.size()) != 0)
      return reject(Verdict::BadNonce, "nonce does not match");
  }

  // --- VNeID identity claims
  if (!is_string(kSub) || p[kSub].text.empty()) return missing(kSub);
  if (!is_string(kSoDinhDanh) || !is_digits(p[kSoDinhDanh].text, 12)) return missing(kSoDinhDanh);
  if (!is_string(kHoVaTen) || p[kHoVaTen].text.empty()) return missing(kHoVaTen);
  const auto birth_date = is_string(kNgayThangNamSinh) ? parse_birth_date(p[kNgayThangNamSinh].text) : std::nullopt;
  if (!birth_date) return missing(kNgayThangNamSinh);
  std::string account_type;
  if (p[kLoaiTaiKhoan].kind == JsonValue::Kind::String) account_type = p[kLoaiTaiKhoan].text;
  else if (p[kLoaiTaiKhoan].kind == JsonValue::Kind::Integer) account_type = std::to_string(p[kLoaiTaiKhoan].integer);
  else if (p[kLoaiTaiKhoan].present()) return missing(kLoaiTaiKhoan);
  std::optional<std::int64_t> auth_time;
  if (p[kAuthTime].present()) {
    auth_time = numeric_date(p[kAuthTime]);
    if (!auth_time) return missing(kAuthTime);
  }

  // --- assurance level
  if (!is_string(kAcr)) return reject(Verdict::LevelTooLow, "token states no acr");
  const std::string& acr = p[kAcr].text;
  const auto mapped = std::find_if(cfg.acr_levels.begin(), cfg.acr_levels.end(),
                                   [&](const AcrLevel& l) { return l.acr == acr; });
  if (mapped == cfg.acr_levels.end()) return reject(Verdict::LevelTooLow, "acr is not in the configured level mapping");
  const AssuranceLevel level = mapped->level;
  if (level.account < req.min_level || level.authentication < req.min_authentication_level) {
    std::string wanted = "account level " + std::to_string(req.min_level);
    if (req.min_authentication_level > 0)
      wanted += ", authentication level " + std::to_string(req.min_authentication_level);
    return reject(Verdict::LevelTooLow, "token has " + level_text(level) + "; required " + wanted);
  }

  // --- binding to the party
  if (req.personal_id && *req.personal_id != p[kSoDinhDanh].text)
    return reject(Verdict::DifferentPerson, "the token's personal ID is not the party's");

  AssertionCheck check;
  check.verdict = Verdict::Verified;
  check.reason = "verified at " + level_text(level);
  VerifiedClaims& claims = check.claims.emplace();
  claims.personal_id = std::move(p.take(kSoDinhDanh));
  claims.full_name = std::move(p.take(kHoVaTen));
  claims.birth_date = *birth_date;
  claims.level = level;
  claims.acr = std::move(p.take(kAcr));
  claims.subject = std::move(p.take(kSub));
  claims.account_type = std::move(account_type);
  claims.auth_time = auth_time;
  claims.issued_at = *iat;
  claims.expires_at = *exp;
  claims.issuer = std::move(p.take(kIss));
  if (is_string(kJti)) claims.token_id = std::move(p.take(kJti));
  claims.key_id = key->kid;
  claims.algorithm = *alg;
  return check;
}


VerifierConfig verifier_config_from(const Config& c) {
  VerifierConfig vc;
  vc.issuer = c.eid.issuer;
  vc.client_id = c.eid.client_id;
  vc.jwks_source = c.eid.jwks;
  vc.ca_file = c.eid.ca_file;
  vc.proxy = c.eid.proxy;
  vc.allowed_algorithms.clear();
  for (const auto& a : c.eid.algorithms)
    if (auto alg = parse_algorithm(a)) vc.allowed_algorithms.push_back(*alg);
  vc.clock_skew = std::chrono::seconds(c.eid.clock_skew_s);
  vc.max_token_age = std::chrono::seconds(c.eid.max_token_age_s);
  vc.refetch_cooldown = std::chrono::seconds(c.eid.refetch_cooldown_s);
  return vc;
}

}  // namespace ecid::eid
