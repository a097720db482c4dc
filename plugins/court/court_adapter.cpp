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
#include <ecid/sdk_answers.hpp>
#include <ecid/sdk_document.hpp>
#include <ecid/sdk_person.hpp>
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

using ecid::sdk::all_digits;
using ecid::sdk::field_label;
using ecid::sdk::Finding;
using ecid::sdk::InvalidDocument;
using ecid::sdk::join_and;
using ecid::sdk::quoted;
using ecid::sdk::trim;
using ecid::sdk::utf8_prefix;
using ecid::sdk::with_default;
using ecid::sdk::without_spaces;
using ecid::sdk::XmlReader;

constexpr ecid::sdk::XmlRoot kFiling{"CaseFiling", "urn:ecid:court:filing:1"};
constexpr std::string_view kPurpose = "court.case_filing";
constexpr std::string_view kDocumentSubject = "document";

// Bounds that keep a hostile document from costing more than a real one ever needs. An identity
// token is longer than any other field; 16 KiB is the verifier's own bound.
constexpr ecid::sdk::XmlLimits kLimits{.max_document_bytes = 4u << 20,
                                       .max_field_bytes = 1024,
                                       .long_field = "CaseFiling/Filer/Assertion",
                                       .max_long_field_bytes = 16 * 1024};
constexpr size_t kMaxParties = 200;

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

enum class Lookup { None, ById, ByLegacyId, Unusable };

struct Party {
  std::string subject_ref;  // "party[N] (role)": never the name (privacy)
  ecid::sdk::Person person; // its findings also hold the court's own about the legacy ID
  std::string legacy_id;    // spaces removed; used when no PersonalId is given
  std::string declared_address;  // kept for a later declared-vs-register comparison
  Lookup lookup = Lookup::None;
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
  CourtSession(const ecid::sdk::Host& host, std::string_view document) {
    const ecid::sdk::XmlDocument xml(document, kLimits, {kFiling});
    const XmlReader r = xml.reader();
    read_case(host, r, xml.root(), year_of(host.now()));
    read_parties(host, r, xml.root());
    read_filer(r, xml.root());
  }

  std::string_view document_ref() const override { return case_number_; }

  void plan(uint32_t round, const ecid::sdk::Answers&, ecid::sdk::Planner& planner) override {
    if (round != 0) return;  // one round: every look-up is known from the document
    for (Party& p : parties_) {
      if (p.lookup == Lookup::ById)
        p.query_id = planner.ask(ECID_Q_PERSON_BY_ID, p.subject_ref, p.person.personal_id, kPurpose,
                                 p.person.claims(), kByIdFields);
      else if (p.lookup == Lookup::ByLegacyId)
        p.query_id = planner.ask(ECID_Q_PERSON_BY_LEGACY_ID, p.subject_ref, p.legacy_id, kPurpose,
                                 p.person.claims(), kByLegacyIdFields);
    }
    // The assertion is bound to the filing party's personal ID; without one there is nothing
    // to bind it to, and assess() says so.
    if (filer_ && !filer_->assertion.empty() && parties_[filer_->party].lookup == Lookup::ById) {
      std::vector<ecid::sdk::Claim> claims{{ECID_F_PERSONAL_ID, parties_[filer_->party].person.personal_id},
                                           {ECID_F_EID_LEVEL, kOnlineFilingLevel}};
      if (!filer_->nonce.empty()) claims.push_back({ECID_F_EID_NONCE, filer_->nonce});
      filer_->query_id = planner.ask(ECID_Q_EID_ASSERTION, filer_->subject_ref, filer_->assertion,
                                     kPurpose, claims, kAssertionFields);
    }
  }

  void assess(const ecid::sdk::Answers& answers, ecid::sdk::Reporter& reporter) override {
    for (const Finding& f : document_findings_) reporter.add(kDocumentSubject, f);
    for (const Party& p : parties_) assess_party(p, answers, reporter);
    if (filer_) assess_filer(*filer_, parties_[filer_->party], answers, reporter);
  }

 private:
  static int year_of(int64_t unix_seconds) {
    const std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    if (!gmtime_r(&t, &tm)) return 2100;
    return tm.tm_year + 1900;
  }

  void read_case(const ecid::sdk::Host& host, const XmlReader& r, const pugi::xml_node& root, int current_year) {
    const auto number = r.text(root, "CaseNumber");
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
    if (const auto filed = r.text(root, "FilingDate"); filed && !host.parse_date(*filed))
      document_findings_.push_back({ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, 0,
                                    utf8_prefix(*filed, 32), "FilingDate is not a date"});
    // Court (name, attribute code) is carried for the operator; nothing here depends on it.
  }

  // <Filer party="N" channel="online|in_person|post"><Assertion>token</Assertion><Nonce>n</Nonce></Filer>
  void read_filer(const XmlReader& r, const pugi::xml_node& root) {
    const auto nodes = r.children(root, "Filer");
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

    // A token has no white space; a pretty-printer may have wrapped it. Its bound is kLimits'.
    f.assertion = without_spaces(r.text(node, "Assertion").value_or(""));
    // <Nonce>: the value the court's sign-in page sent VNeID; the token must carry the same.
    const auto nonces = r.children(node, "Nonce");
    if (nonces.size() > 1) throw InvalidDocument("Filer has more than one Nonce element");
    if (!nonces.empty()) {
      f.nonce = std::string(trim(nonces[0].child_value()));
      if (f.nonce.empty() || f.nonce.size() > 256)
        throw InvalidDocument("CaseFiling/Filer/Nonce must hold 1 to 256 characters");
    }
    filer_ = std::move(f);
  }

