// TCVN3 (TCVN 5712:1993 VN3, the "ABC" .Vn fonts) and VNI-Windows: tables, detection,
// decoding to NFC UTF-8, and encoders for tests and benchmarks.
//
// The tables below are written from the standards' code charts (TCVN 5712:1993; the VNI
// font layout), cross-checked against the byte examples in the project's domain notes.
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>

#include <array>
#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <string>

#include "ecid/text.hpp"
#include "text/utf8.hpp"
#include "text/vietnamese_letters.hpp"

namespace ecid::text {
namespace {

using detail::Letter;
using detail::VietnameseLetters;
using namespace detail;  // Base and Tone enumerators

// ---- TCVN3 -----------------------------------------------------------------------------
// One byte per lower-case letter, rows in Base order, columns in Tone order
// (level, grave, acute, hook, tilde, dot below). ASCII letters stand for themselves.
// clang-format off
constexpr std::uint8_t kTcvn3Lower[kBaseCount][kToneCount] = {
    /* a */ {'a', 0xB5, 0xB8, 0xB6, 0xB7, 0xB9},
    /* ă */ {0xA8, 0xBB, 0xBE, 0xBC, 0xBD, 0xC6},
    /* â */ {0xA9, 0xC7, 0xCA, 0xC8, 0xC9, 0xCB},
    /* e */ {'e', 0xCC, 0xD0, 0xCE, 0xCF, 0xD1},
    /* ê */ {0xAA, 0xD2, 0xD5, 0xD3, 0xD4, 0xD6},
    /* i */ {'i', 0xD7, 0xDD, 0xD8, 0xDC, 0xDE},
    /* o */ {'o', 0xDF, 0xE3, 0xE1, 0xE2, 0xE4},
    /* ô */ {0xAB, 0xE5, 0xE8, 0xE6, 0xE7, 0xE9},
    /* ơ */ {0xAC, 0xEA, 0xED, 0xEB, 0xEC, 0xEE},
    /* u */ {'u', 0xEF, 0xF3, 0xF1, 0xF2, 0xF4},
    /* ư */ {0xAD, 0xF5, 0xF8, 0xF6, 0xF7, 0xF9},
    /* y */ {'y', 0xFA, 0xFD, 0xFB, 0xFC, 0xFE},
    /* đ */ {0xAE, 0, 0, 0, 0, 0},
};
// clang-format on
// VN3 has capitals only for the level-tone letters Ă Â Ê Ô Ơ Ư Đ (0xA1–0xA7); every other
// capital is written with the lower-case code (the .VnTimeH fonts draw it as a capital).
constexpr std::uint8_t kTcvn3UpperLevel[kBaseCount] = {'A',  0xA1, 0xA2, 'E',  0xA3, 'I', 'O',
                                                       0xA4, 0xA5, 'U',  0xA6, 'Y',  0xA7};
// Capitals the full TCVN 5712 (VN1) puts in the positions VN3 leaves empty. Accepted when
// decoding so such files are not garbled; never produced by the encoder.
struct GapCapital {
  std::uint8_t byte;
  std::uint8_t base;
  std::uint8_t tone;
};
// clang-format off
constexpr GapCapital kTcvn1GapCapitals[] = {
    {0xAF, kABreve, kGrave},      {0xBA, kABreve, kHook},       {0xBF, kABreve, kTilde},
    {0xC0, kABreve, kAcute},      {0xC1, kACircumflex, kGrave}, {0xC2, kACircumflex, kHook},
    {0xC3, kACircumflex, kTilde}, {0xC4, kACircumflex, kAcute}, {0xC5, kECircumflex, kGrave},
    {0xCD, kECircumflex, kHook},  {0xD9, kECircumflex, kTilde}, {0xDA, kECircumflex, kAcute},
    {0xDB, kOCircumflex, kGrave}, {0xE0, kOCircumflex, kHook},  {0xF0, kOCircumflex, kTilde},
    {0xFF, kOCircumflex, kAcute},
};
// clang-format on
// 0xB0–0xB4: the standard's combining tone marks, in its order.
constexpr char32_t kTcvn3CombiningMarks[5] = {0x300, 0x309, 0x303, 0x301, 0x323};

// ---- VNI-Windows -------------------------------------------------------------------------
// A letter is an ASCII base plus a mark byte, or one byte of its own (second == 0).
// Lower case here; a capital uses the upper-case ASCII base and each high byte − 0x20
// (the fonts follow the cp1252 case pairs: ù/Ù, â/Â, ñ/Ñ …).
struct VniCode {
  std::uint8_t first;
  std::uint8_t second;
};
// clang-format off
constexpr VniCode kVniLower[kBaseCount][kToneCount] = {
    /* a */ {{'a', 0}, {'a', 0xF8}, {'a', 0xF9}, {'a', 0xFB}, {'a', 0xF5}, {'a', 0xEF}},
    /* ă */ {{'a', 0xEA}, {'a', 0xE8}, {'a', 0xE9}, {'a', 0xFA}, {'a', 0xFC}, {'a', 0xEB}},
    /* â */ {{'a', 0xE2}, {'a', 0xE0}, {'a', 0xE1}, {'a', 0xE5}, {'a', 0xE3}, {'a', 0xE4}},
    /* e */ {{'e', 0}, {'e', 0xF8}, {'e', 0xF9}, {'e', 0xFB}, {'e', 0xF5}, {'e', 0xEF}},
    /* ê */ {{'e', 0xE2}, {'e', 0xE0}, {'e', 0xE1}, {'e', 0xE5}, {'e', 0xE3}, {'e', 0xE4}},
    /* i */ {{'i', 0}, {0xEC, 0}, {0xED, 0}, {0xE6, 0}, {0xF3, 0}, {0xF2, 0}},
    /* o */ {{'o', 0}, {'o', 0xF8}, {'o', 0xF9}, {'o', 0xFB}, {'o', 0xF5}, {'o', 0xEF}},
    /* ô */ {{'o', 0xE2}, {'o', 0xE0}, {'o', 0xE1}, {'o', 0xE5}, {'o', 0xE3}, {'o', 0xE4}},
    /* ơ */ {{0xF4, 0}, {0xF4, 0xF8}, {0xF4, 0xF9}, {0xF4, 0xFB}, {0xF4, 0xF5}, {0xF4, 0xEF}},
    /* u */ {{'u', 0}, {'u', 0xF8}, {'u', 0xF9}, {'u', 0xFB}, {'u', 0xF5}, {'u', 0xEF}},
    /* ư */ {{0xF6, 0}, {0xF6, 0xF8}, {0xF6, 0xF9}, {0xF6, 0xFB}, {0xF6, 0xF5}, {0xF6, 0xEF}},
    /* y */ {{'y', 0}, {'y', 0xF8}, {'y', 0xF9}, {'y', 0xFB}, {'y', 0xF5}, {0xEE, 0}},
    /* đ */ {{0xF1, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}},
};
// clang-format on
// Plain tone marks after i: not what the fonts' keyboards produce (ì í ỉ ĩ ị have bytes of
// their own) but met in hand-made files; accepted when decoding.
constexpr std::uint8_t kVniToneMarks[kToneCount] = {0, 0xF8, 0xF9, 0xFB, 0xF5, 0xEF};

// ---- cp1252 for bytes that are not letters in either encoding -------------------------------
// clang-format off
constexpr char32_t kCp1252High[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};
// clang-format on

char32_t cp1252_to_unicode(std::uint8_t b) {
  if (b >= 0x80 && b < 0xA0) return kCp1252High[b - 0x80];
  return b;
}
// Reverse of kCp1252High for the punctuation both legacy encodings keep (0 = none).
std::uint8_t unicode_to_cp1252_high(char32_t cp) {
  for (int i = 0; i < 32; ++i) {
    if (kCp1252High[i] == cp && cp != 0xFFFD) return static_cast<std::uint8_t>(0x80 + i);
  }
  return 0;
}

constexpr std::uint8_t upper_byte(std::uint8_t b) {
  return b < 0x80 ? static_cast<std::uint8_t>(b >= 'a' && b <= 'z' ? b - 0x20 : b)
                  : static_cast<std::uint8_t>(b - 0x20);
}

// How a decoded character takes part in the TCVN3 capital recovery.
enum CaseClass : std::uint8_t {
  kSeparator,
  kKnownUpper,
  kKnownLower,
  kCaseLost,  // a lower-case code that also stands for the capital (VN3 has no other code)
  kMark       // combining mark: part of the word, no case
};

struct DecodedByte {
  char32_t cp;
  CaseClass cls;
};

constexpr std::uint8_t kNoLetter = 0xFF;
using CodePoints = detail::CodePointBuffer;
using CaseClasses = boost::container::small_vector<CaseClass, 64>;

// Built once from the data tables above.
class LegacyTables {
 public:
  static const LegacyTables& instance() {
    static const LegacyTables tables;
    return tables;
  }

