// A small strict JSON reader and writer for the register protocol (docs/register-protocol.md).
//
// Why not nlohmann::json here: a batch answer of 100 people is ~40 KB and the DOM build costs
// more than the register lookup itself; this cursor reads straight into the target structures
// with no intermediate tree (RFC 8259, UTF-8 checked, depth-limited, no duplicate-key tolerance
// is decided by the caller).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ecid::http {

// Appends `s` as a JSON string literal (quotes included). `s` must be UTF-8; control
// characters, '"' and '\\' are escaped, everything else is copied.
void append_json_string(std::string& out, std::string_view s);

class JsonReader {
 public:
  enum class Type { Object, Array, String, Number, Bool, Null, End, Invalid };

  explicit JsonReader(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  bool failed() const { return failed_; }
  const std::string& error() const { return error_; }
  // Marks the document as unusable with a reason (no personal data: callers pass fixed text).
  bool fail(std::string_view why);

  Type peek();
  // Objects: begin_object(), then while (next_key(key)) { read the value }; next_key returns
  // false at '}' (or on error: check failed()).
  bool begin_object();
  bool next_key(std::string& key);
  // Arrays: begin_array(), then while (next_element()) { read the value }.
  bool begin_array();
  bool next_element();

  bool read_string(std::string& out);
  bool read_null();
  bool read_bool(bool& out);
  bool read_int(int64_t& out);  // integers only, within int64
  bool skip_value();
  // True when only whitespace remains.
  bool at_end();

 private:
  void skip_ws();
  bool parse_string(std::string& out);
  bool skip_number();

  const char* p_;
  const char* end_;
  bool failed_ = false;
  std::string error_;
  int depth_ = 0;
  // Per open container: has it seen its first member yet?
  uint64_t first_bits_ = 0;
};

}  // namespace ecid::http
