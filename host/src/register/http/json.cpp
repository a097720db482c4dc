#include "json.hpp"

#include <cstring>
#include <limits>

namespace ecid::http {

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t run = 0;  // start of the pending run of bytes that need no escape
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

namespace {
constexpr int kMaxDepth = 64;

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Length of the valid UTF-8 sequence starting at p (0 if invalid): rejects overlongs,
// surrogates and code points above U+10FFFF.
size_t utf8_sequence(const unsigned char* p, const unsigned char* end) {
  unsigned char c = p[0];
  size_t n;
  uint32_t min, cp;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) { n = 2; min = 0x80; cp = c & 0x1F; }
  else if ((c & 0xF0) == 0xE0) { n = 3; min = 0x800; cp = c & 0x0F; }
  else if ((c & 0xF8) == 0xF0) { n = 4; min = 0x10000; cp = c & 0x07; }
  else return 0;
  if (static_cast<size_t>(end - p) < n) return 0;
  for (size_t i = 1; i < n; ++i) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

bool JsonReader::fail(std::string_view why) {
  if (!failed_) {
    failed_ = true;
    error_ = std::string(why);
  }
  p_ = end_;
  return false;
}

void JsonReader::skip_ws() {
  while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
}

JsonReader::Type JsonReader::peek() {
  if (failed_) return Type::Invalid;
  skip_ws();
  if (p_ == end_) return Type::End;
  switch (*p_) {
    case '{': return Type::Object;
    case '[': return Type::Array;
    case '"': return Type::String;
    case 't': case 'f': return Type::Bool;
    case 'n': return Type::Null;
    default:
      if (*p_ == '-' || (*p_ >= '0' && *p_ <= '9')) return Type::Number;
      return Type::Invalid;
  }
}

bool JsonReader::begin_object() {
  if (peek() != Type::Object) return fail("expected an object");
  if (++depth_ > kMaxDepth) return fail("nested too deeply");
  ++p_;
  first_bits_ = (first_bits_ << 1) | 1;
  return true;
}

bool JsonReader::begin_array() {
  if (peek() != Type::Array) return fail("expected an array");
  if (++depth_ > kMaxDepth) return fail("nested too deeply");
  ++p_;
  first_bits_ = (first_bits_ << 1) | 1;
  return true;
}

bool JsonReader::next_key(std::string& key) {
  if (failed_) return false;
  skip_ws();
  if (p_ == end_) return fail("unterminated object");
  bool first = first_bits_ & 1;
  if (*p_ == '}') {
    ++p_;
    --depth_;
    first_bits_ >>= 1;
    return false;
  }
  if (!first) {
    if (*p_ != ',') return fail("expected ',' or '}' in an object");
    ++p_;
    skip_ws();
  }
  first_bits_ &= ~uint64_t{1};
  if (p_ == end_ || *p_ != '"') return fail("expected a member name");
  if (!parse_string(key)) return false;
  skip_ws();
  if (p_ == end_ || *p_ != ':') return fail("expected ':' after a member name");
  ++p_;
  return true;
}

bool JsonReader::next_element() {
  if (failed_) return false;
  skip_ws();
  if (p_ == end_) return fail("unterminated array");
  bool first = first_bits_ & 1;
  if (*p_ == ']') {
    ++p_;
    --depth_;
    first_bits_ >>= 1;
    return false;
  }
  if (!first) {
    if (*p_ != ',') return fail("expected ',' or ']' in an array");
    ++p_;
  }
  first_bits_ &= ~uint64_t{1};
  return true;
}

bool JsonReader::read_string(std::string& out) {
  if (peek() != Type::String) return fail("expected a string");
  return parse_string(out);
}

bool JsonReader::parse_string(std::string& out) {
  out.clear();
  ++p_;  // opening quote
  const char* run = p_;
  while (true) {
    if (p_ == end_) return fail("unterminated string");
    unsigned char c = static_cast<unsigned char>(*p_);
    if (c == '"') {
      out.append(run, p_);
      ++p_;
      return true;
    }
    if (c < 0x20) return fail("control character in a string");
    if (c >= 0x80) {
      size_t n = utf8_sequence(reinterpret_cast<const unsigned char*>(p_),
                               reinterpret_cast<const unsigned char*>(end_));
      if (n == 0) return fail("invalid UTF-8 in a string");
      p_ += n;
      continue;
    }
    if (c != '\\') {
      ++p_;
      continue;
    }
    out.append(run, p_);
    if (end_ - p_ < 2) return fail("unterminated escape");
    char e = p_[1];
    p_ += 2;
    switch (e) {
      case '"': out.push_back('"'); break;
      case '\\': out.push_back('\\'); break;
      case '/': out.push_back('/'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'u': {
        auto read4 = [&](uint32_t& v) {
          if (end_ - p_ < 4) return false;
          v = 0;
          for (int i = 0; i < 4; ++i) {
            int h = hex_value(p_[i]);
            if (h < 0) return false;
            v = (v << 4) | static_cast<uint32_t>(h);
          }
          p_ += 4;
          return true;
        };
        uint32_t cp;
        if (!read4(cp)) return fail("bad \\u escape");
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          uint32_t low;
          if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return fail("unpaired surrogate");
          p_ += 2;
          if (!read4(low) || low < 0xDC00 || low > 0xDFFF) return fail("unpaired surrogate");
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          return fail("unpaired surrogate");
        }
        append_utf8(out, cp);
        break;
      }
      default:
        return fail("bad escape in a string");
    }
    run = p_;
  }
}

bool JsonReader::read_null() {
  if (peek() != Type::Null) return fail("expected null");
  if (end_ - p_ < 4 || std::memcmp(p_, "null", 4) != 0) return fail("bad literal");
  p_ += 4;
  return true;
}

bool JsonReader::read_bool(bool& out) {
  if (peek() != Type::Bool) return fail("expected true or false");
  if (end_ - p_ >= 4 && std::memcmp(p_, "true", 4) == 0) {
    out = true;
    p_ += 4;
    return true;
  }
  if (end_ - p_ >= 5 && std::memcmp(p_, "false", 5) == 0) {
    out = false;
    p_ += 5;
    return true;
  }
  return fail("bad literal");
}

bool JsonReader::skip_number() {
  const char* s = p_;
  if (p_ < end_ && *p_ == '-') ++p_;
  if (p_ == end_) return fail("bad number");
  if (*p_ == '0') {
    ++p_;
  } else if (*p_ >= '1' && *p_ <= '9') {
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
  } else {
    return fail("bad number");
  }
  if (p_ < end_ && *p_ == '.') {
    ++p_;
    if (p_ == end_ || *p_ < '0' || *p_ > '9') return fail("bad number");
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
  }
  if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
    ++p_;
    if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
    if (p_ == end_ || *p_ < '0' || *p_ > '9') return fail("bad number");
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
  }
  return p_ > s;
}

bool JsonReader::read_int(int64_t& out) {
  if (peek() != Type::Number) return fail("expected a number");
  const char* s = p_;
  if (!skip_number()) return false;
  bool negative = *s == '-';
  const char* d = negative ? s + 1 : s;
  uint64_t v = 0;
  for (; d < p_; ++d) {
    if (*d < '0' || *d > '9') return fail("expected an integer");
    if (v > (uint64_t{std::numeric_limits<int64_t>::max()} - static_cast<uint64_t>(*d - '0')) / 10)
      return fail("integer out of range");
    v = v * 10 + static_cast<uint64_t>(*d - '0');
  }
  out = negative ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
  return true;
}

bool JsonReader::skip_value() {
  std::string scratch;
  switch (peek()) {
    case Type::Object:
      begin_object();
      while (next_key(scratch)) if (!skip_value()) return false;
      return !failed_;
    case Type::Array:
      begin_array();
      while (next_element()) if (!skip_value()) return false;
      return !failed_;
    case Type::String: return read_string(scratch);
    case Type::Number: return skip_number();
    case Type::Bool: { bool b; return read_bool(b); }
    case Type::Null: return read_null();
    case Type::End: return fail("unexpected end of the document");
    default: return fail("unexpected character");
  }
}

bool JsonReader::at_end() {
  if (failed_) return false;
  skip_ws();
  return p_ == end_;
}

}  // namespace ecid::http