  DecodedByte tcvn3[256];
  bool tcvn3_vn3_letter[256] = {};  // a letter in VN3 proper (detection evidence)

  // VNI: bases that take a mark byte, indexed per byte (kNoLetter if not a base).
  std::uint8_t vni_base_slot[256];
  // [slot][second byte − 0x80] → packed letter (base<<4 | tone<<1 | upper) or kNoLetter.
  std::uint8_t vni_pair[16][128];
  bool vni_pair_case_matches[16][128] = {};
  std::uint8_t vni_single[256];  // one-byte letters (high bytes only)

 private:
  LegacyTables() {
    const auto& letters = VietnameseLetters::instance();
    for (int b = 0; b < 256; ++b) {
      tcvn3[b] = {cp1252_to_unicode(static_cast<std::uint8_t>(b)), kSeparator};
      if (b < 0x80 && detail::is_ascii_alpha(static_cast<char32_t>(b))) {
        tcvn3[b].cls = b < 'a' ? kKnownUpper : kKnownLower;
      }
    }
    for (int base = 0; base < kBaseCount; ++base) {
      for (int tone = 0; tone < kToneCount; ++tone) {
        const std::uint8_t byte = kTcvn3Lower[base][tone];
        if (byte < 0x80) continue;  // ASCII letters or no code
        const bool has_capital = tone == kLevel && kTcvn3UpperLevel[base] >= 0x80;
        tcvn3[byte] = {letters.code(base, tone, false), has_capital ? kKnownLower : kCaseLost};
        tcvn3_vn3_letter[byte] = true;
      }
      const std::uint8_t upper = kTcvn3UpperLevel[base];
      if (upper >= 0x80) {
        tcvn3[upper] = {letters.code(base, kLevel, true), kKnownUpper};
        tcvn3_vn3_letter[upper] = true;
      }
    }
    for (const GapCapital& gap : kTcvn1GapCapitals) {
      tcvn3[gap.byte] = {letters.code(gap.base, gap.tone, true), kKnownUpper};
    }
    for (int i = 0; i < 5; ++i) tcvn3[0xB0 + i] = {kTcvn3CombiningMarks[i], kMark};

    std::fill(std::begin(vni_base_slot), std::end(vni_base_slot), kNoLetter);
    std::fill(std::begin(vni_single), std::end(vni_single), kNoLetter);
    for (auto& row : vni_pair) std::fill(std::begin(row), std::end(row), kNoLetter);
    std::uint8_t next_slot = 0;
    auto slot_of = [&](std::uint8_t byte) {
      if (vni_base_slot[byte] == kNoLetter) vni_base_slot[byte] = next_slot++;
      return vni_base_slot[byte];
    };
    // `mark` is the lower-case mark byte. The mark of the base's case is the standard form;
    // decoding also accepts the other case, which hand-typed files mix up.
    auto add_pair = [&](std::uint8_t first, std::uint8_t mark, int base, int tone, bool upper) {
      const auto packed = static_cast<std::uint8_t>((base << 4) | (tone << 1) | (upper ? 1 : 0));
      const std::uint8_t slot = slot_of(first);
      const std::uint8_t same_case = upper ? upper_byte(mark) : mark;
      const std::uint8_t other_case = upper ? mark : upper_byte(mark);
      for (std::uint8_t variant : {same_case, other_case}) {
        if (vni_pair[slot][variant - 0x80] == kNoLetter) {
          vni_pair[slot][variant - 0x80] = packed;
          vni_pair_case_matches[slot][variant - 0x80] = variant == same_case;
        }
      }
    };
    for (int base = 0; base < kBaseCount; ++base) {
      for (int tone = 0; tone < kToneCount; ++tone) {
        const VniCode code = kVniLower[base][tone];
        if (code.first == 0) continue;
        for (bool upper : {false, true}) {
          const std::uint8_t first = upper ? upper_byte(code.first) : code.first;
          if (code.second != 0) {
            add_pair(first, code.second, base, tone, upper);
          } else if (first >= 0x80) {
            vni_single[first] =
                static_cast<std::uint8_t>((base << 4) | (tone << 1) | (upper ? 1 : 0));
          }
        }
      }
    }
    for (int tone = kGrave; tone < kToneCount; ++tone) {
      for (bool upper : {false, true}) {
        add_pair(upper ? 'I' : 'i', kVniToneMarks[tone], kI, tone, upper);
      }
    }
  }
};

Letter unpack(std::uint8_t packed) {
  return Letter{static_cast<std::uint8_t>(packed >> 4),
                static_cast<std::uint8_t>((packed >> 1) & 7), (packed & 1) != 0};
}

bool is_control_byte(std::uint8_t b) {
  return (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' && b != '\v') || b == 0x7F;
}
bool is_cp1252_undefined(std::uint8_t b) {
  return b == 0x81 || b == 0x8D || b == 0x8F || b == 0x90 || b == 0x9D;
}
bool is_ascii_lower(std::uint8_t b) { return b >= 'a' && b <= 'z'; }
bool is_word_start(std::string_view bytes, std::size_t i) {
  return i == 0 || bytes[i - 1] == ' ' || bytes[i - 1] == '\t';
}

// ---- TCVN3 capital recovery ------------------------------------------------------------------
// VN3 writes most capitals with lower-case codes, so case is recovered from the words around:
//  * a word whose letters of known case are all capitals (at least two of them) is in
//    capitals ("NGUYÔN" → "NGUYỄN");
//  * in a title-case string (some word starts with a known capital, none with a known lower-
//    case letter), a word starting with a case-lost letter gets a capital ("¸nh" → "Ánh");
//  * a word with fewer than two letters of known case follows the string: capitals if the
//    string has capital words and no title/lower-case word, else it is left as decoded.
void recover_tcvn3_capitals(CodePoints& cps, const CaseClasses& cls) {
  struct Word {
    std::size_t begin, end;
    int upper = 0, lower = 0;
    CaseClass initial = kSeparator;
  };
  boost::container::small_vector<Word, 8> words;
  for (std::size_t i = 0; i < cps.size();) {
    if (cls[i] == kSeparator) {
      ++i;
      continue;
    }
    Word w{i, i};
    while (w.end < cps.size() && cls[w.end] != kSeparator) {
      const CaseClass c = cls[w.end];
      if (c == kKnownUpper) ++w.upper;
      if (c == kKnownLower) ++w.lower;
      if (w.initial == kSeparator && c != kMark) w.initial = c;
      ++w.end;
    }
    i = w.end;
    words.push_back(w);
  }
  int caps_words = 0, title_words = 0, lower_initial_words = 0;
  for (const Word& w : words) {
    if (w.lower == 0 && w.upper >= 2) ++caps_words;
    if (w.lower > 0 && w.initial == kKnownUpper) ++title_words;
    if (w.initial == kKnownLower) ++lower_initial_words;
  }
  const bool caps_like = caps_words > 0 && title_words == 0 && lower_initial_words == 0;
  const bool title_like = title_words > 0 && lower_initial_words == 0;

  const auto& letters = VietnameseLetters::instance();
  auto capitalise = [&](std::size_t i) {
    Letter l;
    if (cls[i] == kCaseLost && letters.lookup(cps[i], l))
      cps[i] = letters.code(l.base, l.tone, true);
  };
  for (const Word& w : words) {
    const bool all_caps = w.lower == 0 && (w.upper >= 2 || caps_like);
    if (all_caps) {
      for (std::size_t i = w.begin; i < w.end; ++i) capitalise(i);
    } else if (title_like && w.initial == kCaseLost) {
      for (std::size_t i = w.begin; i < w.end; ++i) {
        if (cls[i] != kMark) {
          capitalise(i);
          break;
        }
      }
    }
  }
}

// Returns whether combining marks were decoded (the text then needs NFC).
bool decode_tcvn3_into(std::string_view bytes, CodePoints& cps) {
  const auto& t = LegacyTables::instance();
  CaseClasses cls;
  cps.reset(bytes.size());
  cls.reserve(bytes.size());
  bool has_marks = false;
  for (unsigned char b : bytes) {
    const DecodedByte d = t.tcvn3[b];
    cps.push_back(d.cp);
    cls.push_back(d.cls);
    has_marks |= d.cls == kMark;
  }
  recover_tcvn3_capitals(cps, cls);
  return has_marks;
}

std::string decode_tcvn3(std::string_view bytes) {
  CodePoints cps;
  const bool has_marks = decode_tcvn3_into(bytes, cps);
  std::string out = detail::to_utf8_string(cps);
  return has_marks ? nfc(out) : out;
}

void decode_vni_into(std::string_view bytes, CodePoints& cps) {
  const auto& t = LegacyTables::instance();
  const auto& letters = VietnameseLetters::instance();
  cps.reset(bytes.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto b = static_cast<std::uint8_t>(bytes[i]);
    const std::uint8_t slot = t.vni_base_slot[b];
    if (slot != kNoLetter && i + 1 < bytes.size()) {
      const auto m = static_cast<std::uint8_t>(bytes[i + 1]);
      if (m >= 0x80 && t.vni_pair[slot][m - 0x80] != kNoLetter) {
        const Letter l = unpack(t.vni_pair[slot][m - 0x80]);
        cps.push_back(letters.code(l.base, l.tone, l.upper));
        ++i;
        continue;
      }
    }
    if (t.vni_single[b] != kNoLetter) {
      const Letter l = unpack(t.vni_single[b]);
      cps.push_back(letters.code(l.base, l.tone, l.upper));
    } else {
      cps.push_back(cp1252_to_unicode(b));
    }
  }
}

std::string decode_vni(std::string_view bytes) {
  CodePoints cps;
  decode_vni_into(bytes, cps);
  return detail::to_utf8_string(cps);
}

std::string decode_cp1252(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) detail::append_utf8(out, cp1252_to_unicode(b));
  return out;
}

// How Vietnamese a decoding reads: +1 for each word with a non-ASCII letter that is one
// syllable written in lower, title or upper case; −1 for any other such word. Two tone marks
// in a syllable, a capital inside a lower-case word, or a symbol inside a word are what the
// wrong decoding of the other encoding produces ("NguyƠn", "Trửụng").
int syllable_score(const CodePoints& cps) {
  const auto& letters = VietnameseLetters::instance();
  auto separator = [](char32_t cp) {
    return cp < 0x80 && !detail::is_ascii_alpha(cp) && cp != '\'';
  };
  int score = 0;
  for (std::size_t i = 0; i < cps.size();) {
    if (separator(cps[i])) {
      ++i;
      continue;
    }
    const std::size_t begin = i;
    bool non_ascii = false, letters_only = true;
    int upper = 0, lower = 0;
    bool first_upper = false;
    for (; i < cps.size() && !separator(cps[i]); ++i) {
      Letter l;
      bool is_upper;
      if (detail::is_ascii_alpha(cps[i])) {
        is_upper = cps[i] < 'a';
      } else if (letters.lookup(cps[i], l)) {
        is_upper = l.upper;
        non_ascii = true;
      } else {
        letters_only = false;
        non_ascii = true;
        continue;
      }
      (is_upper ? upper : lower) += 1;
      if (i == begin) first_upper = is_upper;
    }
    if (!non_ascii) continue;
    const bool case_ok = upper == 0 || lower == 0 || (upper == 1 && first_upper);
    const bool ok =
        letters_only && case_ok && detail::is_vietnamese_syllable(cps.data() + begin, i - begin);
    score += ok ? 1 : -1;
  }
  return score;
}

// Bytes that are a common letter in VNI (ơ ư đ ị and capitals) but a rarer one in TCVN3
// (ụ ử ủ ũ, ễ ệ ẹ ề): the last tie-breaker.
bool favours_vni(std::uint8_t b) {
  switch (b) {
    case 0xF4:
    case 0xF6:
    case 0xF1:
    case 0xF2:
    case 0xD4:
    case 0xD6:
    case 0xD1:
    case 0xD2:
      return true;
    default:
      return false;
  }
}

}  // namespace

Encoding detect_encoding(std::string_view bytes) {
  if (is_valid_utf8(bytes)) return Encoding::Utf8;
  const auto& t = LegacyTables::instance();
  // Evidence counts. VNI: a base + mark pair of matching case is strong (+2), one of its
  // one-byte letters weak (+1; those bytes are letters in TCVN3 too). TCVN3: any VN3 letter
  // byte (+1). A byte an encoding cannot explain counts against it.
  int vni_good = 0, vni_bad = 0, tcvn_good = 0, tcvn_bad = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto b = static_cast<std::uint8_t>(bytes[i]);
    if (b < 0x80) {
      if (is_control_byte(b)) ++vni_bad, ++tcvn_bad;
      continue;
    }
    if (b < 0xA0) {  // cp1252 punctuation is shared by both; holes are not
      if (is_cp1252_undefined(b)) ++vni_bad, ++tcvn_bad;
      continue;
    }
    if (b == 0xA0) continue;
    t.tcvn3_vn3_letter[b] ? ++tcvn_good : ++tcvn_bad;

    const std::uint8_t prev = i > 0 ? static_cast<std::uint8_t>(bytes[i - 1]) : 0;
    const std::uint8_t slot = t.vni_base_slot[prev];
    if (slot != kNoLetter && t.vni_pair[slot][b - 0x80] != kNoLetter &&
        t.vni_pair_case_matches[slot][b - 0x80]) {
      vni_good += 2;
    } else if (t.vni_single[b] != kNoLetter) {
      ++vni_good;
      // A one-byte VNI capital opening a word that goes on in lower case ("Ñinh", "Öu"): title
      // case in VNI; in TCVN3 the same byte is a lower-case vowel, unusual at a word's start.
      const bool capital = (t.vni_single[b] & 1) != 0;
      if (capital && is_word_start(bytes, i) && i + 1 < bytes.size() &&
          is_ascii_lower(static_cast<std::uint8_t>(bytes[i + 1]))) {
        ++vni_good;
      }
    } else {
      ++vni_bad;
    }
  }
  const int vni_score = vni_good - 2 * vni_bad;
  const int tcvn_score = tcvn_good - 2 * tcvn_bad;
  const bool vni_plausible = vni_good > 0 && vni_score > 0;
  const bool tcvn_plausible = tcvn_good > 0 && tcvn_score > 0;
  if (!vni_plausible && !tcvn_plausible) return Encoding::Unknown;
  if (vni_plausible != tcvn_plausible) return vni_plausible ? Encoding::Vni : Encoding::Tcvn3;
  // Byte evidence this lopsided is not reached by chance (a VNI pair scores 2, the same
  // bytes read as TCVN3 at most 1 each); below it, read both ways.
  constexpr int kDecisiveMargin = 4;
  if (vni_score >= tcvn_score + kDecisiveMargin) return Encoding::Vni;
  if (tcvn_score >= vni_score + kDecisiveMargin) return Encoding::Tcvn3;
  // Both explain the bytes: read both and keep the one that spells Vietnamese syllables.
  CodePoints decoded;
  decode_vni_into(bytes, decoded);
  const int vni_syllables = syllable_score(decoded);
  decode_tcvn3_into(bytes, decoded);
  const int tcvn_syllables = syllable_score(decoded);
  if (vni_syllables != tcvn_syllables) {
    return vni_syllables > tcvn_syllables ? Encoding::Vni : Encoding::Tcvn3;
  }
  if (vni_score != tcvn_score) return vni_score > tcvn_score ? Encoding::Vni : Encoding::Tcvn3;
  for (unsigned char b : bytes) {
    if (favours_vni(b)) return Encoding::Vni;
  }
  return Encoding::Tcvn3;
}

