// The Vietnamese alphabet as data: every letter is (base, tone, case). The legacy-encoding
// tables, the tone-placement rule, case folding and the strip key are all written against
// this one description (private).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ecid::text::detail {

// The 12 vowel bases, then đ. Order is fixed: the legacy byte tables are indexed by it.
enum Base : std::uint8_t {
  kA,
  kABreve,
  kACircumflex,
  kE,
  kECircumflex,
  kI,
  kO,
  kOCircumflex,
  kOHorn,
  kU,
  kUHorn,
  kY,
  kDStroke,
  kBaseCount
};
inline constexpr int kVowelCount = kDStroke;

// Tone order used by every table in the module.
enum Tone : std::uint8_t { kLevel, kGrave, kAcute, kHook, kTilde, kDotBelow, kToneCount };

struct Letter {
  std::uint8_t base = 0;
  std::uint8_t tone = 0;
  bool upper = false;
};

class VietnameseLetters {
 public:
  // Code point of a letter. For kDStroke only kLevel exists.
  char32_t code(int base, int tone, bool upper) const { return code_[base][tone][upper ? 1 : 0]; }

  // True when `cp` is one of the 12×6×2 vowels (including ASCII a e i o u y) or đ/Đ.
  bool lookup(char32_t cp, Letter& letter) const {
    std::uint8_t packed = 0xFF;
    if (cp < kLowSize) {
      packed = low_[cp];
    } else if (cp >= kHighStart && cp < kHighStart + kHighSize) {
      packed = high_[cp - kHighStart];
    }
    if (packed == 0xFF) return false;
    letter.base = packed >> 4;
    letter.tone = (packed >> 1) & 0x7;
    letter.upper = packed & 1;
    return true;
  }

  static const VietnameseLetters& instance();

 private:
  VietnameseLetters();
  static constexpr char32_t kLowSize = 0x1B2;  // through ư U+01B0
  static constexpr char32_t kHighStart = 0x1EA0;
  static constexpr char32_t kHighSize = 0x60;
  char32_t code_[kBaseCount][kToneCount][2] = {};
  std::uint8_t low_[kLowSize];
  std::uint8_t high_[kHighSize];
};

inline bool is_ascii_alpha(char32_t cp) { return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z'; }

// True when the letters form one Vietnamese syllable, in any case: an initial consonant from
// the Vietnamese set (gi and qu included), one to three vowels, a final consonant from the
// set, at most one tone mark. Spelling rules (k before e/i …) are not checked.
bool is_vietnamese_syllable(const char32_t* letters, std::size_t count);

}  // namespace ecid::text::detail
