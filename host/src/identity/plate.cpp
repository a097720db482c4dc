// Plate rules (host/include/ecid/plate.hpp; docs/register.md, "Plate rules").
//
// The parse works on the compact form, so every spelling of a plate gives the same answer.
// The compact shapes do not overlap: car 1 letter + 4/5 digits (7-8 chars), motorbike
// letter+digit or two letters + 5 digits (9), electric MĐ+digit + 5 digits (10); the special
// series take the reserved two-letter pairs, which motorbike series never use.
#include <ecid/plate.hpp>

#include <algorithm>
#include <array>

namespace ecid {
namespace {

constexpr size_t kMaxPlateBytes = 32;

// The 20 series letters in use since 2010 (Circular 36/2010 onwards): no I, J, O, Q, R, W.
constexpr std::string_view kSeriesLetters = "ABCDEFGHKLMNPSTUVXYZ";

// Reserved two-letter series (docs/domain.md §5.1), issued in the car format 51LD-123.45 and never
// as a motorbike two-letter series: LD joint venture, DA projects, KT military-economic,
// NG diplomatic, QT international organisations, NN foreigners, CV consular/other foreign
// staff, LB/CT economic zones. MD is reserved for the electric series MĐ<digit>.
constexpr std::array<std::string_view, 9> kSpecialSeries = {"LD", "DA", "KT", "NG", "QT",
                                                            "NN", "CV", "LB", "CT"};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_series_letter(char c) { return kSeriesLetters.find(c) != std::string_view::npos; }
bool is_special_pair(std::string_view pair) {
  return std::find(kSpecialSeries.begin(), kSpecialSeries.end(), pair) != kSpecialSeries.end();
}
bool all_digits(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), is_digit); }

PlateParse rejected(std::string problem) {
  PlateParse r;
  r.problem = std::move(problem);
  return r;
}

std::string letter_problem(char c) {
  if (c == 'I' || c == 'J' || c == 'O' || c == 'Q')
    return std::string("series letter ") + c + " is obsolete (not issued since 2010)";
  if (c == 'W') return "W is not a Vietnamese series letter";
  if (c == 'R') return "R is the trailer series: written like a car plate (15R-123.45)";
  return std::string("'") + c + "' is not a series letter";
}

// "12345" → "123.45"; "1234" stays.
std::string printed_serial(std::string_view serial) {
  if (serial.size() != 5) return std::string(serial);
  return std::string(serial.substr(0, 3)) + "." + std::string(serial.substr(3));
}

std::string two_digits(int n) {
  return std::string{static_cast<char>('0' + n / 10), static_cast<char>('0' + n % 10)};
}

}  // namespace

std::string_view plate_kind_name(PlateKind kind) {
  switch (kind) {
    case PlateKind::Car: return "car";
    case PlateKind::Motorbike: return "motorbike";
    case PlateKind::Special: return "special";
    case PlateKind::Trailer: return "trailer";
  }
  return "car";
}

std::optional<PlateKind> plate_kind_by_name(std::string_view name) {
  for (PlateKind k : {PlateKind::Car, PlateKind::Motorbike, PlateKind::Special, PlateKind::Trailer})
    if (plate_kind_name(k) == name) return k;
  return std::nullopt;
}

