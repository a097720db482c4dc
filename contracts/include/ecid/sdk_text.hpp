// ecid adapter SDK: the small text helpers every adapter needs, header-only.
//
// Plain C++17 with no host code and no contract types, so an adapter (in-tree or built against
// the installed SDK) uses these instead of carrying its own copy.
#ifndef ECID_SDK_TEXT_HPP
#define ECID_SDK_TEXT_HPP

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecid::sdk {

// Strict UTF-8: no overlong forms, no surrogates, nothing beyond U+10FFFF. Documents are
// checked with it before any of their text reaches a claim or a message.
inline bool is_valid_utf8(std::string_view s) noexcept {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;  // continuation byte in lead position, overlong lead C0/C1, or > F4
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;  // overlong form, beyond Unicode, or a surrogate
    i += len;
  }
  return true;
}

// XML white space. ASCII only: no locale, unlike std::isspace / std::isdigit.
inline bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
inline bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

inline std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// `s` without its white space: an identifier printed in groups ("001 085 000 101"), a token a
// pretty-printer wrapped.
inline std::string without_spaces(std::string_view s) {
  std::string out;
  for (char c : s)
    if (!is_space(c)) out += c;
  return out;
}

// True for one or more ASCII digits; false for the empty string.
inline bool all_digits(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

// The longest prefix of valid UTF-8 `s` that fits in `max` bytes, cut between characters.
inline std::string utf8_prefix(std::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return std::string(s.substr(0, cut));
}

// Document text quoted in a message: bounded, and never bytes that are not UTF-8.
inline std::string quoted(std::string_view s, size_t max = 64) {
  return is_valid_utf8(s) ? utf8_prefix(s, max) : std::string("(not UTF-8)");
}

// The pieces of a message joined. It only appends: GCC 12 warns, wrongly, with -Wrestrict on an
// inlined `"text" + std::string(...)` at -O2/-O3, which would break an adapter built with -Werror.
template <class... Pieces>
std::string cat(const Pieces&... pieces) {
  std::string out;
  (out.append(std::string_view(pieces)), ...);
  return out;
}

// A bound as messages state it: "4 MiB", "16 KiB", "256 bytes".
inline std::string byte_size(size_t n) {
  if (n >= (size_t{1} << 20) && n % (size_t{1} << 20) == 0) return cat(std::to_string(n >> 20), " MiB");
  if (n >= 1024 && n % 1024 == 0) return cat(std::to_string(n >> 10), " KiB");
  return cat(std::to_string(n), " bytes");
}

// `s`, or `fallback` when `s` is empty (e.g. an answer's detail the host left out).
inline std::string_view with_default(std::string_view s, std::string_view fallback) noexcept {
  return s.empty() ? fallback : s;
}

// Joins "a", "b", "c" as "a, b and c".
inline std::string join_and(const std::vector<std::string_view>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += (i + 1 == parts.size()) ? " and " : ", ";
    out += parts[i];
  }
  return out;
}

// Sex as sector documents write it, as the register holds it: 'M' or 'F'. Accepts M/F and the
// Vietnamese Nam/Nữ in lower, title and upper case, NFC or NFD; anything else is not a sex.
inline std::optional<char> parse_sex(std::string_view s) noexcept {
  static constexpr std::string_view kMale[] = {"M", "m", "Nam", "nam", "NAM"};
  static constexpr std::string_view kFemale[] = {
      "F", "f",
      "N\xE1\xBB\xAF", "n\xE1\xBB\xAF", "N\xE1\xBB\xAE",                 // Nữ nữ NỮ (NFC)
      "Nu\xCC\x9B\xCC\x83", "nu\xCC\x9B\xCC\x83", "NU\xCC\x9B\xCC\x83"};  // the same, NFD
  for (std::string_view m : kMale)
    if (s == m) return 'M';
  for (std::string_view f : kFemale)
    if (s == f) return 'F';
  return std::nullopt;
}

}  // namespace ecid::sdk

#endif  // ECID_SDK_TEXT_HPP
