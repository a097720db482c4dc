// A test adapter driven by its document, so tests can make it plan several rounds, ask for
// refused purposes or fields, throw, or return bad findings. Built in several variants
// (PROBE_NAME, PROBE_VERSION) by tests/loader/CMakeLists.txt.
#include <ecid/adapter.hpp>

#include <pugixml.hpp>

#include <sstream>
#include <string>
#include <vector>

#ifndef PROBE_NAME
#define PROBE_NAME "probe"
#endif
#ifndef PROBE_VERSION
#define PROBE_VERSION "1.0.0"
#endif
#ifndef PROBE_ROOT
#define PROBE_ROOT "Probe"
#endif

namespace {

using namespace ecid::sdk;

std::vector<uint32_t> parse_fields(const std::string& list) {
  static const std::pair<const char*, uint32_t> names[] = {
      {"full_name", ECID_F_FULL_NAME}, {"birth_date", ECID_F_BIRTH_DATE}, {"sex", ECID_F_SEX},
      {"personal_id", ECID_F_PERSONAL_ID}, {"legacy_id", ECID_F_LEGACY_ID}, {"religion", ECID_F_RELIGION},
      {"current_residence", ECID_F_CURRENT_RESIDENCE}, {"death_date", ECID_F_DEATH_DATE}};
  std::vector<uint32_t> out;
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ','))
    for (const auto& [n, f] : names)
      if (item == n) out.push_back(f);
  return out;
}

struct Person {
  std::string id, name, birth, sex, fields, purpose, kind;
};

class ProbeSession : public Session {
 public:
  explicit ProbeSession(std::string_view doc) {
    pugi::xml_parse_result r = xml_.load_buffer(doc.data(), doc.size());
    if (!r) throw InvalidDocument(std::string("not well-formed XML: ") + r.description());
    pugi::xml_node root = xml_.document_element();
    if (std::string(root.name()) != PROBE_ROOT) throw InvalidDocument("root element is not " PROBE_ROOT);
    throw_at_ = root.child("Throw").attribute("where").value();
    if (throw_at_ == "open") throw std::runtime_error("probe threw in open");
    follow_up_ = root.child("FollowUp");
    loop_ = root.child("Loop");
    bad_finding_ = root.child("BadFinding");
    ref_ = root.attribute("ref").value();
    for (pugi::xml_node p : root.children("Person")) {
      Person person{p.attribute("id").value(),     p.attribute("name").value(),
                    p.attribute("birth").value(),  p.attribute("sex").value(),
                    p.attribute("fields").as_string("current_residence,legacy_id"),
                    p.attribute("purpose").as_string("test.lookup"), p.attribute("kind").as_string("id")};
      people_.push_back(person);
    }
  }

  void plan(uint32_t round, const Answers& answers, Planner& planner) override {
    if (throw_at_ == "plan") throw std::runtime_error("probe threw in plan");
    if (round == 0) {
      for (size_t i = 0; i < people_.size(); ++i) {
        const Person& p = people_[i];
        std::vector<Claim> claims;
        if (!p.name.empty()) claims.push_back({ECID_F_FULL_NAME, p.name});
        if (!p.birth.empty()) claims.push_back({ECID_F_BIRTH_DATE, p.birth});
        if (!p.sex.empty()) claims.push_back({ECID_F_SEX, p.sex});
        std::vector<uint32_t> fields = parse_fields(p.fields);
        uint32_t kind = p.kind == "legacy" ? ECID_Q_PERSON_BY_LEGACY_ID
                        : p.kind == "candidates" ? ECID_Q_PERSON_CANDIDATES
                        : p.kind == "eid" ? ECID_Q_EID_ASSERTION
                                          : ECID_Q_PERSON_BY_ID;
        planner.ask(kind, "person[" + std::to_string(i + 1) + "]", p.id, p.purpose, claims, fields);
      }
      return;
    }
    if (round == 1 && follow_up_) {
      // The second round depends on the first round's answers.
      for (size_t i = 0; i < answers.size(); ++i) {
        Answer a = answers[i];
        if (!a.found()) continue;
        auto legacy = a.record().value(ECID_F_LEGACY_ID);
        if (legacy && !legacy->empty())
          planner.ask(ECID_Q_PERSON_BY_LEGACY_ID, "follow-up of #" + std::to_string(a.query_id()), *legacy,
                      "test.lookup", {}, {ECID_F_PERSONAL_ID});
      }
      return;
    }
    if (loop_) planner.ask(ECID_Q_PERSON_BY_ID, "loop", "001085000101", "test.lookup", {}, {});
  }

  void assess(const Answers& answers, Reporter& reporter) override {
    if (throw_at_ == "assess") throw std::runtime_error("probe threw in assess");
    if (!ref_.empty()) reporter.document_ref(ref_);
    if (bad_finding_) reporter.add(9999, ECID_SEVERITY_OK, "bad");
    for (size_t i = 0; i < answers.size(); ++i) {
      Answer a = answers[i];
      // detail: "round=R status=S checks=field:outcome,..." ; value: disclosed values "field=value;..."
      std::string detail = "round=" + std::to_string(a.round()) + " status=" + std::to_string(a.status()) +
                           " records=" + std::to_string(a.record_count()) + " checks=";
      std::string value;
      if (a.record_count() > 0) {
        Record r = a.record();
        for (const auto& c : r.checks()) detail += std::to_string(c.field) + ":" + std::to_string(c.outcome) + ",";
        for (uint32_t f : {ECID_F_FULL_NAME, ECID_F_BIRTH_DATE, ECID_F_SEX, ECID_F_PERSONAL_ID, ECID_F_LEGACY_ID,
                           ECID_F_RELIGION, ECID_F_CURRENT_RESIDENCE, ECID_F_DEATH_DATE})
          if (auto v = r.value(f)) value += std::to_string(f) + "=" + std::string(*v) + ";";
      }
      if (!a.detail().empty()) detail += " detail=" + std::string(a.detail());
      uint32_t code = a.found() ? ECID_FINDING_VERIFIED
                      : a.status() == ECID_ANSWER_REFUSED ? ECID_FINDING_REFUSED_BY_POLICY
                      : a.status() == ECID_ANSWER_NOT_FOUND ? ECID_FINDING_ID_NOT_FOUND
                                                            : ECID_FINDING_REGISTER_UNAVAILABLE;
      reporter.add(code, a.found() ? ECID_SEVERITY_OK : ECID_SEVERITY_ATTENTION, "q" + std::to_string(a.query_id()),
                   0, value, detail);
    }
  }

 private:
  pugi::xml_document xml_;
  std::vector<Person> people_;
  std::string throw_at_, ref_;
  bool follow_up_ = false, loop_ = false, bad_finding_ = false;
};

class ProbeAdapter : public Adapter {
 public:
  using Adapter::Adapter;
  std::unique_ptr<Session> open(std::string_view document) override {
    return std::make_unique<ProbeSession>(document);
  }
};

}  // namespace

ECID_ADAPTER(ProbeAdapter, PROBE_NAME, PROBE_VERSION, ECID_DOCUMENT_TYPE(PROBE_ROOT, "urn:ecid:test:probe"))
