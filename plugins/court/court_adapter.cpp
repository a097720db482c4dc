// Court adapter: checks the parties of a case filing (CaseFiling, urn:ecid:court:filing:1)
// against the population register, finds each living party's address for service, and has the
// host verify an online filer's electronic identity assertion.
// The document format is described in plugins/court/README.md.
//
// Pure function of data: open() parses and validates, plan() asks one round of person
// look-ups (and the filer's assertion), assess() turns the answers into findings. No I/O, no
// logging of personal data.
// 1.2: the filer's token is bound to the filing by the nonce the filing carries (ECID_F_EID_NONCE).
#define ECID_ADAPTER_ABI_MINOR 2
#include <ecid/adapter.hpp>
#include <ecid/sdk_text.hpp>
#include <ecid/sdk_xml.hpp>

#include <pugixml.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using ecid::sdk::parse_sex;
using ecid::sdk::all_digits;
using ecid::sdk::children_named;
using ecid::sdk::InvalidDocument;
using ecid::sdk::is_element;
using ecid::sdk::is_space;
using ecid::sdk::is_valid_utf8;
using ecid::sdk::join_and;
using ecid::sdk::local_name;
using ecid::sdk::namespace_of;
using ecid::sdk::quoted;
using ecid::sdk::trim;
using ecid::sdk::utf8_prefix;
using ecid::sdk::with_default;

constexpr const char* kRoot = "CaseFiling";
constexpr const char* kNamespace = "urn:ecid:court:filing:1";
constexpr std::string_view kPurpose = "court.case_filing";
constexpr std::string_view kDocumentSubject = "document";

// Bounds that keep a hostile document from costing more than a real one ever needs.
constexpr size_t kMaxDocumentBytes = 4u << 20;
constexpr size_t kMaxFieldBytes = 1024;
constexpr size_t kMaxParties = 200;
// An identity token is longer than any other field; this is the verifier's own bound.
constexpr size_t kMaxAssertionBytes = 16 * 1024;

// Online filing must prove the filer at account level 2: the level the law treats as
// presenting the ID card (Decree 69/2024).
constexpr std::string_view kOnlineFilingLevel = "2";
constexpr uint32_t kAssertionFields[] = {ECID_F_EID_LEVEL};

constexpr uint32_t kByIdFields[] = {ECID_F_DEATH_DATE, ECID_F_CURRENT_RESIDENCE,
                                    ECID_F_TEMPORARY_RESIDENCE, ECID_F_PERMANENT_RESIDENCE};
constexpr uint32_t kByLegacyIdFields[] = {ECID_F_PERSONAL_ID, ECID_F_DEATH_DATE,
                                          ECID_F_CURRENT_RESIDENCE, ECID_F_TEMPORARY_RESIDENCE,
                                          ECID_F_PERMANENT_RESIDENCE};

// ---------------------------------------------------------------------------------------------
// Text. The shared helpers are the SDK's (ecid/sdk_text.hpp); these are the court's own.

std::string_view field_label(uint32_t field) {
  switch (field) {
    case ECID_F_FULL_NAME: return "full name";
    case ECID_F_BIRTH_DATE: return "birth date";
    case ECID_F_SEX: return "sex";
    case ECID_F_PERSONAL_ID: return "personal ID";
    default: return "field";
  }
}

// ---------------------------------------------------------------------------------------------
// Case numbers (docs/domain.md §6.1, §11.5): <seq>/<yyyy>/<code>, where code is a judgment
// "KIND-LEVEL", an acceptance "TLST-KIND" / "TLPT-KIND" or a decision "QĐST-KIND" / "QĐPT-KIND".

constexpr std::array<std::string_view, 6> kCaseKinds = {"DS", "HNGĐ", "KDTM", "LĐ", "HC", "HS"};
constexpr std::array<std::string_view, 4> kJudgmentLevels = {"ST", "PT", "GĐT", "TT"};

bool is_case_kind(std::string_view s) {
  return std::find(kCaseKinds.begin(), kCaseKinds.end(), s) != kCaseKinds.end();
}

struct CaseNumberCheck {
  std::string normalised;  // set when valid
  std::string problem;     // set when invalid
};

