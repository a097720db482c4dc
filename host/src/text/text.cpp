// Vietnamese name normalisation: NFC, look-alikes, tone placement, match and strip keys,
// and the split into surname / middle names / given name. Legacy encodings are in
// text/legacy_encodings.cpp.
#include "ecid/text.hpp"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "text/utf8.hpp"
#include "text/vietnamese_letters.hpp"

namespace ecid::text {
namespace {

using detail::Letter;
using detail::VietnameseLetters;
using namespace detail;  // Base and Tone enumerators
using CodePoints = detail::CodePointBuffer;

const icu::Normalizer2& nfc_normalizer() {
  static const icu::Normalizer2* normalizer = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFCInstance(status);
    if (U_FAILURE(status) || n == nullptr) {
      std::fprintf(stderr, "ecid: ICU NFC data unavailable: %s\n", u_errorName(status));
      std::abort();
    }
    return n;
  }();
  return *normalizer;
}

const icu::Normalizer2& nfd_normalizer() {
  static const icu::Normalizer2* normalizer = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFDInstance(status);
    if (U_FAILURE(status) || n == nullptr) {
      std::fprintf(stderr, "ecid: ICU NFD data unavailable: %s\n", u_errorName(status));
      std::abort();
    }
    return n;
  }();
  return *normalizer;
}

bool is_ascii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

// Well-formed UTF-8 of ASCII and precomposed Vietnamese letters only: NFC as it stands.
bool is_plain_vietnamese(std::string_view utf8) {
  const auto& letters = VietnameseLetters::instance();
  const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
  const auto* end = p + utf8.size();
  while (p < end) {
    if (*p < 0x80) {
      ++p;
      continue;
    }
    char32_t cp;
    Letter l;
    if (!detail::try_next_code_point(p, end, cp) || !letters.lookup(cp, l)) return false;
  }
  return true;
}

std::string repaired_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + 8);
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* end = p + bytes.size();
  while (p < end) detail::append_utf8(out, detail::next_code_point(p, end));
  return out;
}

// What a code point is for white-space handling in names and keys.
enum class Spacing { Visible, Space, Invisible };

Spacing spacing_of(char32_t cp) {
  if (cp <= 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0xA0)) return Spacing::Space;  // C0/C1 too
  if (cp < 0x1680) return Spacing::Visible;
  if (cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
      cp == 0x202F || cp == 0x205F || cp == 0x3000) {
    return Spacing::Space;
  }
  if ((cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF) return Spacing::Invisible;
  return Spacing::Visible;
}

void decode_into(std::string_view utf8, CodePoints& cps) {
  cps.reset(utf8.size());
  const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
  const auto* end = p + utf8.size();
  while (p < end) cps.push_back(detail::next_code_point(p, end));
}

bool is_vowel(const Letter& l) { return l.base < kVowelCount; }

bool is_syllable_letter(const VietnameseLetters& letters, char32_t cp) {
  Letter l;
  return detail::is_ascii_alpha(cp) || (cp >= 0x80 && letters.lookup(cp, l));
}
bool is_other_letter_or_mark(const VietnameseLetters& letters, char32_t cp) {
  if (cp < 0x80 || is_syllable_letter(letters, cp)) return false;
  return u_isalpha(static_cast<UChar32>(cp)) ||
         u_charType(static_cast<UChar32>(cp)) == U_NON_SPACING_MARK;
}

