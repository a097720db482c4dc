// OAuth2 client credentials (RFC 6749 §4.4) for the register client: a cached bearer token,
// refreshed before it expires and renewed when the register refuses it. Thread-safe; the token
// is never logged.
#pragma once

#include "exchange.hpp"

#include <ecid/config.hpp>

#include <curl/curl.h>

#include <mutex>
#include <string>

namespace ecid::http {

class TokenSource {
 public:
  struct Token {
    bool ok = false;
    std::string value;  // never logged
    std::string error;
    // The endpoint was unreachable, slow or broken (not a refusal of the credentials): an
    // outage of the register's front door, which counts toward the circuit breaker.
    bool endpoint_failed = false;
  };

  // `config` must outlive the source.
  TokenSource(const HttpRegisterConfig& config, std::string url) : cfg_(config), url_(std::move(url)) {}
  ~TokenSource();
  TokenSource(const TokenSource&) = delete;
  TokenSource& operator=(const TokenSource&) = delete;

  // A valid token, fetched when none is cached, when the cached one is near expiry, or when
  // it equals `rejected` (the register answered 401 to it).
  Token get(Clock::time_point deadline, const std::string& rejected = {});

 private:
  Token fetch(Clock::time_point deadline);
  bool parse_token(const std::string& body, std::string& why);

  const HttpRegisterConfig& cfg_;
  const std::string url_;
  std::mutex mutex_;
  CURL* easy_ = nullptr;
  std::string token_;
  Clock::time_point refresh_at_{}, expires_at_{};
};

}  // namespace ecid::http