CaseNumberCheck check_case_number(std::string_view raw, int current_year) {
  CaseNumberCheck r;
  const std::string_view text = trim(raw);
  if (text.empty()) {
    r.problem = "case number is empty";
    return r;
  }
  // Both hyphen styles occur ("QĐST - HNGĐ"); the register of cases writes "QĐST-HNGĐ".
  std::string compact;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\t') {
      size_t j = i;
      while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) ++j;
      const bool next_to_hyphen = (j < text.size() && text[j] == '-') ||
                                  (!compact.empty() && compact.back() == '-');
      if (!next_to_hyphen) {
        r.problem = "case number contains a space outside ' - '";
        return r;
      }
      i = j - 1;
      continue;
    }
    compact += c;
  }
  // Đ has no decomposition, so NFC and NFD agree on it; what does occur are look-alikes.
  if (compact.find("\xC3\x90") != std::string::npos) {
    r.problem = "case number uses the look-alike \xC3\x90 (U+00D0) where \xC4\x90 (U+0110) is meant";
    return r;
  }
  if (compact.find("\xC4\x91") != std::string::npos) {
    r.problem = "case number uses a lower-case \xC4\x91 where \xC4\x90 (U+0110) is meant";
    return r;
  }
  if (compact.find("\xCC\xB5") != std::string::npos || compact.find("\xCC\xB6") != std::string::npos) {
    r.problem = "case number writes \xC4\x90 as D plus a combining stroke; use U+0110";
    return r;
  }
  const size_t slash1 = compact.find('/');
  const size_t slash2 = slash1 == std::string::npos ? slash1 : compact.find('/', slash1 + 1);
  if (slash2 == std::string::npos) {
    r.problem = "case number is not <number>/<year>/<code>";
    return r;
  }
  const std::string_view all(compact);
  const std::string_view seq = all.substr(0, slash1);
  const std::string_view year = all.substr(slash1 + 1, slash2 - slash1 - 1);
  const std::string_view code = all.substr(slash2 + 1);
  if (!all_digits(seq) || seq.size() > 6 || seq.find_first_not_of('0') == std::string_view::npos) {
    r.problem = "case number's sequence is not a positive number";
    return r;
  }
  if (!all_digits(year) || year.size() != 4) {
    r.problem = "case number's year is not four digits";
    return r;
  }
  const int y = std::stoi(std::string(year));
  if (y < 1945 || y > current_year + 1) {
    r.problem = "case number's year " + std::string(year) + " is out of range";
    return r;
  }
  const size_t hyphen = code.find('-');
  if (hyphen == std::string_view::npos || code.find('-', hyphen + 1) != std::string_view::npos) {
    r.problem = "case number's code is not of the form X-Y (e.g. TLST-DS, HNGĐ-ST, QĐST-HNGĐ)";
    return r;
  }
  const std::string_view left = code.substr(0, hyphen);
  const std::string_view right = code.substr(hyphen + 1);
  const bool judgment = is_case_kind(left) &&
      std::find(kJudgmentLevels.begin(), kJudgmentLevels.end(), right) != kJudgmentLevels.end();
  const bool acceptance = (left == "TLST" || left == "TLPT") && is_case_kind(right);
  const bool decision = (left == "Q\xC4\x90ST" || left == "Q\xC4\x90PT") && is_case_kind(right);
  if (!judgment && !acceptance && !decision) {
    r.problem = "case number's code is not a judgment (KIND-ST/PT/G\xC4\x90T/TT), acceptance "
                "(TLST/TLPT-KIND) or decision (Q\xC4\x90ST/Q\xC4\x90PT-KIND) code; KIND is one of "
                "DS, HNG\xC4\x90, KDTM, L\xC4\x90, HC, HS";
    return r;
  }
  r.normalised = std::move(compact);
  return r;
}

// ---------------------------------------------------------------------------------------------
// XML. Namespaces are the SDK's (ecid/sdk_xml.hpp); paths and bounds are the court's own.

// "CaseFiling/Parties/Party[3]/FullName": where a problem is, without its content.
std::string path_of(pugi::xml_node n) {
  std::vector<std::string> parts;
  for (; n && n.type() == pugi::node_element; n = n.parent()) {
    std::string part = quoted(local_name(n));
    if (part == "Party") {
      size_t index = 1;
      for (pugi::xml_node s = n.previous_sibling(); s; s = s.previous_sibling())
        if (s.type() == pugi::node_element && local_name(s) == "Party") ++index;
      part += "[" + std::to_string(index) + "]";
    }
    parts.push_back(std::move(part));
  }
  std::string out;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    if (!out.empty()) out += '/';
    out += *it;
  }
  return out;
}

// Every text and attribute value is a field: bounded and valid UTF-8. Iterative, so deep
// nesting cannot exhaust the stack.
void check_every_field(const pugi::xml_node& root) {
  pugi::xml_node n = root;
  while (n) {
    if (n.type() == pugi::node_element) {
      for (pugi::xml_attribute a = n.first_attribute(); a; a = a.next_attribute()) {
        const std::string_view v = a.value();
        if (v.size() > kMaxFieldBytes)
          throw InvalidDocument("attribute '" + quoted(a.name()) + "' of " +
                                path_of(n) + " is longer than 1 KiB (" + std::to_string(v.size()) +
                                " bytes)");
        if (!is_valid_utf8(v))
          throw InvalidDocument("invalid UTF-8 in attribute '" + quoted(a.name()) +
                                "' of " + path_of(n));
      }
    } else if (n.type() == pugi::node_pcdata || n.type() == pugi::node_cdata) {
      const std::string_view v = n.value();
      const bool assertion = is_element(n.parent(), "Assertion", kNamespace) &&
                             is_element(n.parent().parent(), "Filer", kNamespace) &&
                             n.parent().parent().parent() == root;
      if (assertion && v.size() > kMaxAssertionBytes)
        throw InvalidDocument("text of " + path_of(n.parent()) + " is longer than 16 KiB (" +
                              std::to_string(v.size()) + " bytes)");
      if (!assertion && v.size() > kMaxFieldBytes)
        throw InvalidDocument("text of " + path_of(n.parent()) + " is longer than 1 KiB (" +
                              std::to_string(v.size()) + " bytes)");
      if (!is_valid_utf8(v)) throw InvalidDocument("invalid UTF-8 in the text of " + path_of(n.parent()));
    }
    if (n.first_child()) {
      n = n.first_child();
      continue;
    }
    while (n && n != root && !n.next_sibling()) n = n.parent();
    if (!n || n == root) break;
    n = n.next_sibling();
  }
}