// Tone placement in the syllables oa, oe, uy, where two spellings are both in use:
//  * open syllable (no final consonant): the tone goes on the first vowel — Hòa, Khỏe, Thủy
//    (Hoà, Khoẻ, Thuỷ are rewritten);
//  * closed syllable: on the second vowel — Hoàng, Huỳnh, Khoét (Hòang, Hủynh are rewritten).
// "qu" is a consonant, so Quý / Quỳnh keep the tone on y.
void place_tones(CodePoints& cps) {
  const auto& letters = VietnameseLetters::instance();
  std::size_t i = 0;
  const std::size_t size = cps.size();
  while (i < size) {
    if (!is_syllable_letter(letters, cps[i])) {
      ++i;
      continue;
    }
    const std::size_t begin = i;
    while (i < size && is_syllable_letter(letters, cps[i])) ++i;
    const std::size_t end = i;
    if (end - begin < 2) continue;
    std::size_t v = begin;
    Letter first;
    while (v < end && !(letters.lookup(cps[v], first) && is_vowel(first))) ++v;
    if (v + 1 >= end) continue;
    if (first.base == kU && v > begin && (cps[v - 1] | 0x20) == 'q') {
      ++v;  // the u of qu
      if (v + 1 >= end || !letters.lookup(cps[v], first) || !is_vowel(first)) continue;
    }
    const bool candidate = first.base == kO || first.base == kU;
    Letter second;
    if (!candidate || !letters.lookup(cps[v + 1], second) || !is_vowel(second)) continue;
    Letter third;
    if (v + 2 < end && letters.lookup(cps[v + 2], third) && is_vowel(third)) continue;
    const bool pair = (first.base == kO && (second.base == kA || second.base == kE)) ||
                      (first.base == kU && second.base == kY);
    if (!pair) continue;
    const bool open = v + 2 == end;
    const Letter& from = open ? second : first;
    Letter& to = open ? first : second;
    if (from.tone == kLevel || to.tone != kLevel) continue;
    // A run touching a letter of another script is not a Vietnamese syllable.
    if ((begin > 0 && is_other_letter_or_mark(letters, cps[begin - 1])) ||
        (end < size && is_other_letter_or_mark(letters, cps[end]))) {
      continue;
    }
    const std::size_t from_at = open ? v + 1 : v;
    const std::size_t to_at = open ? v : v + 1;
    cps[to_at] = letters.code(to.base, from.tone, to.upper);
    cps[from_at] = letters.code(from.base, kLevel, from.upper);
  }
}

// Collects the code points of a name with look-alikes folded and white space collapsed and
// trimmed. With `vietnamese_only`, gives up (returns false) at the first character that is
// not ASCII, a precomposed Vietnamese letter, an eth or a space — such text is NFC as it
// stands, so ICU is not needed; ill-formed UTF-8 also gives up.
bool collect_name(std::string_view utf8, CodePoints& out, bool vietnamese_only) {
  const auto& letters = VietnameseLetters::instance();
  out.reset(utf8.size());
  bool pending_space = false;
  const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
  const auto* end = p + utf8.size();
  while (p < end) {
    char32_t cp = *p;
    if (cp < 0x80) {
      ++p;
      if (cp <= 0x20 || cp == 0x7F) {
        pending_space = !out.empty();
        continue;
      }
    } else {
      if (!detail::try_next_code_point(p, end, cp) && vietnamese_only) return false;
      Letter l;
      if (!letters.lookup(cp, l)) {
        if (cp == 0xD0) {
          cp = 0x110;  // Ð (eth) → Đ
        } else if (cp == 0xF0) {
          cp = 0x111;  // ð → đ
        } else {
          const Spacing spacing = spacing_of(cp);
          if (spacing == Spacing::Space) {
            pending_space = !out.empty();
            continue;
          }
          if (spacing == Spacing::Invisible) continue;
          if (vietnamese_only) return false;
        }
      }
    }
    if (pending_space) {
      out.push_back(' ');
      pending_space = false;
    }
    out.push_back(cp);
  }
  return true;
}

// NFC, look-alikes folded, white space collapsed and trimmed, tone placement normalised.
// Sets `used_icu` when the text had characters outside the Vietnamese fast path.
void normalise_code_points(std::string_view utf8, CodePoints& out, bool& used_icu) {
  used_icu = !collect_name(utf8, out, true);
  if (used_icu) collect_name(nfc(utf8), out, false);
  place_tones(out);
}

std::string encode_utf8(const CodePoints& cps) { return detail::to_utf8_string(cps); }

// ---- strip key ---------------------------------------------------------------------------
// Per code point: an ASCII byte to emit, or one of these actions.
constexpr std::uint8_t kStripFallback = 0;  // ask ICU
constexpr std::uint8_t kStripSpace = 1;
constexpr std::uint8_t kStripDrop = 2;

class StripTable {
 public:
  static const StripTable& instance() {
    static const StripTable table;
    return table;
  }
  std::uint8_t action(char32_t cp) const {
    if (cp < kLowSize) return low_[cp];
    if (cp >= kExtStart && cp < kExtStart + kExtSize) return ext_[cp - kExtStart];
    return kStripFallback;
  }

 private:
  static constexpr char32_t kLowSize = 0x370;    // through the combining diacritics block
  static constexpr char32_t kExtStart = 0x1E00;  // Latin Extended Additional (ạ … ỹ)
  static constexpr char32_t kExtSize = 0x100;

