// Test data typed from the Unicode charts, independent of the product's tables: the 12 vowels
// × 6 tones in both cases, đ/Đ, and a generator of plausible Vietnamese names.
#pragma once

#include <array>
#include <random>
#include <string>
#include <vector>

namespace ecid::testing {

// Rows: a ă â e ê i o ô ơ u ư y. Columns: level, grave, acute, hook, tilde, dot below.
// clang-format off
inline const std::array<std::array<const char*, 6>, 12> kLowerVowels = {{
    {"a", "à", "á", "ả", "ã", "ạ"}, {"ă", "ằ", "ắ", "ẳ", "ẵ", "ặ"}, {"â", "ầ", "ấ", "ẩ", "ẫ", "ậ"},
    {"e", "è", "é", "ẻ", "ẽ", "ẹ"}, {"ê", "ề", "ế", "ể", "ễ", "ệ"}, {"i", "ì", "í", "ỉ", "ĩ", "ị"},
    {"o", "ò", "ó", "ỏ", "õ", "ọ"}, {"ô", "ồ", "ố", "ổ", "ỗ", "ộ"}, {"ơ", "ờ", "ớ", "ở", "ỡ", "ợ"},
    {"u", "ù", "ú", "ủ", "ũ", "ụ"}, {"ư", "ừ", "ứ", "ử", "ữ", "ự"}, {"y", "ỳ", "ý", "ỷ", "ỹ", "ỵ"},
}};
// clang-format on
// clang-format off
inline const std::array<std::array<const char*, 6>, 12> kUpperVowels = {{
    {"A", "À", "Á", "Ả", "Ã", "Ạ"}, {"Ă", "Ằ", "Ắ", "Ẳ", "Ẵ", "Ặ"}, {"Â", "Ầ", "Ấ", "Ẩ", "Ẫ", "Ậ"},
    {"E", "È", "É", "Ẻ", "Ẽ", "Ẹ"}, {"Ê", "Ề", "Ế", "Ể", "Ễ", "Ệ"}, {"I", "Ì", "Í", "Ỉ", "Ĩ", "Ị"},
    {"O", "Ò", "Ó", "Ỏ", "Õ", "Ọ"}, {"Ô", "Ồ", "Ố", "Ổ", "Ỗ", "Ộ"}, {"Ơ", "Ờ", "Ớ", "Ở", "Ỡ", "Ợ"},
    {"U", "Ù", "Ú", "Ủ", "Ũ", "Ụ"}, {"Ư", "Ừ", "Ứ", "Ử", "Ữ", "Ự"}, {"Y", "Ỳ", "Ý", "Ỷ", "Ỹ", "Ỵ"},
}};
// clang-format on
// ASCII letter each vowel row strips to.
inline constexpr char kStrippedVowel[12] = {'A', 'A', 'A', 'E', 'E', 'I',
                                            'O', 'O', 'O', 'U', 'U', 'Y'};

// The 134 non-ASCII Vietnamese letters (67 lower-case, 67 capitals).
inline std::vector<std::string> non_ascii_letters(bool upper) {
  std::vector<std::string> out;
  const auto& table = upper ? kUpperVowels : kLowerVowels;
  for (const auto& row : table) {
    for (const char* letter : row) {
      if (std::string(letter).size() > 1) out.emplace_back(letter);
    }
  }
  out.emplace_back(upper ? "Đ" : "đ");
  return out;
}

// Decodes a string shown in cp1252 (every character ≤ U+00FF here) back to its bytes.
inline std::string latin1_bytes(const std::string& utf8) {
  std::string out;
  for (std::size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
    } else {
      out.push_back(static_cast<char>(((c & 0x1F) << 6) | (utf8[i + 1] & 0x3F)));
      i += 2;
    }
  }
  return out;
}