PlateParse parse_plate(std::string_view text) {
  if (text.size() > kMaxPlateBytes)
    return rejected("a plate is at most " + std::to_string(kMaxPlateBytes) + " bytes long");
  // Compact form: letters upper-cased, Đ/đ as D, separators dropped.
  std::string compact;
  size_t first_separator_at = std::string::npos;  // compact length when the first separator came
  size_t stroke_d_at = std::string::npos;         // where a Đ stood in the compact form
  size_t dot_at = std::string::npos;              // compact length when a '.' came
  int dots = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (is_digit(c)) {
      compact += c;
    } else if (c >= 'a' && c <= 'z') {
      compact += static_cast<char>(c - 'a' + 'A');
    } else if (is_upper(c)) {
      compact += c;
    } else if (c == '-' || c == '.' || c == ' ' || c == '\t') {
      if (first_separator_at == std::string::npos && !compact.empty()) first_separator_at = compact.size();
      if (c == '.') {
        dot_at = compact.size();
        ++dots;
      }
    } else if (static_cast<unsigned char>(c) == 0xC4 && i + 1 < text.size() &&
               (static_cast<unsigned char>(text[i + 1]) == 0x90 || static_cast<unsigned char>(text[i + 1]) == 0x91)) {
      if (stroke_d_at != std::string::npos) return rejected("\xC4\x90 occurs only once, in the series M\xC4\x90");
      stroke_d_at = compact.size();
      compact += 'D';
      ++i;
    } else {
      return rejected("a plate holds only letters, digits, '-', '.' and spaces");
    }
  }
  if (compact.empty()) return rejected("the plate is empty");
  // "123.45": a dot only ever stands before the last two digits of the serial.
  if (dots > 1 || (dots == 1 && dot_at + 2 != compact.size()))
    return rejected("a '.' stands only before the last two digits of the serial (123.45)");
  if (compact.size() < 2 || !is_digit(compact[0]) || !is_digit(compact[1]))
    return rejected("a plate starts with its 2-digit locality code");

  Plate p;
  p.locality = (compact[0] - '0') * 10 + (compact[1] - '0');
  if (p.locality != 80) {
    p.province = province_by_plate_code(p.locality);
    if (p.province == nullptr)
      return rejected("locality code " + two_digits(p.locality) + " is not used on plates");
  }

  // Split the rest into series (letters, then the motorbike series digit) and serial.
  const std::string_view rest = std::string_view(compact).substr(2);
  size_t letters = 0;
  while (letters < rest.size() && is_upper(rest[letters])) ++letters;
  const std::string_view series_letters = rest.substr(0, letters);
  const std::string_view after = rest.substr(letters);
  if (letters == 0) return rejected("no series letter after the locality code");
  if (letters > 2) return rejected("a series has at most two letters");
  if (!all_digits(after)) return rejected("the serial must be digits only");
  if (stroke_d_at != std::string::npos && !(stroke_d_at == 3 && series_letters == "MD"))
    return rejected("\xC4\x90 is used only in the electric series M\xC4\x90 (29-M\xC4\x90" "1 013.53)");
  const bool motorbike_layout = first_separator_at == 2;  // "29-B1 123.45": separator after the locality

  if (letters == 1) {
    const char letter = series_letters[0];
    if (after.size() == 4 || after.size() == 5) {
      // Car shape (a motorbike never has a single-letter series without its digit).
      if (motorbike_layout)
        return rejected("written as a motorbike plate (NN-…) but its series has no digit or second letter; "
                        "motorbike serials have 5 digits");
      if (letter == 'R') {
        p.kind = PlateKind::Trailer;
      } else if (is_series_letter(letter)) {
        p.kind = PlateKind::Car;
      } else {
        return rejected(letter_problem(letter));
      }
      p.series = std::string(1, letter);
      p.serial = std::string(after);
    } else if (after.size() == 6) {
      // Motorbike letter + digit: "B1" + "12345". Written "30A-123456", a car plate with a
      // digit too many is meant.
      if (first_separator_at == 3) return rejected("written as a car plate (30A-…) but the serial has 6 digits");
      if (!is_series_letter(letter)) return rejected(letter_problem(letter));
      if (after[0] == '0') return rejected("a motorbike series digit is 1-9");
      p.kind = PlateKind::Motorbike;
      p.series = std::string(1, letter) + after[0];
      p.serial = std::string(after.substr(1));
    } else {
      return rejected("a car serial has 4 or 5 digits, a motorbike serial 5");
    }
  } else {  // two letters
    for (char c : series_letters)
      if (!is_series_letter(c) && !(series_letters == "QT" && c == 'Q')) return rejected(letter_problem(c));
    if (series_letters == "MD") {
      if (after.size() != 6)
        return rejected("the electric series M\xC4\x90 takes a digit and a 5-digit serial (29-M\xC4\x90" "1 013.53)");
      if (after[0] == '0') return rejected("a motorbike series digit is 1-9");
      p.kind = PlateKind::Motorbike;
      p.series = std::string("M\xC4\x90") + after[0];
      p.serial = std::string(after.substr(1));
    } else if (is_special_pair(series_letters)) {
      if (after.size() != 4 && after.size() != 5)
        return rejected("a special-series serial has 4 or 5 digits");
      p.kind = PlateKind::Special;
      p.series = std::string(series_letters);
      p.serial = std::string(after);
    } else {
      if (after.size() != 5) return rejected("a two-letter motorbike series takes a 5-digit serial");
      p.kind = PlateKind::Motorbike;
      p.series = std::string(series_letters);
      p.serial = std::string(after);
    }
  }
  if (p.serial.find_first_not_of('0') == std::string::npos)
    return rejected("serial " + printed_serial(p.serial) + " is never issued");

  // Key: the compact form (Đ as D). Display: the printed layout of the kind.
  p.key = compact;
  const std::string locality = two_digits(p.locality);
  if (p.kind == PlateKind::Motorbike)
    p.display = locality + "-" + p.series + " " + printed_serial(p.serial);
  else
    p.display = locality + p.series + "-" + printed_serial(p.serial);
  PlateParse r;
  r.plate = std::move(p);
  return r;
}

std::optional<std::string> plate_key(std::string_view text) {
  PlateParse r = parse_plate(text);
  if (!r.plate) return std::nullopt;
  return std::move(r.plate->key);
}

}  // namespace ecid