  static std::uint8_t compute(char32_t cp) {
    if (cp < 0x80) {
      if (cp <= 0x20 || cp == 0x7F) return kStripSpace;
      return static_cast<std::uint8_t>((cp >= 'a' && cp <= 'z') ? cp - 0x20 : cp);
    }
    switch (spacing_of(cp)) {
      case Spacing::Space:
        return kStripSpace;
      case Spacing::Invisible:
        return kStripDrop;
      case Spacing::Visible:
        break;
    }
    if (cp == 0x110 || cp == 0x111 || cp == 0xD0 || cp == 0xF0) return 'D';
    const auto type = u_charType(static_cast<UChar32>(cp));
    if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK || type == U_FORMAT_CHAR) {
      return kStripDrop;
    }
    icu::UnicodeString decomposition;
    if (!nfd_normalizer().getDecomposition(static_cast<UChar32>(cp), decomposition)) {
      return kStripFallback;
    }
    const UChar32 head = decomposition.char32At(0);
    if (head >= 0x80 || !detail::is_ascii_alpha(static_cast<char32_t>(head))) {
      return kStripFallback;
    }
    for (int32_t i = decomposition.moveIndex32(0, 1); i < decomposition.length();
         i = decomposition.moveIndex32(i, 1)) {
      if (u_charType(decomposition.char32At(i)) != U_NON_SPACING_MARK) return kStripFallback;
    }
    return static_cast<std::uint8_t>(head >= 'a' ? head - 0x20 : head);
  }

  StripTable() {
    for (char32_t cp = 0; cp < kLowSize; ++cp) low_[cp] = compute(cp);
    for (char32_t cp = 0; cp < kExtSize; ++cp) ext_[cp] = compute(kExtStart + cp);
  }
  std::uint8_t low_[kLowSize];
  std::uint8_t ext_[kExtSize];
};

// Characters outside the table: decompose, drop marks, upper-case whatever is left.
enum class Fallback { Text, Space, Drop };
Fallback strip_fallback(char32_t cp, std::string& text) {
  const auto c = static_cast<UChar32>(cp);
  const auto type = u_charType(c);
  if (type == U_CONTROL_CHAR || u_isUWhiteSpace(c)) return Fallback::Space;
  if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK || type == U_FORMAT_CHAR) {
    return Fallback::Drop;
  }
  icu::UnicodeString decomposition;
  if (!nfd_normalizer().getDecomposition(c, decomposition)) decomposition.setTo(c);
  for (int32_t i = 0; i < decomposition.length(); i = decomposition.moveIndex32(i, 1)) {
    const UChar32 part = decomposition.char32At(i);
    if (u_charType(part) == U_NON_SPACING_MARK) continue;
    detail::append_utf8(text, static_cast<char32_t>(u_toupper(part)));
  }
  return text.empty() ? Fallback::Drop : Fallback::Text;
}

// ---- name split --------------------------------------------------------------------------
// Multi-word surnames, longest first; compared on match keys.
constexpr const char* kCompoundSurnames[] = {
    "Công Tằng Tôn Nữ", "Công Tôn Nữ", "Nguyễn Phúc", "Nguyễn Phước", "Tôn Thất",
    "Tôn Nữ",           "Âu Dương",    "Hoàng Phủ",   "Tư Mã",        "Gia Cát",
    "Thượng Quan",      "Đông Phương", "Lệnh Hồ",     "Tư Đồ",        "Đoan Mộc",
};

std::vector<std::string> split_tokens(const std::string& normalised) {
  std::vector<std::string> tokens;
  std::size_t start = 0;
  while (start < normalised.size()) {
    std::size_t space = normalised.find(' ', start);
    if (space == std::string::npos) space = normalised.size();
    tokens.push_back(normalised.substr(start, space - start));
    start = space + 1;
  }
  return tokens;
}

// A token of a Kinh name: one Vietnamese syllable, or an initial written "T.".
bool is_kinh_token(std::string_view token) {
  CodePoints cps;
  decode_into(token, cps);
  if (cps.size() == 2 && cps[1] == '.' &&
      is_syllable_letter(VietnameseLetters::instance(), cps[0])) {
    return true;
  }
  return detail::is_vietnamese_syllable(cps.data(), cps.size());
}

}  // namespace

bool is_valid_utf8(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* end = p + bytes.size();
  char32_t cp;
  while (p < end) {
    if (*p < 0x80) {
      ++p;
      continue;
    }
    if (!detail::try_next_code_point(p, end, cp)) return false;
  }
  return true;
}