// Vowel nuclei as rows of kLowerVowels; the tone goes on `main`. `finals`: 0 = a final
// consonant may follow, 1 = none may, 2 = one must (tiên, not tiê).
struct Nucleus {
  std::vector<int> rows;
  int main;
  int finals;
};
inline const std::vector<Nucleus>& nuclei() {
  enum { A, AB, AC, E, EC, I, O, OC, OH, U, UH, Y };
  // clang-format off
  static const std::vector<Nucleus> list = {
      {{A}, 0, 0},          {{AB}, 0, 2},         {{AC}, 0, 2},         {{E}, 0, 0},
      {{EC}, 0, 0},         {{I}, 0, 0},          {{O}, 0, 0},          {{OC}, 0, 0},
      {{OH}, 0, 0},         {{U}, 0, 0},          {{UH}, 0, 0},         {{Y}, 0, 0},
      {{A, I}, 0, 1},       {{A, O}, 0, 1},       {{A, U}, 0, 1},       {{A, Y}, 0, 1},
      {{AC, U}, 0, 1},      {{AC, Y}, 0, 1},      {{E, O}, 0, 1},       {{EC, U}, 0, 1},
      {{I, A}, 0, 1},       {{I, EC}, 1, 2},      {{I, U}, 0, 1},       {{O, A}, 1, 0},
      {{O, AB}, 1, 2},      {{O, E}, 1, 0},       {{O, I}, 0, 1},       {{OC, I}, 0, 1},
      {{OH, I}, 0, 1},      {{U, A}, 0, 1},       {{U, AC}, 1, 2},      {{U, EC}, 1, 0},
      {{U, I}, 0, 1},       {{U, OC}, 1, 2},      {{U, Y}, 1, 0},       {{UH, A}, 0, 1},
      {{UH, I}, 0, 1},      {{UH, OH}, 1, 0},     {{UH, U}, 0, 1},      {{Y, EC}, 1, 2},
      {{U, OH}, 1, 1},      {{I, EC, U}, 1, 1},   {{O, A, I}, 1, 1},    {{U, OC, I}, 1, 1},
      {{UH, OH, I}, 1, 1},  {{UH, OH, U}, 1, 1},  {{U, Y, EC}, 2, 2},   {{Y, EC, U}, 1, 1},
      {{U, Y, A}, 1, 1},
  };
  // clang-format on
  return list;
}

// Random syllables: initial + nucleus + final, any tone, mostly title case.
class NameGenerator {
 public:
  explicit NameGenerator(unsigned seed) : rng_(seed) {}

  // Follows the spelling rules: k, gh, ngh before e ê i y and c, g, ng elsewhere; qu and gi
  // not before a vowel that would merge with their u or i.
  std::string syllable(bool upper_first, bool all_upper) {
    enum { A, AB, AC, E, EC, I, O, OC, OH, U, UH, Y };
    static const std::vector<std::string> kFrontInitials = {
        "",    "b",  "ch", "d",  "đ", "gh", "gi", "h",  "k", "kh", "l", "m", "n",
        "ngh", "nh", "ph", "qu", "s", "t",  "th", "tr", "v", "x",  "r", "p"};
    static const std::vector<std::string> kOtherInitials = {
        "",   "b",  "c",  "ch", "d", "đ", "g",  "gi", "h", "kh", "l", "m", "n",
        "ng", "nh", "ph", "qu", "s", "t", "th", "tr", "v", "x",  "r", "p"};
    static const char* kFinals[] = {"c", "ch", "m", "n", "ng", "nh", "p", "t"};
    const Nucleus& n = nuclei()[pick(nuclei().size())];
    const int head = n.rows[0];
    const bool front = head == E || head == EC || head == I || head == Y;
    const auto& initials = front ? kFrontInitials : kOtherInitials;
    std::string initial = initials[pick(initials.size())];
    if ((initial == "qu" && (head == U || head == UH || head == O || head == OC)) ||
        (initial == "gi" && (head == I || head == Y))) {
      initial = "";
    }
    std::string final_consonant;
    if (n.finals == 2 || (n.finals == 0 && pick(2) == 0))
      final_consonant = kFinals[pick(std::size(kFinals))];
    const int tone = static_cast<int>(pick(6));
    std::string s;
    bool first = true;
    auto add_consonants = [&](const std::string& letters) {
      for (std::size_t i = 0; i < letters.size();) {
        std::string letter = letters.substr(i, letters[i] == '\xc4' ? 2 : 1);  // đ is 2 bytes
        i += letter.size();
        if (all_upper || (first && upper_first)) {
          letter = letter == "đ" ? "Đ" : std::string(1, static_cast<char>(letter[0] - 32));
        }
        s += letter;
        first = false;
      }
    };
    add_consonants(initial);
    for (std::size_t i = 0; i < n.rows.size(); ++i) {
      const int t = static_cast<int>(i) == n.main ? tone : 0;
      const bool upper = all_upper || (first && upper_first);
      s += (upper ? kUpperVowels : kLowerVowels)[n.rows[i]][t];
      first = false;
    }
    add_consonants(final_consonant);
    return s;
  }

  std::string name(int words, bool all_upper = false) {
    std::string out;
    for (int i = 0; i < words; ++i) {
      if (i) out += ' ';
      out += syllable(true, all_upper);
    }
    return out;
  }

  std::size_t pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }
  std::mt19937& rng() { return rng_; }

 private:
  std::mt19937 rng_;
};

}  // namespace ecid::testing
