// Social-insurance adapter: collates a batch of VSS participant records (a ParticipantBatch XML
// document, urn:ecid:social-insurance:participants:1, or a CSV export with a header) with the
// population register. The formats and the classes are described in plugins/social_insurance/README.md.
//
// Pure function of data: open() parses, plan() asks one round of look-ups (by personal ID, by
// legacy ID, or a candidate search when no ID is given, plus the batch-wide duplicate check),
// assess() turns the host's answers and claim checks into findings, one list per record.
// Each query and finding names its record (contract 1.3: `record`, the record's 1-based position
// in the document), which is how `ecid collate` puts each finding on its input record; its
// subject reads "record[n] SI <code>" (docs/contract.md).
// No I/O, no logging of personal data.

// ECID_Q_BATCH_DUPLICATES and ECID_F_SECTOR_RECORD_ID were added in ABI 1.1, `record` on
// queries and findings in 1.3.
#define ECID_ADAPTER_ABI_MINOR 3
#include <ecid/adapter.hpp>
#include <ecid/sdk_answers.hpp>
#include <ecid/sdk_document.hpp>
#include <ecid/sdk_person.hpp>
#include <ecid/sdk_text.hpp>
#include <ecid/sdk_xml.hpp>

#include <pugixml.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using ecid::sdk::all_digits;
using ecid::sdk::field_label;
using ecid::sdk::Finding;
using ecid::sdk::InvalidDocument;
using ecid::sdk::is_valid_utf8;
using ecid::sdk::join_and;
using ecid::sdk::local_name;
using ecid::sdk::namespace_of;
using ecid::sdk::trim;
using ecid::sdk::with_default;

constexpr ecid::sdk::XmlRoot kBatch{"ParticipantBatch", "urn:ecid:social-insurance:participants:1"};
constexpr std::string_view kPurpose = "social_insurance.collation";

// Bounds that keep a hostile document from costing more than a real one ever needs. A chunk
// from `ecid collate` holds at most its --chunk records; a document checked alone is smaller.
constexpr size_t kMaxDocumentBytes = 512u << 20;
constexpr size_t kMaxFieldBytes = 1024;
// A field over the bound is a bad record (read_fields), not a refusal of the batch.
constexpr ecid::sdk::XmlLimits kXmlLimits{.max_document_bytes = kMaxDocumentBytes, .max_field_bytes = 0};
constexpr size_t kMaxRecords = 4u << 20;
constexpr size_t kMaxOtherCodesShown = 5;

constexpr uint32_t kByIdFields[] = {ECID_F_DEATH_DATE};
constexpr uint32_t kResolvingFields[] = {ECID_F_PERSONAL_ID, ECID_F_DEATH_DATE};
constexpr uint32_t kDuplicateFields[] = {ECID_F_SECTOR_RECORD_ID};

// ---------------------------------------------------------------------------------------------
// Text. The shared helpers are the SDK's (ecid/sdk_text.hpp); these are social insurance's own.

// Identifiers are printed in groups ("001 085 000 101", "01-2087-8811"): keep the digits when
// only digits and separators are present, else return the text unchanged (it then fails).
std::string compact_number(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c >= '0' && c <= '9') out += c;
    else if (c != ' ' && c != '.' && c != '-' && c != '\t') return std::string(s);
  }
  return out;
}

// Sex as VSS systems write it: M/F, Nam/Nữ (NFC or NFD, any case), or the numeric 1 = male,
// 2 = female of the health-insurance card. Returns 'M', 'F' or 0.
char parse_sex(std::string_view s) {
  std::string lower;
  for (char c : s) lower += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  if (lower == "m" || lower == "nam" || lower == "1" || lower == "male") return 'M';
  static constexpr std::string_view kFemale[] = {
      "f", "female", "2", "nu", "n\xE1\xBB\xAF", "n\xE1\xBB\xAE",  // nữ, nỮ (NFC)
      "nu\xCC\x9B\xCC\x83", "nU\xCC\x9B\xCC\x83"};                 // the same, NFD
  for (std::string_view f : kFemale)
    if (lower == f) return 'F';
  return 0;
}

// ---------------------------------------------------------------------------------------------
// One participant record as read from the document.

enum class Path : uint8_t { Bad, ById, ByLegacyId, Candidates, NoSearch, Unusable };

// A finding known from the document alone, emitted in assess() with its rank.
struct Note {
  uint32_t code;
  uint32_t field;
  std::string detail;
};

struct Participant {
  uint32_t number = 0;      // 1-based position in the document
  std::string si_code;
  std::string full_name;
  std::string birth_date;   // as written; the host parses and compares it
  std::string sex;          // "M", "F" or empty
  std::string personal_id;  // 12 digits
  std::string legacy_id;    // 9 digits
  std::string registration; // province code digits ("01", "001")
  Path path = Path::Bad;
  std::vector<Note> notes;  // bad record, unusable fields, structure inconsistency
  uint32_t lookup_query = 0;
  uint32_t duplicate_query = 0;
};