  void read_parties(const ecid::sdk::Host& host, const XmlReader& r, const pugi::xml_node& root) {
    const auto lists = r.children(root, "Parties");
    if (lists.size() > 1) throw InvalidDocument("CaseFiling has more than one Parties element");
    if (lists.empty()) throw InvalidDocument("no parties: CaseFiling has no Parties element");
    const auto nodes = r.children(lists[0], "Party");
    if (nodes.empty()) throw InvalidDocument("no parties: Parties holds no Party");
    if (nodes.size() > kMaxParties)
      throw InvalidDocument("too many parties: " + std::to_string(nodes.size()) + " (at most " +
                            std::to_string(kMaxParties) + ")");
    parties_.reserve(nodes.size());
    for (size_t i = 0; i < nodes.size(); ++i) parties_.push_back(read_party(host, r, nodes[i], i + 1));
  }

  static Party read_party(const ecid::sdk::Host& host, const XmlReader& r, const pugi::xml_node& node,
                          size_t number) {
    Party p;
    const std::string_view role = trim(node.attribute("role").value());
    if (role != "plaintiff" && role != "defendant" && role != "related")
      throw InvalidDocument("party[" + std::to_string(number) +
                            "]: role must be plaintiff, defendant or related");
    p.subject_ref = "party[" + std::to_string(number) + "] (" + std::string(role) + ")";
    p.person = ecid::sdk::read_person(host, r, node);
    p.declared_address = r.text(node, "DeclaredAddress").value_or("");
    const auto legacy_id = r.text(node, "LegacyId");
    if (p.person.id_unusable) {
      p.lookup = Lookup::Unusable;
    } else if (!p.person.personal_id.empty()) {
      p.lookup = Lookup::ById;
    } else if (legacy_id) {  // only when no PersonalId is given
      p.legacy_id = without_spaces(*legacy_id);
      p.lookup = Lookup::ByLegacyId;
      if (!all_digits(p.legacy_id) || p.legacy_id.size() != 9) {
        p.lookup = Lookup::Unusable;
        p.person.findings.push_back({ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, ECID_F_LEGACY_ID, "",
                                     "legacy ID is not a 9-digit CMND number"});
      }
    }
    return p;
  }

  static void assess_party(const Party& p, const ecid::sdk::Answers& answers, ecid::sdk::Reporter& out) {
    for (const Finding& f : p.person.findings) out.add(p.subject_ref, f);
    if (p.lookup == Lookup::None) {
      out.add(ECID_FINDING_NO_ID_GIVEN, ECID_SEVERITY_ATTENTION, p.subject_ref, 0, {},
              "neither PersonalId nor LegacyId given: identity and residence not checked");
      return;
    }
    if (p.lookup == Lookup::Unusable || !p.query_id) return;

    const auto answer = answers.find(*p.query_id);
    const uint32_t id_field = p.lookup == Lookup::ById ? ECID_F_PERSONAL_ID : ECID_F_LEGACY_ID;
    if (auto f = ecid::sdk::lookup_failure(answer, "the host returned no answer for this party's look-up"))
      return out.add(p.subject_ref, *f);
    if (auto f = ecid::sdk::person_not_found(*answer, id_field)) return out.add(p.subject_ref, *f);
    if (answer->record_count() > 1) {
      out.add(ECID_FINDING_AMBIGUOUS, ECID_SEVERITY_ATTENTION, p.subject_ref, id_field, {},
              "the register holds " + std::to_string(answer->record_count()) +
                  " people for this ID; identity and residence not decided");
      return;
    }
    const ecid::sdk::Record record = answer->record(0);
    const ecid::sdk::ClaimChecks checks = ecid::sdk::check_claims(record, p.person.claimed_fields());
    for (const Finding& f : checks.findings) out.add(p.subject_ref, f);

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

    // Anything the document itself showed about the party (all of it needs attention) also
    // stands in the way of a verification.
    if (!checks.disagreement() && p.person.findings.empty()) {
      std::string detail = p.lookup == Lookup::ById ? "personal ID found on the register"
                                                    : "legacy ID found on the register";
      detail += checks.agreed();
      if (checks.birth_year_only) detail += "; birth date agrees on year only";
      if (!checks.no_value.empty()) detail += "; the register holds no " + join_and(checks.no_value);
      if (!checks.not_compared.empty()) detail += "; not compared: " + join_and(checks.not_compared);
      if (p.person.claims().empty()) detail += "; nothing else was claimed";
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
    if (auto failure = ecid::sdk::assertion_failure(answer, "the host returned no answer for the filer's identity assertion"))
      return out.add(f.subject_ref, *failure);
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
  std::vector<Finding> document_findings_;
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
