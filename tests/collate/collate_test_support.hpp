// Shared by the collation tests: a register whose people the test writes, a configuration that
// loads the real social-insurance adapter, and a reader for the results file.
#pragma once

#include <ecid/collate.hpp>
#include <ecid/config.hpp>
#include <ecid/personal_id.hpp>
#include <ecid/register.hpp>
#include <ecid/register_schema.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace collate_test {

namespace fs = std::filesystem;

struct Person {
  std::string pid, name, birth, sex, place, legacy, death;
};

// An in-memory population register with the embedded backend's answering rules (docs/register.md).
class FakeRegister : public ecid::RegisterBackend {
 public:
  explicit FakeRegister(std::vector<Person> people) : people_(std::move(people)) {}
  std::string source_name() const override { return "test/fake"; }
  void lookup(std::span<const ecid::LookupRequest> requests, std::span<ecid::LookupResult> results) override {
    ++calls;
    if (fail) throw std::runtime_error("register down (test)");
    for (size_t i = 0; i < requests.size(); ++i) answer(requests[i], results[i]);
    std::lock_guard lock(mutex_);
    for (const auto& r : requests) kinds.push_back(r.kind);
  }
  std::atomic<int> calls{0};
  std::atomic<bool> fail{false};
  std::vector<uint32_t> kinds;

 private:
  ecid::RegisterRecord record(const Person& p, const ecid::FieldSet& f) const {
    ecid::RegisterRecord r;
    auto put = [&](uint32_t field, const std::string& v) {
      if (f.has(field) && !v.empty()) r.values.emplace_back(field, v);
    };
    put(ECID_F_PERSONAL_ID, p.pid);
    put(ECID_F_FULL_NAME, p.name);
    put(ECID_F_BIRTH_DATE, p.birth);
    put(ECID_F_SEX, p.sex);
    put(ECID_F_BIRTH_REGISTRATION_PLACE, p.place);
    put(ECID_F_LEGACY_ID, p.legacy);
    if (f.has(ECID_F_DEATH_DATE)) r.values.emplace_back(ECID_F_DEATH_DATE, p.death);
    return r;
  }
  void answer(const ecid::LookupRequest& q, ecid::LookupResult& out) const {
    out.records.clear();
    out.detail.clear();
    auto claim = [&](uint32_t f) -> std::string {
      for (const auto& c : q.claims)
        if (c.field == f) return c.value;
      return {};
    };
    if (q.kind == ECID_Q_PERSON_BY_ID) {
      if (!ecid::decode_personal_id(q.key).valid) {
        out.status = ECID_ANSWER_INVALID_KEY;
        return;
      }
      for (const Person& p : people_)
        if (p.pid == q.key) out.records.push_back(record(p, q.fields));
    } else if (q.kind == ECID_Q_PERSON_BY_LEGACY_ID) {
      for (const Person& p : people_)
        if (!p.legacy.empty() && p.legacy == q.key) out.records.push_back(record(p, q.fields));
    } else if (q.kind == ECID_Q_PERSON_CANDIDATES) {
      const std::string key = ecid::register_schema::name_key(claim(ECID_F_FULL_NAME));
      const std::string birth = claim(ECID_F_BIRTH_DATE);
      const std::string year = birth.size() >= 4 ? birth.substr(birth.size() - 4) : birth;
      const std::string place = claim(ECID_F_BIRTH_REGISTRATION_PLACE);
      for (const Person& p : people_) {
        if (ecid::register_schema::name_key(p.name) != key || p.birth.substr(0, 4) != year) continue;
        if (!place.empty() && std::stoi(place) != std::stoi(p.place)) continue;
        out.records.push_back(record(p, q.fields));
      }
    } else {
      out.status = ECID_ANSWER_UNAVAILABLE;
      return;
    }
    out.status = out.records.empty() ? ECID_ANSWER_NOT_FOUND : ECID_ANSWER_FOUND;
  }
  std::vector<Person> people_;
  std::mutex mutex_;
};

// The shipped configuration with the build's adapters.
inline ecid::Config config_for(const fs::path& register_path = {}) {
  ecid::Config c = ecid::load_config(fs::path(ECID_SOURCE_DIR) / "samples/ecid.yaml");
  c.adapter_dirs = {fs::path(ECID_ADAPTER_DIR)};
  c.population.backend = "embedded";
  c.population.path = register_path;
  return c;
}

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_file(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary);
  out << bytes;
}

// One results row, split into its columns (record, line, offset, subject, class, findings, value,
// encoding, reason).
struct Row {
  std::vector<std::string> cells;
  const std::string& operator[](size_t i) const { return cells.at(i); }
  const std::string& cls() const { return cells.at(4); }
  const std::string& findings() const { return cells.at(5); }
  const std::string& value() const { return cells.at(6); }
  const std::string& encoding() const { return cells.at(7); }
  const std::string& reason() const { return cells.at(8); }
};

inline std::vector<Row> read_results(const fs::path& p) {
  std::istringstream in(read_file(p));
  std::string line;
  std::vector<Row> rows;
  std::getline(in, line);
  if (line != "record,line,offset,subject,class,findings,value,encoding,reason")
    throw std::runtime_error("unexpected results header: " + line);
  while (std::getline(in, line)) {
    Row r;
    std::string cell;
    bool quoted = false;
    for (size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (quoted) {
        if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
          cell += '"';
          ++i;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell += c;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        r.cells.push_back(cell);
        cell.clear();
      } else {
        cell += c;
      }
    }
    r.cells.push_back(cell);
    if (r.cells.size() != 9) throw std::runtime_error("results row with " + std::to_string(r.cells.size()) + " cells: " + line);
    rows.push_back(std::move(r));
  }
  return rows;
}

// The ten fixture citizens of every seeded register (docs/register.md), as a fake register holds them.
inline std::vector<Person> fixtures() {
  return {
      {"001085000101", "Nguy\xE1\xBB\x85n V\xC4\x83n An", "1985-02-15", "M", "001", "", ""},
      {"079190000202", "Tr\xE1\xBA\xA7n Th\xE1\xBB\x8B B\xC3\xAD" "ch Ng\xE1\xBB\x8D" "c", "1990-07-09", "F", "079", "", ""},
      {"048072000303", "L\xC3\xAA V\xC4\x83n H\xC3\xB9ng", "1972-11-30", "M", "048", "", ""},
      {"036155000404", "Ph\xE1\xBA\xA1m Th\xE1\xBB\x8B Hoa", "1955-01-20", "F", "036", "", "2024-05-10"},
      {"001198000505", "Ho\xC3\xA0ng Th\xE1\xBB\x8B Th\xE1\xBB\xA7y Dung", "1998-09-01", "F", "001", "", ""},
      {"038088000606", "\xC4\x90\xE1\xBB\x97 Minh Tu\xE1\xBA\xA5n", "1988-06-06", "M", "038", "172345678", ""},
      {"031093000707", "V\xC5\xA9 Th\xE1\xBB\x8B Lan", "1993-04-04", "F", "031", "", ""},
      {"040048000808", "Ng\xC3\xB4 V\xC4\x83n B\xE1\xBA\xA3y", "1948", "M", "040", "", ""},
      {"001300000909", "\xC4\x90\xE1\xBA\xB7ng Thu H\xC3\xA0", "2000-12-24", "F", "001", "", ""},
      {"079087000111", "Hu\xE1\xBB\xB3nh T\xE1\xBA\xA5n Ph\xC3\xA1t", "1987-03-15", "M", "079", "", ""},
  };
}

}  // namespace collate_test