// The raw text of the fields, whatever the format.
struct RawFields {
  std::optional<std::string_view> si_code, full_name, birth_date, sex, personal_id, legacy_id, registration;
};

// ---------------------------------------------------------------------------------------------
// CSV (one record per line; RFC 4180 quoting within a line).

enum class Column : uint8_t { Ignored, SiCode, FullName, BirthDate, Sex, PersonalId, LegacyId, Registration };

// Header names: English snake case, VSS API names and Vietnamese without diacritics. Compared
// after lower-casing ASCII and dropping spaces, '_' and '-'.
Column column_of(std::string_view header) {
  std::string key;
  for (char c : header) {
    if (c == ' ' || c == '_' || c == '-' || c == '\t') continue;
    key += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  static const std::map<std::string, Column, std::less<>> kNames = {
      {"sicode", Column::SiCode}, {"socialinsurancecode", Column::SiCode}, {"masobhxh", Column::SiCode},
      {"mabhxh", Column::SiCode},
      {"fullname", Column::FullName}, {"hoten", Column::FullName}, {"name", Column::FullName},
      {"birthdate", Column::BirthDate}, {"dateofbirth", Column::BirthDate}, {"ngaysinh", Column::BirthDate},
      {"sex", Column::Sex}, {"gender", Column::Sex}, {"gioitinh", Column::Sex},
      {"personalid", Column::PersonalId}, {"sodinhdanh", Column::PersonalId}, {"cccd", Column::PersonalId},
      {"idnumber", Column::PersonalId}, {"cmnd", Column::PersonalId},
      {"legacyid", Column::LegacyId}, {"cmnd9", Column::LegacyId},
      {"birthregistrationplace", Column::Registration}, {"birthregistrationprovince", Column::Registration},
      {"matinhks", Column::Registration}};
  auto it = kNames.find(key);
  return it == kNames.end() ? Column::Ignored : it->second;
}

// Splits one line into fields. Returns an empty optional and a reason for a malformed line.
bool split_csv_line(std::string_view line, char delimiter, std::vector<std::string_view>& fields,
                    std::string& unquoted, std::string& why) {
  fields.clear();
  unquoted.clear();
  // Quoted fields with doubled quotes are unescaped into `unquoted`; reserve so views stay valid.
  unquoted.reserve(line.size());
  size_t i = 0;
  while (true) {
    if (i < line.size() && line[i] == '"') {
      const size_t start = unquoted.size();
      ++i;
      bool closed = false;
      while (i < line.size()) {
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            unquoted += '"';
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        unquoted += line[i++];
      }
      if (!closed) {
        why = "unbalanced quotes";
        return false;
      }
      fields.emplace_back(unquoted.data() + start, unquoted.size() - start);
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
      if (i == line.size()) return true;
      if (line[i] != delimiter) {
        why = "text after a closing quote";
        return false;
      }
      ++i;
      continue;
    }
    size_t end = line.find(delimiter, i);
    if (end == std::string_view::npos) end = line.size();
    std::string_view field = line.substr(i, end - i);
    if (field.find('"') != std::string_view::npos) {
      why = "a quote inside an unquoted field";
      return false;
    }
    fields.push_back(field);
    if (end == line.size()) return true;
    i = end + 1;
  }
}

char detect_delimiter(std::string_view header) {
  size_t comma = 0, semicolon = 0, tab = 0;
  bool quoted = false;
  for (char c : header) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    comma += c == ',';
    semicolon += c == ';';
    tab += c == '\t';
  }
  if (semicolon > comma && semicolon >= tab) return ';';
  if (tab > comma && tab > semicolon) return '\t';
  return ',';
}

// ---------------------------------------------------------------------------------------------

class Batch final : public ecid::sdk::Session {
 public:
  Batch(const ecid::sdk::Host& host, std::string_view document) : host_(host) { parse(document); }

  std::string_view document_ref() const override { return batch_ref_; }