// Text of the one child element `local` of `parent`; nullopt when absent or empty.
std::optional<std::string> child_text(const pugi::xml_node& parent, std::string_view local) {
  const auto found = children_named(parent, local, kNamespace);
  if (found.empty()) return std::nullopt;
  if (found.size() > 1)
    throw InvalidDocument(path_of(parent) + " has " + std::to_string(found.size()) + " " +
                          std::string(local) + " elements; expected at most one");
  std::string text;
  for (pugi::xml_node c = found[0].first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) text += c.value();
    else if (c.type() == pugi::node_element)
      throw InvalidDocument(path_of(found[0]) + " must hold text, not elements");
  }
  if (text.size() > kMaxFieldBytes)
    throw InvalidDocument("text of " + path_of(found[0]) + " is longer than 1 KiB");
  const std::string_view t = trim(text);
  if (t.empty()) return std::nullopt;
  return std::string(t);
}

// ---------------------------------------------------------------------------------------------

enum class Lookup { None, ById, ByLegacyId, Unusable };

// A finding the adapter knows from the document alone, emitted in assess().
struct DocumentFinding {
  uint32_t code;
  uint32_t severity;
  uint32_t field;
  std::string value;
  std::string detail;
};

struct Party {
  std::string subject_ref;  // "party[N] (role)": never the name (privacy)
  std::string full_name;
  std::string birth_date;   // as written; the host parses and compares it
  std::string sex;          // "M", "F" or empty
  std::string personal_id;  // spaces removed
  std::string legacy_id;
  std::string declared_address;  // kept for a later declared-vs-register comparison
  Lookup lookup = Lookup::None;
  bool structure_inconsistent_in_document = false;
  std::vector<DocumentFinding> findings;
  std::optional<uint32_t> query_id;
};

// How the filing reached the court. Only an online filing has no clerk who saw the filer's card.
enum class Channel { Online, InPerson, Post };

// Who filed, and the electronic identity assertion they signed in with (Filer element).
struct Filer {
  size_t party = 0;         // 0-based index into the parties
  std::string subject_ref;  // "filer (party[N])"
  Channel channel = Channel::InPerson;
  std::string assertion;    // compact token, white space removed; empty when none was given
  std::string nonce;        // the nonce of the sign-in the token came from; empty when not given
  std::optional<uint32_t> query_id;
};

class CourtSession final : public ecid::sdk::Session {
 public:
  CourtSession(const ecid::sdk::Host& host, std::string_view document) { parse(host, document); }

  std::string_view document_ref() const override { return case_number_; }

  void plan(uint32_t round, const ecid::sdk::Answers&, ecid::sdk::Planner& planner) override {
    if (round != 0) return;  // one round: every look-up is known from the document
    for (Party& p : parties_) {
      if (p.lookup != Lookup::ById && p.lookup != Lookup::ByLegacyId) continue;
      std::vector<ecid::sdk::Claim> claims;
      if (!p.full_name.empty()) claims.push_back({ECID_F_FULL_NAME, p.full_name});
      if (!p.birth_date.empty()) claims.push_back({ECID_F_BIRTH_DATE, p.birth_date});
      if (!p.sex.empty()) claims.push_back({ECID_F_SEX, p.sex});
      if (p.lookup == Lookup::ById)
        p.query_id = planner.ask(ECID_Q_PERSON_BY_ID, p.subject_ref, p.personal_id, kPurpose,
                                 claims, kByIdFields);
      else
        p.query_id = planner.ask(ECID_Q_PERSON_BY_LEGACY_ID, p.subject_ref, p.legacy_id, kPurpose,
                                 claims, kByLegacyIdFields);
    }
    // The assertion is bound to the filing party's personal ID; without one there is nothing
    // to bind it to, and assess() says so.
    if (filer_ && !filer_->assertion.empty() && parties_[filer_->party].lookup == Lookup::ById) {
      std::vector<ecid::sdk::Claim> claims{{ECID_F_PERSONAL_ID, parties_[filer_->party].personal_id},
                                           {ECID_F_EID_LEVEL, kOnlineFilingLevel}};
      if (!filer_->nonce.empty()) claims.push_back({ECID_F_EID_NONCE, filer_->nonce});
      filer_->query_id = planner.ask(ECID_Q_EID_ASSERTION, filer_->subject_ref, filer_->assertion,
                                     kPurpose, claims, kAssertionFields);
    }
  }

