#include "protocol.hpp"

#include <ecid/fields.hpp>

#include <array>
#include <unordered_map>

namespace ecid::http {

std::string_view status_wire_name(uint32_t status) {
  switch (status) {
    case ECID_ANSWER_FOUND: return "found";
    case ECID_ANSWER_NOT_FOUND: return "not_found";
    case ECID_ANSWER_INVALID_KEY: return "invalid_key";
    case ECID_ANSWER_UNAVAILABLE: return "unavailable";
    default: return "";
  }
}

std::optional<uint32_t> status_from_wire(std::string_view name) {
  if (name == "found") return ECID_ANSWER_FOUND;
  if (name == "not_found") return ECID_ANSWER_NOT_FOUND;
  if (name == "invalid_key") return ECID_ANSWER_INVALID_KEY;
  if (name == "unavailable") return ECID_ANSWER_UNAVAILABLE;
  return std::nullopt;
}

std::optional<uint32_t> field_from_wire(std::string_view name) {
  static const std::unordered_map<std::string_view, uint32_t> by_name = [] {
    std::unordered_map<std::string_view, uint32_t> m;
    for (const FieldInfo& f : all_fields()) m.emplace(f.name, f.id);
    return m;
  }();
  auto it = by_name.find(name);
  if (it == by_name.end()) return std::nullopt;
  return it->second;
}

namespace {
// field_name() by index: field ids are < 128.
std::string_view wire_name(uint32_t field) {
  static const std::array<std::string_view, 128> names = [] {
    std::array<std::string_view, 128> a{};
    for (uint32_t f = 0; f < 128; ++f) a[f] = field_name(f);
    return a;
  }();
  return field < 128 ? names[field] : field_name(field);
}
}  // namespace

bool is_wire_token(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.')) return false;
  return true;
}

namespace {

void append_fields(std::string& out, const FieldSet& fields) {
  out += "\"fields\":[";
  bool first = true;
  for (uint32_t f = 0; f < 128; ++f) {
    if (!fields.has(f)) continue;
    if (!first) out.push_back(',');
    first = false;
    out.push_back('"');
    out += wire_name(f);  // field names are plain ASCII tokens: no escaping needed
    out.push_back('"');
  }
  out.push_back(']');
}

void append_purpose_and_ref(std::string& out, const LookupRequest& request) {
  out += ",\"purpose\":";
  append_json_string(out, request.purpose);
  out += ",\"document_ref\":";
  append_json_string(out, request.document_ref);
}

bool read_fields(JsonReader& in, FieldSet& fields, std::string& why) {
  std::string value;
  if (!in.begin_array()) return (why = "'fields' must be an array of field names"), false;
  while (in.next_element()) {
    if (!in.read_string(value)) return (why = "'fields' must be an array of field names"), false;
    auto field = field_from_wire(value);
    if (!field) return (why = is_wire_token(value) ? "unknown field '" + value + "'" : "unknown field"), false;
    fields.add(*field);
  }
  return !in.failed();
}

}  // namespace

void append_query(std::string& out, std::string_view id, const LookupRequest& request, bool shared) {
  out += "{\"id\":";
  append_json_string(out, id);
  out += ",\"kind\":";
  append_json_string(out, query_kind_name(request.kind));
  if (!request.key.empty() || request.kind != ECID_Q_PERSON_CANDIDATES) {
    out += ",\"key\":";
    append_json_string(out, request.key);
  }
  if (!request.claims.empty()) {
    out += ",\"claims\":{";
    bool first = true;
    for (const Claim& c : request.claims) {
      if (!first) out.push_back(',');
      first = false;
      append_json_string(out, wire_name(c.field));
      out.push_back(':');
      append_json_string(out, c.value);
    }
    out.push_back('}');
  }
  if (!shared) {
    out.push_back(',');
    append_fields(out, request.fields);
    append_purpose_and_ref(out, request);
  }
  out.push_back('}');
}

void append_defaults(std::string& out, const LookupRequest& request) {
  out += "{";
  append_fields(out, request.fields);
  append_purpose_and_ref(out, request);
  out += "}";
}

bool read_query(JsonReader& in, std::string& id, std::string& kind_name, LookupRequest& request,
                std::string& why, QueryPresence* presence) {
  request = LookupRequest{};
  id.clear();
  kind_name.clear();
  bool have_id = false, have_kind = false;
  QueryPresence present;
  std::string key;
  if (!in.begin_object()) return (why = "a query must be an object"), false;
  while (in.next_key(key)) {
    if (key == "id") {
      if (!in.read_string(id)) return (why = "'id' must be a string"), false;
      have_id = true;
    } else if (key == "kind") {
      if (!in.read_string(kind_name)) return (why = "'kind' must be a string"), false;
      if (!is_wire_token(kind_name)) return (why = "'kind' is not a query kind name"), false;
      request.kind = query_kind_by_name(kind_name).value_or(0);
      have_kind = true;
    } else if (key == "key") {
      if (!in.read_string(request.key)) return (why = "'key' must be a string"), false;
    } else if (key == "claims") {
      if (!in.begin_object()) return (why = "'claims' must be an object"), false;
      std::string name;
      while (in.next_key(name)) {
        auto field = field_from_wire(name);
        if (!field) return (why = is_wire_token(name) ? "unknown claim field '" + name + "'" : "unknown claim field"), false;
        Claim c;
        c.field = *field;
        if (!in.read_string(c.value)) return (why = "a claim value must be a string"), false;
        request.claims.push_back(std::move(c));
      }
    } else if (key == "fields") {
      if (!read_fields(in, request.fields, why)) return false;
      present.fields = true;
    } else if (key == "purpose") {
      if (!in.read_string(request.purpose)) return (why = "'purpose' must be a string"), false;
      present.purpose = true;
    } else if (key == "document_ref") {
      if (!in.read_string(request.document_ref)) return (why = "'document_ref' must be a string"), false;
      present.document_ref = true;
    } else {
      // Unknown members are ignored: later 1.x clients may add optional ones.
      if (!in.skip_value()) break;
    }
  }
  if (in.failed()) return (why = "malformed JSON: " + in.error()), false;
  if (!have_id) return (why = "a query needs an 'id'"), false;
  if (!have_kind) return (why = "a query needs a 'kind'"), false;
  if (presence != nullptr) {
    *presence = present;
    return true;
  }
  return check_query_complete(present, request, why);
}

bool read_defaults(JsonReader& in, LookupRequest& defaults, QueryPresence& present, std::string& why) {
  std::string key;
  if (!in.begin_object()) return (why = "'defaults' must be an object"), false;
  while (in.next_key(key)) {
    if (key == "fields") {
      if (!read_fields(in, defaults.fields, why)) return false;
      present.fields = true;
    } else if (key == "purpose") {
      if (!in.read_string(defaults.purpose)) return (why = "'purpose' must be a string"), false;
      present.purpose = true;
    } else if (key == "document_ref") {
      if (!in.read_string(defaults.document_ref)) return (why = "'document_ref' must be a string"), false;
      present.document_ref = true;
    } else if (!in.skip_value()) {
      break;
    }
  }
  if (in.failed()) return (why = "malformed JSON: " + in.error()), false;
  return true;
}

bool check_query_complete(const QueryPresence& presence, const LookupRequest& request, std::string& why) {
  if (!presence.fields) return (why = "a query needs 'fields' (data minimisation: name what you need)"), false;
  if (!presence.purpose || request.purpose.empty()) return (why = "a query needs a non-empty 'purpose'"), false;
  return true;
}

void append_answer(std::string& out, std::string_view id, const LookupResult& result,
                   const FieldSet& fields) {
  out += "{\"id\":";
  append_json_string(out, id);
  std::string_view status = status_wire_name(result.status);
  if (status.empty()) status = "unavailable";
  out += ",\"status\":\"";
  out += status;
  out.push_back('"');
  if (!result.detail.empty()) {
    out += ",\"detail\":";
    append_json_string(out, result.detail);
  }
  out += ",\"records\":[";
  if (result.status == ECID_ANSWER_FOUND) {
    bool first_record = true;
    for (const RegisterRecord& record : result.records) {
      if (!first_record) out.push_back(',');
      first_record = false;
      out.push_back('{');
      bool first = true;
      FieldSet written;
      // The backend's order first, so a client rebuilds the record exactly as the embedded
      // register gives it; then every requested field it does not hold, as null.
      for (const auto& [field, value] : record.values) {
        if (!fields.has(field) || written.has(field)) continue;  // never disclose more than asked
        written.add(field);
        if (!first) out.push_back(',');
        first = false;
        out.push_back('"');
        out += wire_name(field);
        out += "\":";
        append_json_string(out, value);
      }
      if (written == fields) {
        out.push_back('}');
        continue;
      }
      for (uint32_t field = 0; field < 128; ++field) {
        if (!fields.has(field) || written.has(field)) continue;
        if (!first) out.push_back(',');
        first = false;
        out.push_back('"');
        out += wire_name(field);
        out += "\":null";
      }
      out.push_back('}');
    }
  }
  out += "]}";
}

std::string error_body(std::string_view code, std::string_view message, bool retryable) {
  std::string out = "{\"protocol\":";
  append_json_string(out, kProtocolVersion);
  out += ",\"error\":{\"code\":";
  append_json_string(out, code);
  out += ",\"message\":";
  append_json_string(out, message);
  out += retryable ? ",\"retryable\":true}}" : ",\"retryable\":false}}";
  return out;
}

}  // namespace ecid::http
