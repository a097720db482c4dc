// The candidate-search key stored in person.name_key (register_schema.hpp, docs/register.md):
// fold ascii-upper-v1. Registers on disk store its keys, so its output must never change
// (tests/register/name_key_test.cpp holds the keys it has always given); a new fold is a new
// kNameKeyFold and a re-seed.
#include <ecid/register_schema.hpp>

#include <array>

#include "text/utf8.hpp"
#include "text/vietnamese_letters.hpp"

namespace ecid::register_schema {
namespace {

constexpr char kSeparator = 0;
constexpr char kDrop = 1;  // a combining mark: left out
// Every code point that folds to a character or is dropped lies below this.
constexpr char32_t kFoldLimit = 0x1F00;

class NameKeyFold {
 public:
  static const NameKeyFold& instance() {
    static const NameKeyFold fold;
    return fold;
  }
  char operator()(char32_t cp) const { return cp < kFoldLimit ? to_ascii_[cp] : kSeparator; }

 private:
  NameKeyFold() {
    for (char c = 'A'; c <= 'Z'; ++c) {
      to_ascii_[static_cast<size_t>(c)] = c;
      to_ascii_[static_cast<size_t>(c + ('a' - 'A'))] = c;
    }
    for (char c = '0'; c <= '9'; ++c) to_ascii_[static_cast<size_t>(c)] = c;
    for (char32_t cp = 0x300; cp <= 0x36F; ++cp) to_ascii_[cp] = kDrop;
    using namespace text::detail;
    constexpr char kAsciiOfBase[kBaseCount] = {'A', 'A', 'A', 'E', 'E', 'I', 'O', 'O', 'O', 'U', 'U', 'Y', 'D'};
    const VietnameseLetters& letters = VietnameseLetters::instance();
    for (int base = 0; base < kBaseCount; ++base)
      for (int tone = 0; tone < (base == kDStroke ? 1 : kToneCount); ++tone)
        for (bool upper : {false, true}) to_ascii_[letters.code(base, tone, upper)] = kAsciiOfBase[base];
    // Not Vietnamese letters, yet in names: ŭ of minority names (Ayŭn), and ð/Ð, look-alikes
    // of đ/Đ in scraped data.
    to_ascii_[0x16C] = to_ascii_[0x16D] = 'U';
    to_ascii_[0xD0] = to_ascii_[0xF0] = 'D';
  }
  std::array<char, kFoldLimit> to_ascii_{};  // kSeparator unless set
};

}  // namespace

void append_name_key(std::string_view utf8, std::string& out) {
  const NameKeyFold& fold = NameKeyFold::instance();
  const size_t start = out.size();
  bool pending_space = false;
  const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
  const auto* end = p + utf8.size();
  while (p < end) {
    // Ill-formed bytes decode to U+FFFD: separators, as in every other ecid text function.
    const char folded = fold(text::detail::next_code_point(p, end));
    if (folded == kDrop) continue;
    if (folded == kSeparator) {
      pending_space = true;
      continue;
    }
    if (pending_space && out.size() > start) out += ' ';
    pending_space = false;
    out += folded;
  }
}

std::string name_key(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  append_name_key(utf8, out);
  return out;
}

}  // namespace ecid::register_schema
