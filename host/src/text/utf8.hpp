// UTF-8 decoding and encoding shared by the text module (private).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace ecid::text::detail {

inline constexpr char32_t kReplacement = 0xFFFD;

// Decodes one well-formed code point at `p` into `cp` and advances past it. On a byte that
// does not start a well-formed sequence (stray continuation, overlong form, surrogate,
// > U+10FFFF, truncated) returns false and advances by exactly one byte.
inline bool try_next_code_point(const unsigned char*& p, const unsigned char* end, char32_t& cp) {
  const unsigned char b0 = *p;
  if (b0 < 0x80) {
    ++p;
    cp = b0;
    return true;
  }
  const std::ptrdiff_t left = end - p;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    if (left >= 2 && (p[1] & 0xC0) == 0x80) {
      cp = (char32_t(b0 & 0x1F) << 6) | (p[1] & 0x3F);
      p += 2;
      return true;
    }
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (left >= 3 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
      const char32_t v = (char32_t(b0 & 0x0F) << 12) | (char32_t(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
      if (v >= 0x800 && (v < 0xD800 || v > 0xDFFF)) {
        cp = v;
        p += 3;
        return true;
      }
    }
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (left >= 4 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 && (p[3] & 0xC0) == 0x80) {
      const char32_t v = (char32_t(b0 & 0x07) << 18) | (char32_t(p[1] & 0x3F) << 12) |
                         (char32_t(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
      if (v >= 0x10000 && v <= 0x10FFFF) {
        cp = v;
        p += 4;
        return true;
      }
    }
  }
  ++p;
  return false;
}

// As above, but an ill-formed byte decodes to U+FFFD, so every input has one defined decoding.
inline char32_t next_code_point(const unsigned char*& p, const unsigned char* end) {
  char32_t cp;
  return try_next_code_point(p, end, cp) ? cp : kReplacement;
}

inline void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(char(cp));
  } else if (cp < 0x800) {
    out.push_back(char(0xC0 | (cp >> 6)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(char(0xE0 | (cp >> 12)));
    out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(char(0xF0 | (cp >> 18)));
    out.push_back(char(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  }
}

inline std::size_t utf8_length(char32_t cp) {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

// UTF-8 of code points, sized once (per-byte push_back showed in profiles).
template <class CodePoints>
std::string to_utf8_string(const CodePoints& cps) {
  std::size_t length = 0;
  for (char32_t cp : cps) length += utf8_length(cp);
  std::string out(length, '\0');
  char* w = out.data();
  for (char32_t cp : cps) {
    if (cp < 0x80) {
      *w++ = static_cast<char>(cp);
    } else if (cp < 0x800) {
      *w++ = static_cast<char>(0xC0 | (cp >> 6));
      *w++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      *w++ = static_cast<char>(0xE0 | (cp >> 12));
      *w++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *w++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      *w++ = static_cast<char>(0xF0 | (cp >> 18));
      *w++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      *w++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *w++ = static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  return out;
}

}  // namespace ecid::text::detail

namespace ecid::text::detail {

// Code points of one field. The capacity is set up front (a field of n bytes has at most n
// code points), so appending is a store: names fit the inline part, long text goes to the heap.
class CodePointBuffer {
 public:
  void reset(std::size_t capacity) {
    if (capacity > kInline) {
      if (capacity > heap_capacity_) {
        heap_ = std::make_unique<char32_t[]>(capacity);
        heap_capacity_ = capacity;
      }
      data_ = heap_.get();
    } else {
      data_ = inline_;
    }
    size_ = 0;
  }
  void push_back(char32_t cp) { data_[size_++] = cp; }
  void clear() { size_ = 0; }
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  char32_t* data() { return data_; }
  const char32_t* data() const { return data_; }
  char32_t& operator[](std::size_t i) { return data_[i]; }
  char32_t operator[](std::size_t i) const { return data_[i]; }
  char32_t* begin() { return data_; }
  char32_t* end() { return data_ + size_; }
  const char32_t* begin() const { return data_; }
  const char32_t* end() const { return data_ + size_; }

 private:
  static constexpr std::size_t kInline = 96;
  char32_t inline_[kInline];
  char32_t* data_ = inline_;
  std::size_t size_ = 0;
  std::unique_ptr<char32_t[]> heap_;
  std::size_t heap_capacity_ = 0;
};

}  // namespace ecid::text::detail