  void plan(uint32_t round, const ecid::sdk::Answers&, ecid::sdk::Planner& planner) override {
    if (round != 0) return;  // one round: every look-up is known from the document
    std::vector<ecid::sdk::Claim> claims;
    std::string ref;
    for (Participant& p : records_) {
      if (p.path == Path::Bad || p.path == Path::Unusable || p.path == Path::NoSearch) continue;
      subject_ref(p, ref);
      planner.set_record(p.number);
      claims.clear();
      if (!p.full_name.empty()) claims.push_back({ECID_F_FULL_NAME, p.full_name});
      if (!p.birth_date.empty()) claims.push_back({ECID_F_BIRTH_DATE, p.birth_date});
      if (!p.sex.empty()) claims.push_back({ECID_F_SEX, p.sex});
      if (!p.registration.empty()) claims.push_back({ECID_F_BIRTH_REGISTRATION_PLACE, p.registration});
      switch (p.path) {
        case Path::ById:
          p.lookup_query = planner.ask(ECID_Q_PERSON_BY_ID, ref, p.personal_id, kPurpose, claims, kByIdFields);
          break;
        case Path::ByLegacyId:
          p.lookup_query = planner.ask(ECID_Q_PERSON_BY_LEGACY_ID, ref, p.legacy_id, kPurpose, claims,
                                       kResolvingFields);
          break;
        case Path::Candidates:
          p.lookup_query = planner.ask(ECID_Q_PERSON_CANDIDATES, ref, {}, kPurpose, claims, kResolvingFields);
          break;
        default:
          break;
      }
      // Duplicates: the same ID on several SI codes anywhere in the batch (the host knows the
      // whole batch; this document may be one chunk of it).
      const std::string& id = p.path == Path::ById ? p.personal_id : p.legacy_id;
      if (p.path == Path::ById || p.path == Path::ByLegacyId) {
        const ecid::sdk::Claim own[] = {{ECID_F_SECTOR_RECORD_ID, p.si_code}};
        p.duplicate_query = planner.ask(ECID_Q_BATCH_DUPLICATES, ref, id, kPurpose, own, kDuplicateFields);
      }
    }
  }

  void assess(const ecid::sdk::Answers& answers, ecid::sdk::Reporter& reporter) override {
    index_answers(answers);
    for (Participant& p : records_) assess_record(p, answers, reporter);
  }

 private:
  // ---- parsing ------------------------------------------------------------------------------

