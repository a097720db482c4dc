// Reads the top level of a JSON object into a fixed set of named slots through nlohmann's
// SAX interface: no DOM, no map, nothing kept of members nobody asked for. JWS headers and
// ID-token payloads are flat objects whose few members we know by name.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ecid::eid::detail {

struct JsonValue {
  enum class Kind { Absent, String, Integer, Float, StringArray, Other };
  Kind kind = Kind::Absent;
  std::string text;                // String
  std::int64_t integer = 0;        // Integer (unsigned values above INT64_MAX are Other)
  double real = 0;                 // Float
  std::vector<std::string> items;  // StringArray
  bool present() const { return kind != Kind::Absent; }
};

template <std::size_t N>
class FlatObject {
 public:
  explicit FlatObject(const std::array<std::string_view, N>& names) : names_(names) {}

  // False if `text` is not one JSON object (or nesting is deeper than sensible).
  bool parse(std::string_view text) {
    Reader reader{*this};
    return nlohmann::json::sax_parse(text.begin(), text.end(), &reader) && reader.done;
  }
  const JsonValue& operator[](std::size_t i) const { return values_[i]; }
  // The text of a String slot, to be moved out.
  std::string& take(std::size_t i) { return values_[i].text; }

 private:
  static constexpr std::size_t kNone = N;
  static constexpr int kMaxDepth = 64;

  struct Reader {
    using json = nlohmann::json;
    FlatObject& out;
    int depth = 0;
    std::size_t slot = kNone;  // member being read at depth 1
    bool in_slot_array = false;
    bool done = false;

    JsonValue* target() {
      if (depth != 1 || slot == kNone) return nullptr;
      return &out.values_[slot];
    }
    bool scalar(auto&& assign) {
      if (depth == 0) return false;  // the root must be an object
      if (JsonValue* v = target()) {
        *v = JsonValue{};
        assign(*v);
      } else if (depth == 2 && in_slot_array) {
        JsonValue& v = out.values_[slot];
        v.kind = JsonValue::Kind::Other;  // a non-string item
      }
      return true;
    }
    bool null() { return scalar([](JsonValue& v) { v.kind = JsonValue::Kind::Other; }); }
    bool boolean(bool) { return null(); }
    bool number_integer(json::number_integer_t n) {
      return scalar([&](JsonValue& v) {
        v.kind = JsonValue::Kind::Integer;
        v.integer = n;
      });
    }
    bool number_unsigned(json::number_unsigned_t n) {
      if (n > static_cast<json::number_unsigned_t>(INT64_MAX)) return null();
      return number_integer(static_cast<json::number_integer_t>(n));
    }
    bool number_float(json::number_float_t n, const json::string_t&) {
      return scalar([&](JsonValue& v) {
        v.kind = JsonValue::Kind::Float;
        v.real = n;
      });
    }
    bool string(json::string_t& s) {
      if (depth == 2 && in_slot_array) {
        JsonValue& v = out.values_[slot];
        if (v.kind == JsonValue::Kind::StringArray) v.items.push_back(std::move(s));
        return true;
      }
      return scalar([&](JsonValue& v) {
        v.kind = JsonValue::Kind::String;
        v.text = std::move(s);
      });
    }
    bool binary(json::binary_t&) { return false; }
    bool start_object(std::size_t) { return open(false); }
    bool start_array(std::size_t) {
      if (depth == 0) return false;
      return open(true);
    }
    bool open(bool array) {
      if (JsonValue* v = target()) {
        *v = JsonValue{};
        v->kind = array ? JsonValue::Kind::StringArray : JsonValue::Kind::Other;
        in_slot_array = array;
      } else if (depth == 2 && in_slot_array) {
        out.values_[slot].kind = JsonValue::Kind::Other;  // nested inside the array
      }
      return ++depth <= kMaxDepth;
    }
    bool close() {
      --depth;
      if (depth == 1) in_slot_array = false;
      if (depth == 0) done = true;
      return true;
    }
    bool end_object() { return close(); }
    bool end_array() { return close(); }
    bool key(json::string_t& k) {
      if (depth != 1) return true;
      slot = kNone;
      for (std::size_t i = 0; i < N; ++i)
        if (out.names_[i] == k) slot = i;
      return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) { return false; }
  };

  const std::array<std::string_view, N>& names_;
  std::array<JsonValue, N> values_{};
};

}  // namespace ecid::eid::detail