  void assess(const ecid::sdk::Answers& answers, ecid::sdk::Reporter& reporter) override {
    for (const DocumentFinding& f : document_findings_)
      reporter.add(f.code, f.severity, kDocumentSubject, f.field, f.value, f.detail);
    for (const Party& p : parties_) assess_party(p, answers, reporter);
    if (filer_) assess_filer(*filer_, parties_[filer_->party], answers, reporter);
  }

 private:
  void parse(const ecid::sdk::Host& host, std::string_view document) {
    if (document.empty()) throw InvalidDocument("empty document");
    if (document.size() > kMaxDocumentBytes)
      throw InvalidDocument("document is larger than 4 MiB (" + std::to_string(document.size()) +
                            " bytes)");
    if (const size_t nul = document.find('\0'); nul != std::string_view::npos)
      throw InvalidDocument("document contains a NUL byte at offset " + std::to_string(nul));

    pugi::xml_document xml;
    const pugi::xml_parse_result parsed =
        xml.load_buffer(document.data(), document.size(), pugi::parse_default, pugi::encoding_utf8);
    if (parsed.status == pugi::status_no_document_element)
      throw InvalidDocument("document holds no XML element");
    if (!parsed)
      throw InvalidDocument("malformed XML at byte " + std::to_string(parsed.offset) + ": " +
                            parsed.description());
    pugi::xml_node root;
    for (pugi::xml_node c = xml.first_child(); c; c = c.next_sibling()) {
      if (c.type() != pugi::node_element) continue;
      if (root) throw InvalidDocument("malformed XML: more than one root element");
      root = c;
    }
    if (local_name(root) != kRoot)
      throw InvalidDocument("root element is <" + quoted(local_name(root)) +
                            ">, expected <CaseFiling> in " + kNamespace);
    if (namespace_of(root) != kNamespace) {
      const std::string_view ns = namespace_of(root);
      throw InvalidDocument("root element <CaseFiling> is in namespace '" + quoted(ns, 128) +
                            "', expected '" + kNamespace + "'");
    }
    check_every_field(root);
    if (!is_valid_utf8(document)) throw InvalidDocument("document is not valid UTF-8");

    const int current_year = year_of(host.now());
    read_case(host, root, current_year);
    read_parties(host, root);
    read_filer(root);
  }

  static int year_of(int64_t unix_seconds) {
    const std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    if (!gmtime_r(&t, &tm)) return 2100;
    return tm.tm_year + 1900;
  }

  void read_case(const ecid::sdk::Host& host, const pugi::xml_node& root, int current_year) {
    const auto number = child_text(root, "CaseNumber");
    if (!number) {
      document_findings_.push_back({ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, 0, "",
                                    "the filing has no CaseNumber"});
    } else {
      CaseNumberCheck check = check_case_number(*number, current_year);
      if (check.problem.empty()) case_number_ = std::move(check.normalised);
      else
        document_findings_.push_back({ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, 0,
                                      utf8_prefix(*number, 64), check.problem});
    }
    if (const auto filed = child_text(root, "FilingDate"); filed && !host.parse_date(*filed))
      document_findings_.push_back({ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, 0,
                                    utf8_prefix(*filed, 32), "FilingDate is not a date"});
    // Court (name, attribute code) is carried for the operator; nothing here depends on it.
  }

  // <Filer party="N" channel="online|in_person|post"><Assertion>token</Assertion><Nonce>n</Nonce></Filer>
  void read_filer(const pugi::xml_node& root) {
    const auto nodes = children_named(root, "Filer", kNamespace);
    if (nodes.empty()) return;  // a filing without a Filer is checked as before
    if (nodes.size() > 1) throw InvalidDocument("CaseFiling has more than one Filer element");
    const pugi::xml_node node = nodes[0];
    Filer f;
    const std::string_view party = trim(node.attribute("party").value());
    const std::string range = "1 to " + std::to_string(parties_.size());
    if (party.empty())
      throw InvalidDocument("Filer: the party attribute is missing; it is the number of the filing Party (" +
                            range + ")");
    const size_t number = all_digits(party) && party.size() <= 3 ? std::stoul(std::string(party)) : 0;
    if (number < 1 || number > parties_.size())
      throw InvalidDocument("Filer: party must be the number of a Party (" + range + ")");
    f.party = number - 1;
    f.subject_ref = "filer (party[" + std::to_string(f.party + 1) + "])";

    const std::string_view channel = trim(node.attribute("channel").value());
    if (channel == "online") f.channel = Channel::Online;
    else if (channel == "in_person") f.channel = Channel::InPerson;
    else if (channel == "post") f.channel = Channel::Post;
    else throw InvalidDocument("Filer: channel must be online, in_person or post");

    const auto assertions = children_named(node, "Assertion", kNamespace);
    if (assertions.size() > 1)
      throw InvalidDocument("Filer has " + std::to_string(assertions.size()) +
                            " Assertion elements; expected at most one");
    if (!assertions.empty()) {
      for (pugi::xml_node c = assertions[0].first_child(); c; c = c.next_sibling()) {
        if (c.type() == pugi::node_element)
          throw InvalidDocument("CaseFiling/Filer/Assertion must hold text, not elements");
        if (c.type() != pugi::node_pcdata && c.type() != pugi::node_cdata) continue;
        // A token has no white space; a pretty-printer may have wrapped it.
        for (const char* t = c.value(); *t; ++t)
          if (!is_space(*t)) f.assertion += *t;
      }
      if (f.assertion.size() > kMaxAssertionBytes)
        throw InvalidDocument("text of CaseFiling/Filer/Assertion is longer than 16 KiB");
    }
    // <Nonce>: the value the court's sign-in page sent VNeID; the token must carry the same.
    const auto nonces = children_named(node, "Nonce", kNamespace);
    if (nonces.size() > 1) throw InvalidDocument("Filer has more than one Nonce element");
    if (!nonces.empty()) {
      f.nonce = std::string(trim(nonces[0].child_value()));
      if (f.nonce.empty() || f.nonce.size() > 256)
        throw InvalidDocument("CaseFiling/Filer/Nonce must hold 1 to 256 characters");
    }
    filer_ = std::move(f);
  }

