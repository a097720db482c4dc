// Vietnamese text normalisation, in one place for every adapter and the host's matcher.
// Equality decisions use name_match_key(); strip_key() is for finding candidates only.
// Every function is pure and thread-safe (tables are built once, on first use).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ecid::text {

bool is_valid_utf8(std::string_view bytes);

// Unicode NFC (ICU).
std::string nfc(std::string_view utf8);

// NFC, look-alikes folded (Ð U+00D0 → Đ U+0110, ð → đ), tone marks moved to one canonical
// position (Thuỷ → Thủy, Hoà → Hòa; in closed syllables Hòang → Hoàng), white space and
// control characters collapsed to single spaces and trimmed. Case is kept. Ill-formed UTF-8
// bytes become U+FFFD. See docs/text-normalisation.md.
std::string normalise_name(std::string_view utf8);

// normalise_name() then case-folded: two names are equal iff their match keys are equal.
std::string name_match_key(std::string_view utf8);

// Upper-case ASCII without diacritics, đ → D, single spaces: "NGUYEN VAN DUC".
// Collapses distinct names: a blocking key, never a match decision. Letters with no ASCII
// base (Ø, Cyrillic …) are kept, upper-cased; punctuation is kept.
std::string strip_key(std::string_view utf8);

enum class Encoding { Utf8, Tcvn3, Vni, Unknown };

// Guesses the encoding of bytes from a sector file (valid UTF-8 wins; otherwise scores
// TCVN3 and VNI-Windows marker bytes).
Encoding detect_encoding(std::string_view bytes);
// Decodes TCVN3 (ABC) or VNI-Windows bytes to NFC UTF-8; UTF-8 is NFC-normalised.
// TCVN3 has no upper-case accented letters: words otherwise written in capitals are
// re-capitalised. Unknown decodes as Windows-1252. Never fails: bytes outside a chart
// decode as their cp1252 character (U+FFFD for cp1252's holes).
std::string decode(std::string_view bytes, Encoding encoding);
// detect_encoding() then decode().
std::string to_utf8(std::string_view bytes);

// The reverse, for tests and for generating legacy sector files in benchmarks. The input is
// NFC-normalised first; a character the encoding cannot write becomes '?'. TCVN3 writes the
// capitals it has no code for with the lower-case code, as the .VnTimeH fonts did.
std::string encode_tcvn3(std::string_view utf8);
std::string encode_vni(std::string_view utf8);

struct NameParts {
  std::string surname;              // may be compound ("Tôn Nữ", "Âu Dương")
  std::vector<std::string> middle;  // 0..n
  std::string given;                // last token; empty for a one-token name
  // false when some token is not a Kinh syllable (minority or foreign names such as
  // "H' Hen Niê", "Ksor Y Đhăm"): the parts are then positional only — compare whole names.
  bool kinh_style = true;
};
// Splits a Kinh-style name; a name it does not recognise (minority names) keeps every token
// after the first in `middle`/`given` without forcing three parts.
NameParts split_name(std::string_view utf8);

}  // namespace ecid::text