std::string decode(std::string_view bytes, Encoding encoding) {
  switch (encoding) {
    case Encoding::Utf8:
      return nfc(bytes);
    case Encoding::Tcvn3:
      return decode_tcvn3(bytes);
    case Encoding::Vni:
      return decode_vni(bytes);
    case Encoding::Unknown:
      break;
  }
  return decode_cp1252(bytes);
}

std::string to_utf8(std::string_view bytes) { return decode(bytes, detect_encoding(bytes)); }

std::string encode_tcvn3(std::string_view utf8) {
  const auto& letters = VietnameseLetters::instance();
  const std::string normal = nfc(utf8);
  std::string out;
  out.reserve(normal.size());
  const auto* p = reinterpret_cast<const unsigned char*>(normal.data());
  const auto* end = p + normal.size();
  while (p < end) {
    const char32_t cp = detail::next_code_point(p, end);
    Letter l;
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (letters.lookup(cp, l)) {
      std::uint8_t byte = kTcvn3Lower[l.base][l.tone];
      if (l.upper && l.tone == kLevel) byte = kTcvn3UpperLevel[l.base];
      out.push_back(static_cast<char>(byte));
    } else if (cp == 0xA0) {
      out.push_back(static_cast<char>(0xA0));
    } else if (std::uint8_t high = unicode_to_cp1252_high(cp); high != 0) {
      out.push_back(static_cast<char>(high));
    } else {
      std::uint8_t mark = 0;
      for (int i = 0; i < 5; ++i) {
        if (kTcvn3CombiningMarks[i] == cp) mark = static_cast<std::uint8_t>(0xB0 + i);
      }
      out.push_back(mark != 0 ? static_cast<char>(mark) : '?');
    }
  }
  return out;
}

std::string encode_vni(std::string_view utf8) {
  const auto& letters = VietnameseLetters::instance();
  const std::string normal = nfc(utf8);
  std::string out;
  out.reserve(normal.size() + 8);
  const auto* p = reinterpret_cast<const unsigned char*>(normal.data());
  const auto* end = p + normal.size();
  while (p < end) {
    const char32_t cp = detail::next_code_point(p, end);
    Letter l;
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (letters.lookup(cp, l)) {
      const VniCode code = kVniLower[l.base][l.tone];
      out.push_back(static_cast<char>(l.upper ? upper_byte(code.first) : code.first));
      if (code.second != 0) {
        out.push_back(static_cast<char>(l.upper ? upper_byte(code.second) : code.second));
      }
    } else if (std::uint8_t high = unicode_to_cp1252_high(cp); high != 0) {
      out.push_back(static_cast<char>(high));
    } else if (cp == 0xA0) {
      out.push_back(static_cast<char>(0xA0));
    } else {
      out.push_back('?');
    }
  }
  return out;
}

}  // namespace ecid::text