  void read_parties(const ecid::sdk::Host& host, const pugi::xml_node& root) {
    const auto lists = children_named(root, "Parties", kNamespace);
    if (lists.size() > 1) throw InvalidDocument("CaseFiling has more than one Parties element");
    if (lists.empty()) throw InvalidDocument("no parties: CaseFiling has no Parties element");
    const auto nodes = children_named(lists[0], "Party", kNamespace);
    if (nodes.empty()) throw InvalidDocument("no parties: Parties holds no Party");
    if (nodes.size() > kMaxParties)
      throw InvalidDocument("too many parties: " + std::to_string(nodes.size()) + " (at most " +
                            std::to_string(kMaxParties) + ")");
    parties_.reserve(nodes.size());
    for (size_t i = 0; i < nodes.size(); ++i) parties_.push_back(read_party(host, nodes[i], i + 1));
  }

  static Party read_party(const ecid::sdk::Host& host, const pugi::xml_node& node, size_t number) {
    Party p;
    const std::string_view role = trim(node.attribute("role").value());
    if (role != "plaintiff" && role != "defendant" && role != "related")
      throw InvalidDocument("party[" + std::to_string(number) +
                            "]: role must be plaintiff, defendant or related");
    p.subject_ref = "party[" + std::to_string(number) + "] (" + std::string(role) + ")";
    p.full_name = child_text(node, "FullName").value_or("");
    p.declared_address = child_text(node, "DeclaredAddress").value_or("");

    std::optional<int> birth_year;
    if (auto birth = child_text(node, "BirthDate")) {
      if (auto d = host.parse_date(*birth)) {
        p.birth_date = std::move(*birth);
        birth_year = d->year;
      } else {
        p.findings.push_back({ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, ECID_F_BIRTH_DATE,
                              "", "BirthDate is not a date in any known format; not compared"});
      }
    }
    if (auto sex = child_text(node, "Sex")) {
      if (auto s = parse_sex(*sex)) {
        p.sex = std::string(1, *s);
      } else {
        p.findings.push_back({ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, ECID_F_SEX, "",
                              "Sex is not M, F, Nam or N\xE1\xBB\xAF; not compared"});
      }
    }

    const auto personal_id = child_text(node, "PersonalId");
    const auto legacy_id = child_text(node, "LegacyId");
    if (personal_id) {
      // Printed forms group the digits ("001 085 000 101").
      for (char c : *personal_id)
        if (!is_space(c)) p.personal_id += c;
      const ecid_personal_id_info info = host.decode_personal_id(p.personal_id);
      if (!info.valid) {
        p.lookup = Lookup::Unusable;
        std::string problem(ecid::sdk::view(info.problem));
        p.findings.push_back({ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, ECID_F_PERSONAL_ID,
                              "", "personal ID number is not valid: " +
                                      (problem.empty() ? std::string("bad structure") : problem)});
        return p;
      }
      p.lookup = Lookup::ById;
      std::vector<std::string> disagreements;
      if (!p.sex.empty() && static_cast<uint32_t>(p.sex[0]) != info.sex)
        disagreements.push_back("sex digit says " + std::string(1, static_cast<char>(info.sex)) +
                                ", document says " + p.sex);
      if (birth_year && *birth_year != info.birth_year)
        disagreements.push_back("birth-year digits say " + std::to_string(info.birth_year) +
                                ", document says " + std::to_string(*birth_year));
      if (!disagreements.empty()) {
        p.structure_inconsistent_in_document = true;
        std::string detail = "document: ";
        for (size_t i = 0; i < disagreements.size(); ++i)
          detail += (i ? "; " : "") + disagreements[i];
        p.findings.push_back({ECID_FINDING_ID_STRUCTURE_INCONSISTENT, ECID_SEVERITY_ATTENTION,
                              ECID_F_PERSONAL_ID, "", std::move(detail)});
      }
    } else if (legacy_id) {
      for (char c : *legacy_id)
        if (!is_space(c)) p.legacy_id += c;
      if (!all_digits(p.legacy_id) || p.legacy_id.size() != 9) {
        p.lookup = Lookup::Unusable;
        p.findings.push_back({ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, ECID_F_LEGACY_ID,
                              "", "legacy ID is not a 9-digit CMND number"});
        return p;
      }
      p.lookup = Lookup::ByLegacyId;
    } else {
      p.lookup = Lookup::None;
    }
    return p;
  }