std::string nfc(std::string_view utf8) {
  if (is_ascii(utf8) || is_plain_vietnamese(utf8)) return std::string(utf8);
  std::string repaired;
  if (!is_valid_utf8(utf8)) {
    repaired = repaired_utf8(utf8);
    utf8 = repaired;
  }
  if (utf8.size() > static_cast<std::size_t>(INT32_MAX)) return std::string(utf8);  // ICU limit
  std::string out;
  out.reserve(utf8.size());
  icu::StringByteSink<std::string> sink(&out);
  UErrorCode status = U_ZERO_ERROR;
  nfc_normalizer().normalizeUTF8(
      0, icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())), sink, nullptr, status);
  if (U_FAILURE(status)) return std::string(utf8);  // only on memory exhaustion
  return out;
}

std::string normalise_name(std::string_view utf8) {
  CodePoints cps;
  bool used_icu = false;
  normalise_code_points(utf8, cps, used_icu);
  return encode_utf8(cps);
}

std::string name_match_key(std::string_view utf8) {
  CodePoints cps;
  bool used_icu = false;
  normalise_code_points(utf8, cps, used_icu);
  const auto& letters = VietnameseLetters::instance();
  for (char32_t& cp : cps) {
    Letter l;
    if (cp < 0x80) {
      if (cp >= 'A' && cp <= 'Z') cp += 0x20;
    } else if (letters.lookup(cp, l)) {
      cp = letters.code(l.base, l.tone, false);
    } else {
      cp = static_cast<char32_t>(u_foldCase(static_cast<UChar32>(cp), U_FOLD_CASE_DEFAULT));
    }
  }
  std::string key = encode_utf8(cps);
  // Folding a character outside the Vietnamese set can leave a sequence ICU composes.
  return used_icu ? nfc(key) : key;
}

std::string strip_key(std::string_view utf8) {
  const StripTable& table = StripTable::instance();
  // Table characters give one byte per code point of at least one byte, so the output fits
  // in the input's length; only the ICU fallback can grow it.
  std::string out(utf8.size(), '\0');
  std::size_t length = 0;
  bool pending_space = false;
  const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
  const auto* end = p + utf8.size();
  while (p < end) {
    const char32_t cp = *p < 0x80 ? *p++ : detail::next_code_point(p, end);
    const std::uint8_t action = table.action(cp);
    if (action > kStripDrop) {
      if (pending_space) {
        out[length++] = ' ';  // a pending space follows an emitted byte: still fits
        pending_space = false;
      }
      out[length++] = static_cast<char>(action);
    } else if (action == kStripSpace) {
      pending_space = length != 0;
    } else if (action == kStripFallback) {
      std::string text;
      const Fallback result = strip_fallback(cp, text);
      if (result == Fallback::Space) {
        pending_space = length != 0;
      } else if (result == Fallback::Text) {
        out.resize(length);
        if (pending_space) out.push_back(' ');
        pending_space = false;
        out += text;
        length = out.size();
        out.resize(length + static_cast<std::size_t>(end - p));  // room at one byte per byte
      }
    }
  }
  out.resize(length);
  return out;
}

NameParts split_name(std::string_view utf8) {
  NameParts parts;
  const std::vector<std::string> tokens = split_tokens(normalise_name(utf8));
  if (tokens.empty()) return parts;
  if (tokens.size() == 1) {
    parts.surname = tokens[0];
    parts.kinh_style = is_kinh_token(tokens[0]);
    return parts;
  }
  bool kinh = true;
  for (const std::string& token : tokens) kinh = kinh && is_kinh_token(token);
  parts.kinh_style = kinh;

  std::size_t surname_tokens = 1;
  if (kinh) {
    static const std::vector<std::vector<std::string>> compounds = [] {
      std::vector<std::vector<std::string>> keys;
      for (const char* surname : kCompoundSurnames) {
        keys.push_back(split_tokens(name_match_key(surname)));
      }
      return keys;
    }();
    std::vector<std::string> keys;
    keys.reserve(tokens.size());
    for (const std::string& token : tokens) keys.push_back(name_match_key(token));
    for (const auto& compound : compounds) {
      // The given name must remain: "Âu Dương" alone is surname Âu, given name Dương.
      if (compound.size() >= tokens.size()) continue;
      if (std::equal(compound.begin(), compound.end(), keys.begin())) {
        surname_tokens = std::max(surname_tokens, compound.size());
      }
    }
  }
  for (std::size_t i = 0; i < surname_tokens; ++i) {
    if (i > 0) parts.surname += ' ';
    parts.surname += tokens[i];
  }
  for (std::size_t i = surname_tokens; i + 1 < tokens.size(); ++i)
    parts.middle.push_back(tokens[i]);
  parts.given = tokens.back();
  return parts;
}

}  // namespace ecid::text