  void parse(std::string_view document) {
    ecid::sdk::check_document_bytes(document, kMaxDocumentBytes);
    if (document.substr(0, 3) == "\xEF\xBB\xBF") document.remove_prefix(3);
    const size_t first = document.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) throw InvalidDocument("empty document");
    if (document[first] == '<') parse_xml(document);
    else parse_csv(document);
  }

  void parse_csv(std::string_view document) {
    size_t pos = 0;
    auto next_line = [&](std::string_view& line) {
      if (pos >= document.size()) return false;
      size_t end = document.find('\n', pos);
      if (end == std::string_view::npos) end = document.size();
      line = document.substr(pos, end - pos);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      pos = end + 1;
      return true;
    };
    std::string_view header;
    while (next_line(header) && trim(header).empty()) {
    }
    if (trim(header).empty()) throw InvalidDocument("CSV has no header line");
    if (!is_valid_utf8(header)) throw InvalidDocument("CSV header is not valid UTF-8");
    const char delimiter = detect_delimiter(header);
    std::vector<std::string_view> fields;
    std::string unquoted, why;
    if (!split_csv_line(header, delimiter, fields, unquoted, why)) throw InvalidDocument("CSV header: " + why);
    std::vector<Column> columns;
    std::array<int, 8> seen{};
    for (std::string_view f : fields) {
      const Column c = column_of(trim(f));
      if (c != Column::Ignored && seen[static_cast<size_t>(c)]++)
        throw InvalidDocument("CSV header names column '" + std::string(trim(f).substr(0, 64)) + "' twice");
      columns.push_back(c);
    }
    const std::pair<Column, const char*> kRequired[] = {{Column::SiCode, "si_code (ma_so_bhxh)"},
                                                        {Column::FullName, "full_name (ho_ten)"},
                                                        {Column::BirthDate, "birth_date (ngay_sinh)"},
                                                        {Column::Sex, "sex (gioi_tinh)"},
                                                        {Column::PersonalId, "personal_id (so_dinh_danh)"}};
    for (const auto& [c, name] : kRequired)
      if (!seen[static_cast<size_t>(c)]) throw InvalidDocument(std::string("CSV header has no column ") + name);

    records_.reserve(static_cast<size_t>(std::count(document.begin() + static_cast<std::ptrdiff_t>(pos), document.end(), '\n')) + 1);
    std::string_view line;
    while (next_line(line)) {
      if (trim(line).empty()) continue;  // blank lines are not records
      if (records_.size() >= kMaxRecords) throw InvalidDocument("too many records in one document");
      Participant& p = new_record();
      if (line.size() > 64 * 1024) {
        bad(p, "line longer than 64 KiB");
        continue;
      }
      if (!is_valid_utf8(line)) {
        bad(p, "line is not valid UTF-8");
        continue;
      }
      if (!split_csv_line(line, delimiter, fields, unquoted, why)) {
        bad(p, "malformed CSV line: " + why);
        continue;
      }
      if (fields.size() != columns.size()) {
        bad(p, "malformed CSV line: " + std::to_string(fields.size()) + " fields, the header has " +
                   std::to_string(columns.size()));
        continue;
      }
      RawFields raw;
      for (size_t i = 0; i < fields.size(); ++i) {
        switch (columns[i]) {
          case Column::SiCode: raw.si_code = fields[i]; break;
          case Column::FullName: raw.full_name = fields[i]; break;
          case Column::BirthDate: raw.birth_date = fields[i]; break;
          case Column::Sex: raw.sex = fields[i]; break;
          case Column::PersonalId: raw.personal_id = fields[i]; break;
          case Column::LegacyId: raw.legacy_id = fields[i]; break;
          case Column::Registration: raw.registration = fields[i]; break;
          case Column::Ignored: break;
        }
      }
      read_fields(p, raw);
    }
  }

  void parse_xml(std::string_view document) {
    // An encoding error is fatal in XML (a whole export in TCVN3 or VNI, say), unlike one bad CSV line.
    const ecid::sdk::XmlDocument xml(document, kXmlLimits, {kBatch});
    const pugi::xml_node root = xml.root();
    if (const char* ref = root.attribute("batchId").value(); *ref) batch_ref_ = std::string(trim(ref).substr(0, 128));
    size_t elements = 0;
    for (pugi::xml_node n = root.first_child(); n; n = n.next_sibling()) elements += n.type() == pugi::node_element;
    records_.reserve(elements);
    for (pugi::xml_node n = root.first_child(); n; n = n.next_sibling()) {
      if (n.type() != pugi::node_element) continue;  // text and comments between records
      if (records_.size() >= kMaxRecords) throw InvalidDocument("too many records in one document");
      Participant& p = new_record();
      if (local_name(n) != "Participant" || namespace_of(n) != kBatch.ns) {
        bad(p, "unexpected element <" + std::string(local_name(n).substr(0, 64)) + ">, expected <Participant>");
        continue;
      }
      RawFields raw;
      std::string problem;
      static constexpr std::pair<std::string_view, std::optional<std::string_view> RawFields::*> kElements[] = {
          {"SiCode", &RawFields::si_code},         {"FullName", &RawFields::full_name},
          {"BirthDate", &RawFields::birth_date},   {"Sex", &RawFields::sex},
          {"PersonalId", &RawFields::personal_id}, {"LegacyId", &RawFields::legacy_id},
          {"BirthRegistrationPlace", &RawFields::registration}};
      for (pugi::xml_node c = n.first_child(); c && problem.empty(); c = c.next_sibling()) {
        if (c.type() != pugi::node_element || namespace_of(c) != kBatch.ns) continue;  // unknown: ignored
        for (const auto& [name, member] : kElements) {
          if (local_name(c) != name) continue;
          if ((raw.*member).has_value()) {
            problem = "element <" + std::string(name) + "> appears twice";
            break;
          }
          pugi::xml_node text = c.first_child();
          if (text && (text.next_sibling() || (text.type() != pugi::node_pcdata && text.type() != pugi::node_cdata))) {
            problem = "element <" + std::string(name) + "> must hold text only";
            break;
          }
          raw.*member = std::string_view(text ? text.value() : "");
        }
      }
      if (!problem.empty()) {
        bad(p, problem);
        continue;
      }
      read_fields(p, raw);
    }
  }

  Participant& new_record() {
    records_.emplace_back();
    Participant& p = records_.back();
    p.number = static_cast<uint32_t>(records_.size());
    return p;
  }

  // "record[n] SI 0120878811" for people to read, never the name (privacy); the host takes the
  // record's number from `record` (1.3), not from this text. Built when needed, into a reused buffer.
  static void subject_ref(const Participant& p, std::string& out) {
    out = "record[";
    out += std::to_string(p.number);
    out += ']';
    if (!p.si_code.empty()) {
      out += " SI ";
      out += p.si_code;
    }
  }

  static void bad(Participant& p, std::string reason) {
    p.path = Path::Bad;
    p.notes.push_back({ECID_FINDING_INVALID_INPUT, 0, std::move(reason)});
  }

  void read_fields(Participant& p, const RawFields& raw) {
    for (const auto* f : {&raw.si_code, &raw.full_name, &raw.birth_date, &raw.sex, &raw.personal_id,
                          &raw.legacy_id, &raw.registration}) {
      if (!f->has_value()) continue;
      if ((*f)->size() > kMaxFieldBytes) return bad(p, "a field is longer than 1 KiB");
      if (!is_valid_utf8(**f)) return bad(p, "a field is not valid UTF-8");
    }
    // The SI code names the record for VSS: without it the record cannot be corrected.
    const std::string si = compact_number(trim(raw.si_code.value_or("")));
    if (si.empty()) return bad(p, "no social-insurance code");
    if (si.size() != 10 || !all_digits(si)) return bad(p, "the social-insurance code is not 10 digits");
    p.si_code = si;

    p.full_name = std::string(trim(raw.full_name.value_or("")));
    if (p.full_name.empty()) p.notes.push_back({ECID_FINDING_INVALID_INPUT, ECID_F_FULL_NAME, "no full name given; not compared"});

    std::optional<int> birth_year;
    const std::string_view birth = trim(raw.birth_date.value_or(""));
    if (birth.empty()) {
      p.notes.push_back({ECID_FINDING_INVALID_INPUT, ECID_F_BIRTH_DATE, "no birth date given; not compared"});
    } else if (auto d = host_.parse_date(birth)) {
      p.birth_date = std::string(birth);
      birth_year = d->year;
    } else {
      p.notes.push_back({ECID_FINDING_INVALID_INPUT, ECID_F_BIRTH_DATE,
                         "the birth date is not a date in any known format; not compared"});
    }

    const std::string_view sex = trim(raw.sex.value_or(""));
    if (sex.empty()) {
      p.notes.push_back({ECID_FINDING_INVALID_INPUT, ECID_F_SEX, "no sex given; not compared"});
    } else if (char s = parse_sex(sex)) {
      p.sex = std::string(1, s);
    } else {
      p.notes.push_back({ECID_FINDING_INVALID_INPUT, ECID_F_SEX,
                         "sex is not M, F, Nam, N\xE1\xBB\xAF, 1 (male) or 2 (female); not compared"});
    }

    const std::string_view place = trim(raw.registration.value_or(""));
    if (!place.empty()) {
      if (all_digits(place) && place.size() <= 3 && place.find_first_not_of('0') != std::string_view::npos)
        p.registration = std::string(place);
      else
        p.notes.push_back({ECID_FINDING_INVALID_INPUT, ECID_F_BIRTH_REGISTRATION_PLACE,
                           "the birth registration place is not a province code; not compared"});
    }

    // One ID column holds either the 12-digit personal ID or, in older records, the 9-digit CMND.
    std::string id = compact_number(trim(raw.personal_id.value_or("")));
    std::string legacy = compact_number(trim(raw.legacy_id.value_or("")));
    if (id.empty() && !legacy.empty()) id = legacy;
    if (id.empty()) {
      p.path = !p.full_name.empty() && !p.birth_date.empty() ? Path::Candidates : Path::NoSearch;
      return;
    }
    if (id.size() == 9 && all_digits(id)) {
      p.legacy_id = id;
      p.path = Path::ByLegacyId;
      return;
    }
    if (id.size() != 12 || !all_digits(id)) {
      p.path = Path::Unusable;
      p.notes.push_back({ECID_FINDING_INVALID_INPUT, ECID_F_PERSONAL_ID,
                         "the ID is neither a 12-digit personal ID nor a 9-digit legacy ID"});
      return;
    }
    const ecid_personal_id_info info = host_.decode_personal_id(id);
    if (!info.valid) {
      p.path = Path::Unusable;
      p.notes.push_back({ECID_FINDING_INVALID_INPUT, ECID_F_PERSONAL_ID,
                         "the personal ID cannot exist: " + std::string(with_default(ecid::sdk::view(info.problem), "bad structure"))});
      return;
    }
    p.personal_id = std::move(id);
    p.path = Path::ById;
    // The ID's digits encode sex, century and birth year: do they agree with the record itself?
    if (std::string detail = ecid::sdk::id_digits_disagreement(info, p.sex, birth_year, "record"); !detail.empty())
      p.notes.push_back({ECID_FINDING_ID_STRUCTURE_INCONSISTENT, ECID_F_PERSONAL_ID, std::move(detail)});
  }

  // ---- assessing ----------------------------------------------------------------------------

  // Answers by query id: the host gives ids in any order, so index them once.
  void index_answers(const ecid::sdk::Answers& answers) {
    answer_at_.clear();
    uint32_t max_id = 0;
    for (size_t i = 0; i < answers.size(); ++i) max_id = std::max(max_id, answers[i].query_id());
    if (max_id <= 8 * answers.size() + 64) {
      answer_at_.assign(max_id + 1, UINT32_MAX);
      for (size_t i = 0; i < answers.size(); ++i) answer_at_[answers[i].query_id()] = static_cast<uint32_t>(i);
    } else {
      sparse_.clear();
      for (size_t i = 0; i < answers.size(); ++i) sparse_[answers[i].query_id()] = static_cast<uint32_t>(i);
    }
  }
  std::optional<ecid::sdk::Answer> answer_for(const ecid::sdk::Answers& answers, uint32_t id) const {
    if (id == 0) return std::nullopt;
    if (!answer_at_.empty()) {
      if (id < answer_at_.size() && answer_at_[id] != UINT32_MAX) return answers[answer_at_[id]];
      return std::nullopt;
    }
    auto it = sparse_.find(id);
    if (it == sparse_.end()) return std::nullopt;
    return answers[it->second];
  }

  // Findings are emitted in order of rank: the first one is the record's class in `ecid collate`.
  enum Rank : uint8_t {
    kBadRecord, kInvalidId, kNotFound, kUnavailable, kMismatch, kLoose, kInvalidField, kDeceased,
    kStructure, kDuplicate, kLegacy, kNoIdOutcome, kVerified
  };
  struct Pending {
    Rank rank;
    Finding finding;
  };

  void assess_record(const Participant& p, const ecid::sdk::Answers& answers, ecid::sdk::Reporter& out) {
    std::vector<Pending>& list = pending_;
    list.clear();
    for (const Note& n : p.notes) {
      Rank r = n.code == ECID_FINDING_ID_STRUCTURE_INCONSISTENT ? kStructure
               : n.field == 0                                    ? kBadRecord
               : n.field == ECID_F_PERSONAL_ID                   ? kInvalidId
                                                                 : kInvalidField;
      list.push_back({r, {n.code, ECID_SEVERITY_ATTENTION, n.field, {}, n.detail}});
    }
    switch (p.path) {
      case Path::Bad:
      case Path::Unusable:
        break;
      case Path::NoSearch:
        list.push_back({kNoIdOutcome, {ECID_FINDING_NO_ID_GIVEN, ECID_SEVERITY_ATTENTION, 0, {},
                                       "no ID given, and a candidate search needs the full name and the birth date"}});
        break;
      case Path::Candidates:
        assess_candidates(p, answers, list);
        break;
      case Path::ById:
      case Path::ByLegacyId:
        assess_lookup(p, answers, list);
        break;
    }
    std::stable_sort(list.begin(), list.end(), [](const Pending& a, const Pending& b) { return a.rank < b.rank; });
    subject_ref(p, ref_);
    out.set_record(p.number);
    for (const Pending& f : list) out.add(ref_, f.finding);
  }

  void assess_lookup(const Participant& p, const ecid::sdk::Answers& answers, std::vector<Pending>& list) {
    const bool by_id = p.path == Path::ById;
    const uint32_t id_field = by_id ? ECID_F_PERSONAL_ID : ECID_F_LEGACY_ID;
    const auto answer = answer_for(answers, p.lookup_query);
    if (auto f = ecid::sdk::lookup_failure(answer, "the host returned no answer for this record's look-up"))
      return list.push_back({kUnavailable, std::move(*f)});
    if (auto f = ecid::sdk::person_not_found(*answer, id_field))
      return list.push_back({answer->status() == ECID_ANSWER_NOT_FOUND ? kNotFound : kInvalidId, std::move(*f)});
    if (answer->record_count() > 1) {
      list.push_back({kNotFound, {ECID_FINDING_AMBIGUOUS, ECID_SEVERITY_ATTENTION, id_field, {},
                                  "the register holds " + std::to_string(answer->record_count()) +
                                      " people with this ID; not decided"}});
      return;
    }
    const ecid::sdk::Record record = answer->record(0);
    const bool attention_before = std::any_of(list.begin(), list.end(), [](const Pending& f) {
      return f.finding.severity != ECID_SEVERITY_OK;
    });
    std::vector<std::string_view> agree, no_value;
    bool year_only = false, disagreement = false;
    static constexpr uint32_t kClaimed[] = {ECID_F_FULL_NAME, ECID_F_BIRTH_DATE, ECID_F_SEX,
                                            ECID_F_BIRTH_REGISTRATION_PLACE};
    for (uint32_t field : kClaimed) {
      const uint32_t outcome = record.check(field);
      const std::string_view reason = record.check_reason(field);
      switch (outcome) {
        case 0:
          break;  // not claimed
        case ECID_CHECK_MATCH:
          agree.push_back(field_label(field));
          break;
        case ECID_CHECK_MATCH_PARTIAL:
          agree.push_back(field_label(field));
          if (field == ECID_F_BIRTH_DATE) year_only = true;
          break;
        case ECID_CHECK_MISMATCH:
          disagreement = true;
          list.push_back({kMismatch, {ECID_FINDING_MISMATCH, ECID_SEVERITY_ATTENTION, field, {},
                                      std::string(field_label(field)) + ": " + std::string(with_default(reason, "differs from the register"))}});
          break;
        case ECID_CHECK_NEEDS_REVIEW:
          disagreement = true;
          list.push_back({kLoose, {ECID_FINDING_NEEDS_REVIEW, ECID_SEVERITY_ATTENTION, field, {},
                                   std::string(field_label(field)) + ": " + std::string(with_default(reason, "agrees only loosely"))}});
          break;
        case ECID_CHECK_NO_VALUE:
          no_value.push_back(field_label(field));
          break;
        default:
          disagreement = true;
          list.push_back({kLoose, {ECID_FINDING_NEEDS_REVIEW, ECID_SEVERITY_ATTENTION, field, {},
                                   "unknown check outcome " + std::to_string(outcome)}});
      }
    }
    bool register_inconsistent = false;
    if (record.check(ECID_F_PERSONAL_ID) == ECID_CHECK_MISMATCH) {
      register_inconsistent = true;
      std::string reason(with_default(record.check_reason(ECID_F_PERSONAL_ID), "the ID's digits disagree with the record"));
      if (reason.rfind("register", 0) != 0) reason = "register: " + reason;
      list.push_back({kStructure, {ECID_FINDING_ID_STRUCTURE_INCONSISTENT, ECID_SEVERITY_ATTENTION, ECID_F_PERSONAL_ID, {},
                                   std::move(reason)}});
    }
    const std::string_view death = trim(record.value_or_empty(ECID_F_DEATH_DATE));
    if (!death.empty())
      list.push_back({kDeceased, {ECID_FINDING_DECEASED, ECID_SEVERITY_ATTENTION, ECID_F_DEATH_DATE, std::string(death),
                                  "the register records this person as deceased"}});
    if (!by_id) {
      const std::string_view resolved = trim(record.value_or_empty(ECID_F_PERSONAL_ID));
      list.push_back({kLegacy, {ECID_FINDING_LEGACY_ID_RESOLVED, ECID_SEVERITY_OK, ECID_F_PERSONAL_ID, std::string(resolved),
                                resolved.empty() ? "legacy ID found; the register did not disclose the personal ID"
                                                 : "legacy ID resolved to the personal ID"}});
    }
    assess_duplicate(p, answers, list);
    const bool attention = std::any_of(list.begin(), list.end(), [](const Pending& f) {
      return f.finding.severity != ECID_SEVERITY_OK;
    });
    if (!attention && !attention_before && !disagreement && !register_inconsistent) {
      std::string detail = by_id ? "personal ID found" : "legacy ID found";
      if (!agree.empty()) detail += "; " + join_and(agree) + (agree.size() == 1 ? " agrees" : " agree");
      if (year_only) detail += "; birth date agrees on the year only";
      if (!no_value.empty()) detail += "; the register holds no " + join_and(no_value);
      list.push_back({kVerified, {ECID_FINDING_VERIFIED, ECID_SEVERITY_OK, year_only ? uint32_t{ECID_F_BIRTH_DATE} : 0u, {},
                                  std::move(detail)}});
    }
  }

  void assess_duplicate(const Participant& p, const ecid::sdk::Answers& answers, std::vector<Pending>& list) {
    std::vector<std::string> others;
    size_t total = 0;  // other codes sharing the ID, when more than are listed
    std::string scope;
    const auto answer = answer_for(answers, p.duplicate_query);
    if (answer && answer->status() == ECID_ANSWER_FOUND) {
      for (size_t i = 0; i < answer->record_count(); ++i) {
        const std::string_view code = answer->record(i).value_or_empty(ECID_F_SECTOR_RECORD_ID);
        if (!code.empty() && code != p.si_code) others.emplace_back(code);
      }
      // The host lists at most a few and says how many there are ("N other identifiers …").
      const std::string_view detail = answer->detail();
      size_t n = 0, i = 0;
      for (; i < detail.size() && i < 12 && detail[i] >= '0' && detail[i] <= '9'; ++i) n = n * 10 + static_cast<size_t>(detail[i] - '0');
      if (i > 0) total = n;
      scope = "in this batch";
    } else if (answer && answer->status() == ECID_ANSWER_NOT_FOUND) {
      return;
    } else {
      // A host that is not running a batch (ecid check) cannot see beyond this document.
      const auto& by_id = codes_by_id();
      const auto it = by_id.find(p.path == Path::ById ? p.personal_id : "L" + p.legacy_id);
      if (it != by_id.end()) {
        for (const std::string& c : it->second)
          if (c != p.si_code && others.size() < kMaxOtherCodesShown + 1) others.push_back(c);
        total = it->second.size() - (it->second.count(p.si_code) ? 1 : 0);
      }
      scope = "in this document";
    }
    if (others.empty()) return;
    std::sort(others.begin(), others.end());
    total = std::max(total, others.size());
    std::string value;
    for (size_t i = 0; i < others.size() && i < kMaxOtherCodesShown; ++i) value += (i ? " " : "") + others[i];
    if (total > kMaxOtherCodesShown) value += " \xE2\x80\xA6";  // …
    list.push_back({kDuplicate, {ECID_FINDING_DUPLICATE, ECID_SEVERITY_ATTENTION, ECID_F_SECTOR_RECORD_ID, std::move(value),
                                 std::string(p.path == Path::ById ? "the same personal ID" : "the same legacy ID") + " is on " +
                                     std::to_string(total) + " other social-insurance code" + (total == 1 ? "" : "s") + " " + scope}});
  }

  // ID → SI codes within this document, built on first use (only when the host gives no
  // batch-wide answer).
  const std::map<std::string, std::set<std::string>>& codes_by_id() {
    if (!codes_built_) {
      for (const Participant& q : records_) {
        if (q.path == Path::ById) codes_[q.personal_id].insert(q.si_code);
        else if (q.path == Path::ByLegacyId) codes_["L" + q.legacy_id].insert(q.si_code);
      }
      codes_built_ = true;
    }
    return codes_;
  }

  void assess_candidates(const Participant& p, const ecid::sdk::Answers& answers, std::vector<Pending>& list) {
    const auto answer = answer_for(answers, p.lookup_query);
    if (auto f = ecid::sdk::lookup_failure(answer, "the host returned no answer for this record's candidate search"))
      return list.push_back({kUnavailable, std::move(*f)});
    std::string searched = "full name, birth date";
    if (!p.sex.empty()) searched += ", sex";
    if (!p.registration.empty()) searched += ", birth registration place";
    if (answer->status() == ECID_ANSWER_INVALID_KEY) {
      list.push_back({kNoIdOutcome, {ECID_FINDING_NO_ID_GIVEN, ECID_SEVERITY_ATTENTION, 0, {},
                                     "no ID given; the candidate search was not possible: " +
                                         std::string(with_default(answer->detail(), "unusable claims"))}});
      return;
    }
    // A candidate stays when nothing claimed disagrees; a name equal only without diacritics is
    // kept but makes the proposal weaker (said in the reason).
    std::vector<size_t> strong;
    bool loose_name = false;
    for (size_t i = 0; answer->status() == ECID_ANSWER_FOUND && i < answer->record_count(); ++i) {
      const ecid::sdk::Record r = answer->record(i);
      bool keep = true;
      for (const ecid_field_check& c : r.checks())
        if (c.field != ECID_F_PERSONAL_ID && c.outcome == ECID_CHECK_MISMATCH) keep = false;
      if (!keep) continue;
      strong.push_back(i);
      if (r.check(ECID_F_FULL_NAME) == ECID_CHECK_NEEDS_REVIEW) loose_name = true;
    }
    const bool truncated = !answer->detail().empty() && answer->record_count() >= 20;
    if (strong.empty()) {
      list.push_back({kNoIdOutcome, {ECID_FINDING_NO_ID_GIVEN, ECID_SEVERITY_ATTENTION, 0, {},
                                     "no ID given, and no register person agrees on " + searched}});
      return;
    }
    if (strong.size() > 1 || truncated) {
      list.push_back({kNoIdOutcome, {ECID_FINDING_AMBIGUOUS, ECID_SEVERITY_ATTENTION, ECID_F_PERSONAL_ID, {},
                                     "no ID given; " + std::string(truncated ? "more than 20" : std::to_string(strong.size())) +
                                         " register people agree on " + searched}});
      return;
    }
    const ecid::sdk::Record r = answer->record(strong.front());
    const std::string_view pid = trim(r.value_or_empty(ECID_F_PERSONAL_ID));
    std::string detail = "no ID given; one register person agrees on " + searched;
    if (r.check(ECID_F_BIRTH_DATE) == ECID_CHECK_MATCH_PARTIAL) detail += " (birth date on the year only)";
    if (loose_name) detail += " (full name only without diacritics)";
    detail += ": proposed ID, needs review";
    list.push_back({kNoIdOutcome, {ECID_FINDING_PROPOSED_ID, ECID_SEVERITY_ATTENTION, ECID_F_PERSONAL_ID, std::string(pid),
                                   std::move(detail)}});
    const std::string_view death = trim(r.value_or_empty(ECID_F_DEATH_DATE));
    if (!death.empty())
      list.push_back({kNoIdOutcome, {ECID_FINDING_DECEASED, ECID_SEVERITY_ATTENTION, ECID_F_DEATH_DATE, std::string(death),
                                     "the proposed person is recorded as deceased"}});
  }

  const ecid::sdk::Host& host_;
  std::string batch_ref_;
  std::vector<Participant> records_;
  std::vector<uint32_t> answer_at_;
  std::map<uint32_t, uint32_t> sparse_;
  std::vector<Pending> pending_;
  std::string ref_;
  std::map<std::string, std::set<std::string>> codes_;
  bool codes_built_ = false;
};

class SocialInsuranceAdapter final : public ecid::sdk::Adapter {
 public:
  using ecid::sdk::Adapter::Adapter;
  std::unique_ptr<ecid::sdk::Session> open(std::string_view document) override {
    return std::make_unique<Batch>(host(), document);
  }
};

}  // namespace

ECID_ADAPTER(SocialInsuranceAdapter, "social_insurance", "1.0.0",
             ECID_DOCUMENT_TYPE("ParticipantBatch", "urn:ecid:social-insurance:participants:1"))