  static void assess_party(const Party& p, const ecid::sdk::Answers& answers,
                           ecid::sdk::Reporter& out) {
    bool attention = false;
    for (const DocumentFinding& f : p.findings) {
      out.add(f.code, f.severity, p.subject_ref, f.field, f.value, f.detail);
      if (f.severity != ECID_SEVERITY_OK) attention = true;
    }
    if (p.lookup == Lookup::None) {
      out.add(ECID_FINDING_NO_ID_GIVEN, ECID_SEVERITY_ATTENTION, p.subject_ref, 0, {},
              "neither PersonalId nor LegacyId given: identity and residence not checked");
      return;
    }
    if (p.lookup == Lookup::Unusable || !p.query_id) return;

    const auto answer = answers.find(*p.query_id);
    if (!answer) {
      out.add(ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, p.subject_ref, 0, {},
              "the host returned no answer for this party's look-up");
      return;
    }
    const uint32_t id_field = p.lookup == Lookup::ById ? ECID_F_PERSONAL_ID : ECID_F_LEGACY_ID;
    switch (answer->status()) {
      case ECID_ANSWER_FOUND:
        break;
      case ECID_ANSWER_NOT_FOUND:
        out.add(ECID_FINDING_ID_NOT_FOUND, ECID_SEVERITY_ATTENTION, p.subject_ref, id_field, {},
                p.lookup == Lookup::ById ? "no person with this personal ID on the register"
                                         : "no person with this legacy ID on the register");
        return;
      case ECID_ANSWER_INVALID_KEY:
        out.add(ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, p.subject_ref, id_field, {},
                with_default(answer->detail(), "the register says this ID cannot exist"));
        return;
      case ECID_ANSWER_REFUSED:
        out.add(ECID_FINDING_REFUSED_BY_POLICY, ECID_SEVERITY_ERROR, p.subject_ref, 0, {},
                with_default(answer->detail(), "refused by policy"));
        return;
      case ECID_ANSWER_UNAVAILABLE:
      case ECID_ANSWER_BAD_ANSWER:
        out.add(ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, p.subject_ref, 0, {},
                with_default(answer->detail(), "the register could not answer"));
        return;
      default:
        // Statuses are untrusted input: anything else means the check was not done.
        out.add(ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, p.subject_ref, 0, {},
                "unexpected answer status " + std::to_string(answer->status()));
        return;
    }
    if (answer->record_count() == 0) {
      out.add(ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, p.subject_ref, 0, {},
              "the register answered 'found' without a record");
      return;
    }
    if (answer->record_count() > 1) {
      out.add(ECID_FINDING_AMBIGUOUS, ECID_SEVERITY_ATTENTION, p.subject_ref, id_field, {},
              "the register holds " + std::to_string(answer->record_count()) +
                  " people for this ID; identity and residence not decided");
      return;
    }
    const ecid::sdk::Record record = answer->record(0);

    bool register_inconsistent = false;
    if (record.check(ECID_F_PERSONAL_ID) == ECID_CHECK_MISMATCH) {
      register_inconsistent = true;
      // Says which side disagrees with the ID's digits; the host's reason may already say so.
      std::string reason(with_default(record.check_reason(ECID_F_PERSONAL_ID),
                                      "the ID's digits disagree with the record"));
      if (reason.rfind("register", 0) != 0) reason = "register: " + reason;
      out.add(ECID_FINDING_ID_STRUCTURE_INCONSISTENT, ECID_SEVERITY_ATTENTION, p.subject_ref,
              ECID_F_PERSONAL_ID, {}, reason);
    }

    // The claims made, in the order they were claimed.
    std::vector<uint32_t> claimed;
    if (!p.full_name.empty()) claimed.push_back(ECID_F_FULL_NAME);
    if (!p.birth_date.empty()) claimed.push_back(ECID_F_BIRTH_DATE);
    if (!p.sex.empty()) claimed.push_back(ECID_F_SEX);

    bool disagreement = false;
    std::vector<std::string_view> agree, no_value, not_compared;
    bool birth_year_only = false;
    for (uint32_t field : claimed) {
      const uint32_t outcome = record.check(field);
      const std::string_view reason = record.check_reason(field);
      switch (outcome) {
        case ECID_CHECK_MATCH:
          agree.push_back(field_label(field));
          break;
        case ECID_CHECK_MATCH_PARTIAL:
          agree.push_back(field_label(field));
          if (field == ECID_F_BIRTH_DATE) birth_year_only = true;
          break;
        case ECID_CHECK_MISMATCH:
          disagreement = true;
          out.add(ECID_FINDING_MISMATCH, ECID_SEVERITY_ATTENTION, p.subject_ref, field, {},
                  with_default(reason, "differs from the register"));
          break;
        case ECID_CHECK_NEEDS_REVIEW:
          disagreement = true;
          out.add(ECID_FINDING_NEEDS_REVIEW, ECID_SEVERITY_ATTENTION, p.subject_ref, field, {},
                  with_default(reason, "agrees with the register only loosely"));
          break;
        case ECID_CHECK_NO_VALUE:
          no_value.push_back(field_label(field));
          break;
        case 0:
          not_compared.push_back(field_label(field));
          break;
        default:
          disagreement = true;
          out.add(ECID_FINDING_NEEDS_REVIEW, ECID_SEVERITY_ATTENTION, p.subject_ref, field, {},
                  "unknown check outcome " + std::to_string(outcome));
          break;
      }
    }

    const std::string_view death_date = trim(record.value_or_empty(ECID_F_DEATH_DATE));
    if (!death_date.empty())
      out.add(ECID_FINDING_DECEASED, ECID_SEVERITY_ATTENTION, p.subject_ref, ECID_F_DEATH_DATE,
              death_date, "the register records this person as deceased");

    if (p.lookup == Lookup::ByLegacyId) {
      const std::string_view resolved = trim(record.value_or_empty(ECID_F_PERSONAL_ID));
      out.add(ECID_FINDING_LEGACY_ID_RESOLVED, ECID_SEVERITY_OK, p.subject_ref, ECID_F_PERSONAL_ID,
              resolved,
              resolved.empty() ? "legacy ID found; the register did not disclose the personal ID"
                               : "legacy ID resolved to the personal ID");
    }

    if (!disagreement && !register_inconsistent && !p.structure_inconsistent_in_document &&
        !attention) {
      std::string detail = p.lookup == Lookup::ById ? "personal ID found on the register"
                                                    : "legacy ID found on the register";
      if (!agree.empty())
        detail += "; " + join_and(agree) + (agree.size() == 1 ? " agrees" : " agree");
      if (birth_year_only) detail += "; birth date agrees on year only";
      if (!no_value.empty()) detail += "; the register holds no " + join_and(no_value);
      if (!not_compared.empty()) detail += "; not compared: " + join_and(not_compared);
      if (claimed.empty()) detail += "; nothing else was claimed";
      out.add(ECID_FINDING_VERIFIED, ECID_SEVERITY_OK, p.subject_ref, 0, {}, detail);
    }

    if (!death_date.empty()) return;  // no service on a deceased party: heirs are a court matter
    static constexpr std::pair<uint32_t, std::string_view> kResidences[] = {
        {ECID_F_CURRENT_RESIDENCE, "current residence"},
        {ECID_F_TEMPORARY_RESIDENCE, "temporary residence"},
        {ECID_F_PERMANENT_RESIDENCE, "permanent residence"}};
    for (const auto& [field, label] : kResidences) {
      const std::string_view address = trim(record.value_or_empty(field));
      if (address.empty()) continue;
      out.add(ECID_FINDING_ADDRESS_FOR_SERVICE, ECID_SEVERITY_OK, p.subject_ref, field, address,
              label);
      return;
    }
    out.add(ECID_FINDING_ADDRESS_FOR_SERVICE, ECID_SEVERITY_ATTENTION, p.subject_ref, 0, {},
            "no residence on the register: serve by public posting at the last known residence "
            "(CPC Art. 179)");
  }

