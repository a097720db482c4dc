// Tokens already used (issue 21, item 6): a token copied from one filing into another must not
// verify again. Each token is bound to the first document it came with, until it expires; the
// same document may be checked again (a re-run is not a replay). Keys are SHA-256 digests: the
// cache holds no token, no name and no document reference in clear.
//
// Where it lives: `eid.replay_cache` (a SQLite file, shared by every process that opens it, 0640)
// or, when unset, this process's memory. Several hosts must share one cache (a file on one
// machine protects that machine's processes only); see docs/security.md.
#pragma once

#include <ecid/eid.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace ecid::eid {

class ReplayCache {
 public:
  virtual ~ReplayCache() = default;
  // Records that the token `token_key` came with document `document_key`, remembered until
  // `expires_at` (seconds since the epoch). True when this is its first use or a repeat with the
  // same document; false when another document used it first and it has not expired.
  virtual bool bind(const std::string& token_key, const std::string& document_key, std::int64_t expires_at,
                    std::int64_t now) = 0;
};

// A SQLite cache at `file` (created if absent), or a memory one when `file` is empty. Throws
// std::runtime_error when the file cannot be opened.
std::unique_ptr<ReplayCache> open_replay_cache(const std::filesystem::path& file);

// The cache key of a verified token: its issuer and jti, or, without a jti, its signature.
std::string replay_token_key(const VerifiedClaims& claims, std::string_view token);
// The cache key of a document reference.
std::string replay_document_key(std::string_view document_ref);

}  // namespace ecid::eid
