#include <ecid/date.hpp>
#include <ecid/matching.hpp>
#include <ecid/personal_id.hpp>
#include <ecid/text.hpp>

#include <algorithm>
#include <cctype>

namespace ecid {
namespace {

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string as_utf8(std::string_view s) { return text::is_valid_utf8(s) ? std::string(s) : text::to_utf8(s); }

FieldCheck check_name(uint32_t field, std::string_view claimed, std::string_view registered) {
  std::string c = as_utf8(claimed);
  if (text::name_match_key(c) == text::name_match_key(registered))
    return {field, ECID_CHECK_MATCH, "equal after normalisation"};
  if (text::strip_key(c) == text::strip_key(registered))
    return {field, ECID_CHECK_NEEDS_REVIEW, "agrees only without diacritics"};
  return {field, ECID_CHECK_MISMATCH, "differs from the register"};
}

FieldCheck check_date(uint32_t field, std::string_view claimed, std::string_view registered) {
  auto c = parse_date(claimed);
  if (!c) return {field, ECID_CHECK_MISMATCH, "the document's date is not a recognisable date"};
  auto r = parse_date(registered);
  if (!r) return {field, ECID_CHECK_NO_VALUE, "the register's date is unreadable"};
  switch (compare_dates(*c, *r)) {
    case DateAgreement::Equal:
      return {field, ECID_CHECK_MATCH, "equal"};
    case DateAgreement::PartialAgrees:
      return {field, ECID_CHECK_MATCH_PARTIAL,
              r->year_only() ? "register holds the year only; the year agrees"
              : c->year_only() ? "document gives the year only; the year agrees"
                               : "agrees on the known part of the date"};
    case DateAgreement::Differs:
      break;
  }
  return {field, ECID_CHECK_MISMATCH, c->year == r->year ? "same year, different day or month" : "different year"};
}

FieldCheck check_sex(std::string_view claimed, std::string_view registered) {
  char c = normalise_sex(claimed);
  char r = normalise_sex(registered);
  if (!c) return {ECID_F_SEX, ECID_CHECK_MISMATCH, "the document's sex value is not recognised"};
  if (!r) return {ECID_F_SEX, ECID_CHECK_NO_VALUE, "the register's sex value is unreadable"};
  return c == r ? FieldCheck{ECID_F_SEX, ECID_CHECK_MATCH, "equal"}
                : FieldCheck{ECID_F_SEX, ECID_CHECK_MISMATCH, "differs from the register"};
}

// Province codes of the ID number table are written "1", "01" or "001" by different systems.
FieldCheck check_province_code(uint32_t field, std::string_view claimed, std::string_view registered) {
  auto code = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    if (s.empty() || s.size() > 3) return -1;
    int value = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return -1;
      value = value * 10 + (c - '0');
    }
    return value;
  };
  const int c = code(claimed), r = code(registered);
  if (c < 0) return {field, ECID_CHECK_MISMATCH, "the document's value is not a province code"};
  if (r < 0) return {field, ECID_CHECK_NO_VALUE, "the register's value is not a province code"};
  return c == r ? FieldCheck{field, ECID_CHECK_MATCH, "same province code"}
                : FieldCheck{field, ECID_CHECK_MISMATCH, "different province code"};
}

FieldCheck check_exact(uint32_t field, std::string_view claimed, std::string_view registered) {
  return text::nfc(claimed) == text::nfc(registered) ? FieldCheck{field, ECID_CHECK_MATCH, "equal"}
                                                     : FieldCheck{field, ECID_CHECK_MISMATCH, "differs from the register"};
}

FieldCheck check_id_structure(const RegisterRecord& record) {
  const std::string* id = record.find(ECID_F_PERSONAL_ID);
  if (!id) return {ECID_F_PERSONAL_ID, ECID_CHECK_NO_VALUE, "no ID number on the record"};
  PersonalIdInfo info = decode_personal_id(*id);
  if (!info.valid) return {ECID_F_PERSONAL_ID, ECID_CHECK_MISMATCH, "ID number structure invalid: " + std::string(info.problem)};
  const std::string* sex = record.find(ECID_F_SEX);
  const std::string* birth = record.find(ECID_F_BIRTH_DATE);
  char s = sex ? normalise_sex(*sex) : 0;
  int year = 0;
  if (birth)
    if (auto d = parse_date(*birth)) year = d->year;
  if (auto problem = id_structure_problem(info, s, year))
    return {ECID_F_PERSONAL_ID, ECID_CHECK_MISMATCH, "register: " + *problem};
  return {ECID_F_PERSONAL_ID, ECID_CHECK_MATCH, "ID digits agree with the record's sex and birth year"};
}

}  // namespace

char normalise_sex(std::string_view text) {
  std::string t = lower_ascii(text::nfc(text));
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) t.erase(t.begin());
  if (t == "m" || t == "nam" || t == "male") return 'M';
  // "Nữ" lower-cased byte-wise keeps the UTF-8 of ữ (c5 a9 ... ) intact.
  if (t == "f" || t == "female" || t == "nu" || t == "n\xe1\xbb\xaf" || t == "n\xe1\xbb\xae") return 'F';
  return 0;
}

FieldSet fields_needed_for_checks(std::span<const Claim> claims, bool check_id_structure) {
  FieldSet f;
  for (const Claim& c : claims) f.add(c.field);
  if (check_id_structure) {
    f.add(ECID_F_PERSONAL_ID);
    f.add(ECID_F_SEX);
    f.add(ECID_F_BIRTH_DATE);
  }
  return f;
}

std::vector<FieldCheck> check_claims(std::span<const Claim> claims, const RegisterRecord& record,
                                     bool check_id_structure_too) {
  std::vector<FieldCheck> out;
  out.reserve(claims.size() + 1);
  for (const Claim& c : claims) {
    const std::string* reg = record.find(c.field);
    if (!reg || reg->empty()) {
      out.push_back({c.field, ECID_CHECK_NO_VALUE, "the register holds no value"});
      continue;
    }
    switch (c.field) {
      case ECID_F_FULL_NAME:
      case ECID_F_OTHER_NAMES:
      case ECID_F_ORG_REPRESENTATIVE_NAME:
      case ECID_F_ORG_NAME:
        out.push_back(check_name(c.field, c.value, *reg));
        break;
      case ECID_F_BIRTH_DATE:
      case ECID_F_DEATH_DATE:
        out.push_back(check_date(c.field, c.value, *reg));
        break;
      case ECID_F_SEX:
        out.push_back(check_sex(c.value, *reg));
        break;
      case ECID_F_BIRTH_REGISTRATION_PLACE:
        out.push_back(check_province_code(c.field, c.value, *reg));
        break;
      default:
        out.push_back(check_exact(c.field, c.value, *reg));
    }
  }
  if (check_id_structure_too) out.push_back(check_id_structure(record));
  return out;
}

}  // namespace ecid
