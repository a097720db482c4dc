#include "text/vietnamese_letters.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace ecid::text::detail {
namespace {

// Lower-case base letters in Base order, and the combining marks in Tone order.
constexpr char32_t kBaseLower[kBaseCount] = {0x61, 0x103, 0xE2, 0x65,  0xEA, 0x69, 0x6F,
                                             0xF4, 0x1A1, 0x75, 0x1B0, 0x79, 0x111};
constexpr char32_t kToneMark[kToneCount] = {0, 0x300, 0x301, 0x309, 0x303, 0x323};

[[noreturn]] void broken_icu(const char* what) {
  // The tables are derived from ICU's Unicode data; if that fails the build is unusable.
  std::fprintf(stderr, "ecid: ICU cannot build the Vietnamese letter table (%s)\n", what);
  std::abort();
}

}  // namespace

VietnameseLetters::VietnameseLetters() {
  std::memset(low_, 0xFF, sizeof low_);
  std::memset(high_, 0xFF, sizeof high_);
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) broken_icu("NFC instance");

  for (int base = 0; base < kBaseCount; ++base) {
    const int tones = base == kDStroke ? 1 : kToneCount;
    for (int tone = 0; tone < tones; ++tone) {
      // Full normalisation, not composePair: ậ ặ ệ ộ decompose as (dot-below letter +
      // circumflex/breve), so "â + dot below" is no canonical pair.
      icu::UnicodeString text(static_cast<UChar32>(kBaseLower[base]));
      if (tone != kLevel) text.append(static_cast<UChar32>(kToneMark[tone]));
      const icu::UnicodeString composed = nfc->normalize(text, status);
      if (U_FAILURE(status) || composed.countChar32() != 1) broken_icu("composition");
      const UChar32 lower = composed.char32At(0);
      const UChar32 upper = u_toupper(lower);
      if (upper == lower) broken_icu("toupper");
      code_[base][tone][0] = static_cast<char32_t>(lower);
      code_[base][tone][1] = static_cast<char32_t>(upper);
      for (int is_upper = 0; is_upper < 2; ++is_upper) {
        const char32_t cp = code_[base][tone][is_upper];
        const auto packed = static_cast<std::uint8_t>((base << 4) | (tone << 1) | is_upper);
        if (cp < kLowSize) {
          low_[cp] = packed;
        } else if (cp >= kHighStart && cp < kHighStart + kHighSize) {
          high_[cp - kHighStart] = packed;
        } else {
          broken_icu("letter outside the expected blocks");
        }
      }
    }
  }
}

namespace {

// Vowel groups of the written language and whether a final consonant may, must or must not
// follow (tiên but not tiê; mía but not mían).
enum class Final : std::uint8_t { Either, Required, Forbidden };
struct Nucleus {
  std::uint8_t length;
  std::uint8_t bases[3];
  Final final_consonant;
};
// clang-format off
constexpr Nucleus kNuclei[] = {
    {1, {kA}, Final::Either},         {1, {kABreve}, Final::Required},
    {1, {kACircumflex}, Final::Required}, {1, {kE}, Final::Either},
    {1, {kECircumflex}, Final::Either}, {1, {kI}, Final::Either},
    {1, {kO}, Final::Either},         {1, {kOCircumflex}, Final::Either},
    {1, {kOHorn}, Final::Either},     {1, {kU}, Final::Either},
    {1, {kUHorn}, Final::Either},     {1, {kY}, Final::Either},
    {2, {kA, kI}, Final::Forbidden},  {2, {kA, kO}, Final::Forbidden},
    {2, {kA, kU}, Final::Forbidden},  {2, {kA, kY}, Final::Forbidden},
    {2, {kACircumflex, kU}, Final::Forbidden}, {2, {kACircumflex, kY}, Final::Forbidden},
    {2, {kE, kO}, Final::Forbidden},  {2, {kECircumflex, kU}, Final::Forbidden},
    {2, {kI, kA}, Final::Forbidden},  {2, {kI, kECircumflex}, Final::Required},
    {2, {kI, kU}, Final::Forbidden},  {2, {kO, kA}, Final::Either},
    {2, {kO, kABreve}, Final::Required}, {2, {kO, kE}, Final::Either},
    {2, {kO, kI}, Final::Forbidden},  {2, {kO, kO}, Final::Required},
    {2, {kOCircumflex, kI}, Final::Forbidden}, {2, {kOHorn, kI}, Final::Forbidden},
    {2, {kU, kA}, Final::Forbidden},  {2, {kU, kACircumflex}, Final::Required},
    {2, {kU, kECircumflex}, Final::Either}, {2, {kU, kI}, Final::Forbidden},
    {2, {kU, kOCircumflex}, Final::Required}, {2, {kU, kOHorn}, Final::Forbidden},
    {2, {kU, kY}, Final::Either},     {2, {kUHorn, kA}, Final::Forbidden},
    {2, {kUHorn, kI}, Final::Forbidden}, {2, {kUHorn, kOHorn}, Final::Either},
    {2, {kUHorn, kU}, Final::Forbidden}, {2, {kY, kECircumflex}, Final::Required},
    {3, {kI, kECircumflex, kU}, Final::Forbidden}, {3, {kO, kA, kI}, Final::Forbidden},
    {3, {kO, kA, kY}, Final::Forbidden}, {3, {kO, kA, kO}, Final::Forbidden},
    {3, {kO, kE, kO}, Final::Forbidden}, {3, {kU, kACircumflex, kY}, Final::Forbidden},
    {3, {kU, kOCircumflex, kI}, Final::Forbidden}, {3, {kUHorn, kOHorn, kI}, Final::Forbidden},
    {3, {kUHorn, kOHorn, kU}, Final::Forbidden}, {3, {kU, kY, kECircumflex}, Final::Required},
    {3, {kU, kY, kA}, Final::Forbidden}, {3, {kU, kY, kU}, Final::Forbidden},
    {3, {kY, kECircumflex, kU}, Final::Forbidden},
};
// clang-format on

// Up to three bases (each < 16) packed into 12 bits; 0 in a nibble = no vowel.
unsigned nucleus_key(const std::uint8_t* bases, std::size_t length) {
  unsigned key = 0;
  for (std::size_t i = 0; i < length; ++i) key |= unsigned(bases[i] + 1) << (4 * i);
  return key;
}

const Nucleus* find_nucleus(const std::uint8_t* bases, std::size_t length) {
  static const std::array<std::uint8_t, 4096> index = [] {
    std::array<std::uint8_t, 4096> table{};
    for (std::size_t i = 0; i < std::size(kNuclei); ++i) {
      table[nucleus_key(kNuclei[i].bases, kNuclei[i].length)] = static_cast<std::uint8_t>(i + 1);
    }
    return table;
  }();
  const std::uint8_t at = index[nucleus_key(bases, length)];
  return at == 0 ? nullptr : &kNuclei[at - 1];
}

}  // namespace

