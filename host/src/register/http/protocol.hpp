// The wire format of ecid's register protocol, version 1 (docs/register-protocol.md): what the
// HTTP backend writes and the mock register reads, and back. One place for both sides so they
// cannot drift apart.
#pragma once

#include "json.hpp"

#include <ecid/register.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace ecid::http {

inline constexpr std::string_view kProtocolVersion = "ecid-register/1";
inline constexpr std::string_view kLookupPath = "/v1/lookup";
inline constexpr std::string_view kBatchPath = "/v1/lookup/batch";
inline constexpr std::string_view kHealthPath = "/v1/health";
inline constexpr std::string_view kTokenPath = "/oauth2/token";
// Most queries in one batch request; a register may accept more, never fewer.
inline constexpr size_t kMaxBatchQueries = 1000;

// Wire names of the per-query statuses a register may send.
std::string_view status_wire_name(uint32_t status);  // "" for statuses a register never sends
std::optional<uint32_t> status_from_wire(std::string_view name);

// The field id of a wire field name (the names of fields.hpp), by hash: it runs for every
// member of every record on both sides.
std::optional<uint32_t> field_from_wire(std::string_view name);

// A protocol token (kind, field or error code name): lower-case letters, digits, '_' and '.',
// 1..64 characters. Only such tokens are ever echoed back in messages.
bool is_wire_token(std::string_view s);

// Client side: one query object, {"id":..,"kind":..,...}. With `shared` true the fields,
// purpose and document reference are left out: the batch's "defaults" carry them.
void append_query(std::string& out, std::string_view id, const LookupRequest& request, bool shared = false);
// Client side: the batch's "defaults" object (fields, purpose, document_ref of `request`).
void append_defaults(std::string& out, const LookupRequest& request);

// Which of the members a batch may default were present in a query.
struct QueryPresence {
  bool fields = false, purpose = false, document_ref = false;
};

// Server side: reads one query object. `kind_name` keeps the sent kind even when it is not
// one ecid knows (request.kind is then 0). False with `why` (no personal data) when the query
// breaks the protocol. With `presence` (batch queries) a missing `fields` or `purpose` is not
// an error yet: the caller applies the defaults, then check_query_complete().
bool read_query(JsonReader& in, std::string& id, std::string& kind_name, LookupRequest& request,
                std::string& why, QueryPresence* presence = nullptr);
// Server side: reads a batch's "defaults" object into `defaults` (fields, purpose, document_ref).
bool read_defaults(JsonReader& in, LookupRequest& defaults, QueryPresence& present, std::string& why);
// After defaults: does the query have everything a query needs?
bool check_query_complete(const QueryPresence& presence, const LookupRequest& request, std::string& why);

// Server side: one answer object for a query that asked for `fields`.
void append_answer(std::string& out, std::string_view id, const LookupResult& result,
                   const FieldSet& fields);

// {"protocol":..,"error":{"code":..,"message":..,"retryable":..}}
std::string error_body(std::string_view code, std::string_view message, bool retryable);

}  // namespace ecid::http