  // The verdict code the host puts before ': ' in a rejection's detail ("expired: ..."), or
  // "rejected" when the detail has none; codes are snake_case and never personal data.
  static std::string verdict_code_of(std::string_view detail) {
    const size_t colon = detail.find(": ");
    const std::string_view code = colon == std::string_view::npos ? std::string_view() : detail.substr(0, colon);
    const bool snake = !code.empty() && code.size() <= 32 &&
        std::all_of(code.begin(), code.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
    return snake ? std::string(code) : std::string("rejected");
  }

  static void assess_filer(const Filer& f, const Party& party, const ecid::sdk::Answers& answers,
                           ecid::sdk::Reporter& out) {
    if (f.assertion.empty()) {
      if (f.channel == Channel::Online)
        out.add(ECID_FINDING_IDENTITY_REJECTED, ECID_SEVERITY_ATTENTION, f.subject_ref, 0, "missing",
                "online filing requires a level-2 electronic identity assertion");
      return;  // at the counter or by post the filer's identity is checked on paper
    }
    if (!f.query_id) {
      out.add(ECID_FINDING_IDENTITY_REJECTED, ECID_SEVERITY_ATTENTION, f.subject_ref, ECID_F_PERSONAL_ID,
              "no_personal_id",
              party.lookup == Lookup::Unusable
                  ? "the filing party's personal ID is not valid: the assertion cannot be bound to it"
                  : "the filing party gives no PersonalId: the assertion cannot be bound to it");
      return;
    }
    const auto answer = answers.find(*f.query_id);
    if (!answer) {
      out.add(ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, f.subject_ref, 0, {},
              "the host returned no answer for the filer's identity assertion");
      return;
    }
    switch (answer->status()) {
      case ECID_ANSWER_FOUND:
        break;
      case ECID_ANSWER_REJECTED:
      case ECID_ANSWER_INVALID_KEY:  // a key that cannot be a token: rejected all the same
        out.add(ECID_FINDING_IDENTITY_REJECTED, ECID_SEVERITY_ATTENTION, f.subject_ref, 0,
                verdict_code_of(answer->detail()),
                with_default(answer->detail(), "the electronic identity assertion was rejected"));
        return;
      case ECID_ANSWER_REFUSED:
        out.add(ECID_FINDING_REFUSED_BY_POLICY, ECID_SEVERITY_ERROR, f.subject_ref, 0, {},
                with_default(answer->detail(), "refused by policy"));
        return;
      case ECID_ANSWER_UNAVAILABLE:
      case ECID_ANSWER_BAD_ANSWER:
        out.add(ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, f.subject_ref, 0, {},
                with_default(answer->detail(), "the identity assertion could not be verified"));
        return;
      default:
        // NOT_FOUND and anything undefined: the assertion was not judged.
        out.add(ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, f.subject_ref, 0, {},
                "unexpected answer status " + std::to_string(answer->status()) +
                    " for an identity assertion");
        return;
    }
    if (answer->record_count() != 1) {
      out.add(ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, f.subject_ref, 0, {},
              "the identity assertion was answered with " + std::to_string(answer->record_count()) +
                  " records instead of one: the register's cross-check is missing");
      return;
    }
    const ecid::sdk::Record record = answer->record(0);

    // The token is signed and bound to the party's ID; the register still has to agree with
    // the name and birth date it carries, or an operator must look.
    bool disagreement = false;
    if (record.check(ECID_F_PERSONAL_ID) == ECID_CHECK_MISMATCH) {
      disagreement = true;
      out.add(ECID_FINDING_ID_NOT_FOUND, ECID_SEVERITY_ATTENTION, f.subject_ref, ECID_F_PERSONAL_ID, {},
              with_default(record.check_reason(ECID_F_PERSONAL_ID),
                           "the electronic identity's personal ID is not on the register"));
    }
    for (const ecid_field_check& c : record.checks()) {
      if (c.field == ECID_F_PERSONAL_ID) continue;
      const std::string_view label = c.field == ECID_F_FULL_NAME    ? "name"
                                     : c.field == ECID_F_BIRTH_DATE ? "birth date"
                                                                    : field_label(c.field);
      const std::string_view reason = ecid::sdk::view(c.reason);
      const std::string because = reason.empty() ? std::string() : " (" + quoted(reason, 200) + ")";
      switch (c.outcome) {
        case ECID_CHECK_MATCH:
        case ECID_CHECK_MATCH_PARTIAL:  // e.g. a name sent without diacritics, a year-only date
        case ECID_CHECK_NO_VALUE:       // the register holds nothing to contradict it
          break;
        case ECID_CHECK_MISMATCH:
          disagreement = true;
          out.add(ECID_FINDING_MISMATCH, ECID_SEVERITY_ATTENTION, f.subject_ref, c.field, {},
                  "the electronic identity's " + std::string(label) + " disagrees with the register" + because);
          break;
        case ECID_CHECK_NEEDS_REVIEW:
          disagreement = true;
          out.add(ECID_FINDING_NEEDS_REVIEW, ECID_SEVERITY_ATTENTION, f.subject_ref, c.field, {},
                  "the electronic identity's " + std::string(label) + " agrees with the register only loosely" +
                      because);
          break;
        default:
          disagreement = true;
          out.add(ECID_FINDING_NEEDS_REVIEW, ECID_SEVERITY_ATTENTION, f.subject_ref, c.field, {},
                  "unknown check outcome " + std::to_string(c.outcome));
          break;
      }
    }
    if (disagreement) return;
    // The level the host established; the query required 2, and accounts have no higher level.
    const std::string_view level = trim(record.value_or_empty(ECID_F_EID_LEVEL));
    const bool level_known = level.size() == 1 && level[0] >= '1' && level[0] <= '9';
    if (level_known && level < kOnlineFilingLevel) {  // a host that ignored the claim: still not enough
      out.add(ECID_FINDING_IDENTITY_REJECTED, ECID_SEVERITY_ATTENTION, f.subject_ref, ECID_F_EID_LEVEL,
              "level_too_low", "account level " + std::string(level) + " is below the level 2 online filing requires");
      return;
    }
    out.add(ECID_FINDING_IDENTITY_VERIFIED, ECID_SEVERITY_OK, f.subject_ref, ECID_F_EID_LEVEL,
            "level " + std::string(level_known ? level : kOnlineFilingLevel),
            with_default(answer->detail(), "verified"));
  }

  std::string case_number_;  // normalised; empty when missing or invalid
  std::vector<DocumentFinding> document_findings_;
  std::vector<Party> parties_;
  std::optional<Filer> filer_;
};

class CourtAdapter final : public ecid::sdk::Adapter {
 public:
  using ecid::sdk::Adapter::Adapter;
  std::unique_ptr<ecid::sdk::Session> open(std::string_view document) override {
    return std::make_unique<CourtSession>(host(), document);
  }
};

}  // namespace

ECID_ADAPTER(CourtAdapter, "court", "1.0.0", ECID_DOCUMENT_TYPE("CaseFiling", "urn:ecid:court:filing:1"))