constexpr std::uint32_t pack(std::string_view letters) {
  std::uint32_t key = 0;
  for (std::size_t i = 0; i < letters.size() && i < 4; ++i) {
    key |= std::uint32_t(static_cast<unsigned char>(letters[i])) << (8 * i);
  }
  return key;
}

bool is_vietnamese_syllable(const char32_t* cps, std::size_t count) {
  const auto& letters = VietnameseLetters::instance();
  auto vowel_at = [&](std::size_t i, Letter& l) {
    return i < count && letters.lookup(cps[i], l) && l.base < kVowelCount;
  };
  // Consonants as lower-case ASCII, đ as 'D'.
  auto consonant = [&](char32_t cp, char& out) {
    Letter l;
    if (letters.lookup(cp, l)) {
      if (l.base != kDStroke) return false;
      out = 'D';
      return true;
    }
    if (!is_ascii_alpha(cp)) return false;
    out = static_cast<char>(cp | 0x20);
    return true;
  };
  char initial[4] = {};
  char final_consonant[4] = {};
  std::size_t initial_length = 0, final_length = 0;
  std::size_t i = 0;
  Letter l;
  for (; i < count && !vowel_at(i, l); ++i) {
    if (initial_length == 3 || !consonant(cps[i], initial[initial_length++])) return false;
  }
  int tones = 0;
  const std::string_view start(initial, initial_length);
  // The u of qu and the i of gi (before another vowel) belong to the consonant.
  if ((start == "q" && vowel_at(i, l) && l.base == kU) ||
      (start == "g" && vowel_at(i, l) && l.base == kI && vowel_at(i + 1, l))) {
    letters.lookup(cps[i], l);
    tones += l.tone != kLevel;
    initial[initial_length++] = (start == "q") ? 'u' : 'i';
    ++i;
  }
  std::uint8_t nucleus[3];
  std::size_t vowels = 0;
  for (; vowel_at(i, l); ++i) {
    if (vowels == 3) return false;
    nucleus[vowels++] = l.base;
    tones += l.tone != kLevel;
  }
  for (; i < count; ++i) {
    if (final_length == 3 || !consonant(cps[i], final_consonant[final_length++])) return false;
  }
  if (vowels == 0 || tones > 1) return false;
  const Nucleus* n = find_nucleus(nucleus, vowels);
  if (n == nullptr) return false;
  if (n->final_consonant == Final::Required && final_length == 0) return false;
  if (n->final_consonant == Final::Forbidden && final_length != 0) return false;

  // Consonant clusters compared as packed integers (this runs for every word of every
  // record when detecting an encoding).
  static constexpr std::uint32_t kInitials[] = {
      pack(""),   pack("b"),  pack("c"),   pack("ch"), pack("d"),  pack("D"),  pack("g"),
      pack("gh"), pack("gi"), pack("h"),   pack("k"),  pack("kh"), pack("l"),  pack("m"),
      pack("n"),  pack("ng"), pack("ngh"), pack("nh"), pack("p"),  pack("ph"), pack("qu"),
      pack("r"),  pack("s"),  pack("t"),   pack("th"), pack("tr"), pack("v"),  pack("x")};
  static constexpr std::uint32_t kFinals[] = {pack(""),   pack("c"), pack("ch"),
                                              pack("m"),  pack("n"), pack("ng"),
                                              pack("nh"), pack("p"), pack("t")};
  const std::uint32_t initial_key = pack(std::string_view(initial, initial_length));
  const std::uint32_t final_key = pack(std::string_view(final_consonant, final_length));
  bool initial_ok = false, final_ok = false;
  for (std::uint32_t k : kInitials) initial_ok = initial_ok || k == initial_key;
  for (std::uint32_t k : kFinals) final_ok = final_ok || k == final_key;
  if (!initial_ok || !final_ok) return false;
  // Spelling: k, gh, ngh before e ê i y; c, g, ng never there.
  const bool front =
      nucleus[0] == kE || nucleus[0] == kECircumflex || nucleus[0] == kI || nucleus[0] == kY;
  if (initial_key == pack("k") || initial_key == pack("gh") || initial_key == pack("ngh")) {
    return front;
  }
  if (initial_key == pack("g") && nucleus[0] == kI) return true;  // gì, gìn: the i is shared
  if (initial_key == pack("c") || initial_key == pack("g") || initial_key == pack("ng")) {
    return !front;
  }
  return true;
}

const VietnameseLetters& VietnameseLetters::instance() {
  static const VietnameseLetters letters;
  return letters;
}

}  // namespace ecid::text::detail
