// Samples through ecid::Engine on seeded registers, checked against the tables of a samples
// README (parsed here, so the README and the tests cannot drift apart). Shared by
// tests/traffic, tests/seals and tests/court.
#pragma once

#include "temp_dir.hpp"
#include "readme_table.hpp"
#include "seeded_register.hpp"

#include <ecid/config.hpp>
#include <ecid/engine.hpp>
#include <ecid/fields.hpp>
#include <ecid/findings.hpp>
#include <ecid/register.hpp>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace samples_test {

namespace fs = std::filesystem;

using ecid::testing::folder;
using ecid::testing::markdown_table;
using ecid::testing::read_file;
using ecid::testing::seeded;
using ecid::testing::trim;

struct ExpectedFinding {
  std::string code;  // "NOTICE_ROUTE"
  std::string text;  // must occur in the finding's field name, value or detail; may be empty
};

// "VERIFIED, NOTICE_ROUTE(current residence)" → two expectations.
inline std::vector<ExpectedFinding> parse_expected(const std::string& cell) {
  std::vector<ExpectedFinding> out;
  size_t i = 0;
  while (i < cell.size()) {
    while (i < cell.size() && (cell[i] == ' ' || cell[i] == ',')) ++i;
    if (i >= cell.size()) break;
    ExpectedFinding e;
    while (i < cell.size() && cell[i] != '(' && cell[i] != ',') e.code += cell[i++];
    e.code = trim(e.code);
    if (i < cell.size() && cell[i] == '(') {
      const size_t close = cell.find(')', i);
      if (close == std::string::npos) throw std::runtime_error("unbalanced '(' in README cell: " + cell);
      e.text = cell.substr(i + 1, close - i - 1);
      i = close + 1;
    }
    out.push_back(std::move(e));
  }
  return out;
}

inline uint32_t finding_code(const std::string& name) {
  for (const auto& info : ecid::all_findings())
    if (info.name == name) return info.code;
  throw std::runtime_error("README names an unknown finding code: " + name);
}

inline bool mentions(const ecid::Finding& f, const std::string& text) {
  return text.empty() || std::string(ecid::field_name(f.field)).find(text) != std::string::npos ||
         f.value.find(text) != std::string::npos || f.detail.find(text) != std::string::npos;
}

inline std::string describe(const std::vector<ecid::Finding>& fs) {
  std::string out;
  for (const auto& f : fs)
    out += "\n  " + std::string(ecid::finding_name(f.code)) + " [" + f.subject_ref + "] field=" +
           std::string(ecid::field_name(f.field)) + " value='" + f.value + "' detail='" + f.detail + "'";
  return out;
}

// Each expectation matched by a distinct finding, and no finding left over.
inline ::testing::AssertionResult findings_match(const std::vector<ecid::Finding>& actual,
                                                 const std::vector<ExpectedFinding>& expected) {
  std::vector<bool> used(actual.size(), false);
  for (const ExpectedFinding& e : expected) {
    const uint32_t code = finding_code(e.code);
    bool matched = false;
    for (size_t i = 0; i < actual.size() && !matched; ++i)
      if (!used[i] && actual[i].code == code && mentions(actual[i], e.text)) used[i] = matched = true;
    if (!matched) return ::testing::AssertionFailure() << "no " << e.code << "(" << e.text << ") among:" << describe(actual);
  }
  if (std::count(used.begin(), used.end(), false) > 0)
    return ::testing::AssertionFailure() << "unexpected findings beyond the README's among:" << describe(actual);
  return ::testing::AssertionSuccess();
}

struct Readme {
  std::map<std::string, std::string> document_refs;  // file → ref ("" for none)
  std::map<std::string, std::string> rounds;         // file → "vehicle; population" (traffic only)
  std::map<std::string, std::map<std::string, std::vector<ExpectedFinding>>> expected;  // file → subject → list
};

inline Readme read_readme(const fs::path& samples, bool with_rounds) {
  const std::string text = read_file((samples / "README.md").string());
  Readme r;
  for (const auto& row : markdown_table(text, "| file | document ref |")) {
    if (row.size() < (with_rounds ? 4u : 3u)) throw std::runtime_error("short row in the samples table");
    r.document_refs[row[0]] = row[1] == "—" ? "" : row[1];
    if (with_rounds) r.rounds[row[0]] = row[2];
  }
  for (const auto& row : markdown_table(text, "| file | subject | expected findings |")) {
    if (row.size() < 3) throw std::runtime_error("short row in the expected findings table");
    r.expected[row[0]][row[1]] = parse_expected(row[2]);
  }
  return r;
}

inline std::vector<std::string> sample_files(const fs::path& samples) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(samples))
    if (e.path().extension() == ".xml") out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// "vehicle/embedded" → "vehicle"; "eid" stays.
inline std::string register_of(const std::string& source) { return source.substr(0, source.find('/')); }

// The registers that answered each round, as the README's rounds column writes them:
// rounds separated by "; ", registers of one round sorted and separated by ", ".
inline std::string rounds_text(const ecid::DocumentReport& report) {
  std::map<uint32_t, std::set<std::string>> by_round;
  for (const auto& q : report.queries) by_round[q.round].insert(register_of(q.source));
  std::string out;
  for (const auto& [round, registers] : by_round) {
    if (!out.empty()) out += "; ";
    std::string one;
    for (const auto& r : registers) one += (one.empty() ? "" : ", ") + r;
    out += one;
  }
  return out;
}
inline std::string normalised_rounds(const std::string& cell) {
  std::string out;
  std::istringstream rounds(cell);
  std::string round;
  while (std::getline(rounds, round, ';')) {
    std::set<std::string> names;
    std::istringstream parts(round);
    std::string name;
    while (std::getline(parts, name, ',')) names.insert(trim(name));
    std::string one;
    for (const auto& n : names) one += (one.empty() ? "" : ", ") + n;
    out += (out.empty() ? "" : "; ") + one;
  }
  return out;
}

// The shipped configuration, so the shipped policy (and the sample eID issuer) is what the
// samples run under; the audit trail goes to `dir`.
inline ecid::Config shipped_config(const fs::path& register_path, const fs::path& dir = folder()) {
  ecid::Config c = ecid::load_config(fs::path(ECID_SOURCE_DIR) / "samples/ecid.yaml");
  c.adapter_dirs = {fs::path(ECID_ADAPTER_DIR)};
  c.population.backend = "embedded";
  c.population.path = register_path;
  // The whole audit trail in the test's folder: never the working tree's var/.
  c.audit_path = dir / "audit.db";
  c.audit_key_file = dir / "audit.key";
  c.audit_anchor_file = dir / "audit.anchors";
  return c;
}

// Passes look-ups to a real register and lets the test rewrite the results. It answers under the
// inner register's name, as the traffic tests' rounds column needs.
class RewritingRegister : public ecid::RegisterBackend {
 public:
  using Rewrite = std::function<void(const ecid::LookupRequest&, ecid::LookupResult&)>;
  RewritingRegister(std::shared_ptr<ecid::RegisterBackend> inner, Rewrite rewrite)
      : inner_(std::move(inner)), rewrite_(std::move(rewrite)) {}
  std::string source_name() const override { return inner_->source_name(); }
  void lookup(std::span<const ecid::LookupRequest> requests, std::span<ecid::LookupResult> results) override {
    inner_->lookup(requests, results);
    for (size_t i = 0; i < requests.size(); ++i) rewrite_(requests[i], results[i]);
  }

 private:
  std::shared_ptr<ecid::RegisterBackend> inner_;
  Rewrite rewrite_;
};

inline std::vector<ecid::Finding> of_subject(const ecid::DocumentReport& r, const std::string& subject) {
  std::vector<ecid::Finding> out;
  for (const auto& f : r.findings)
    if (f.subject_ref == subject) out.push_back(f);
  return out;
}

// Rows of a query on a register file.
inline std::vector<std::vector<std::string>> rows(const fs::path& db, const std::string& sql) {
  sqlite3* h = nullptr;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) throw std::runtime_error("open");
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(h, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
    std::string e = sqlite3_errmsg(h);
    sqlite3_close(h);
    throw std::runtime_error(e);
  }
  std::vector<std::vector<std::string>> out;
  while (sqlite3_step(s) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int i = 0; i < sqlite3_column_count(s); ++i) {
      const unsigned char* t = sqlite3_column_text(s, i);
      row.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
    }
    out.push_back(std::move(row));
  }
  sqlite3_finalize(s);
  sqlite3_close(h);
  return out;
}

// One sample's report against its rows of the README (and its rounds, when the README has them).
inline void check_report_against_readme(const ecid::DocumentReport& report, const Readme& readme,
                                        const std::string& file, const std::string& adapter) {
  ASSERT_TRUE(report.ok) << report.error;
  EXPECT_EQ(report.adapter, adapter);
  ASSERT_TRUE(readme.document_refs.count(file)) << "not in the samples table";
  EXPECT_EQ(report.document_ref, readme.document_refs.at(file));
  if (const auto rounds = readme.rounds.find(file); rounds != readme.rounds.end()) {
    EXPECT_EQ(rounds_text(report), normalised_rounds(rounds->second));
  }
  ASSERT_TRUE(readme.expected.count(file)) << "no expected findings";
  const auto& expected = readme.expected.at(file);
  std::map<std::string, std::vector<ecid::Finding>> by_subject;
  for (const auto& f : report.findings) by_subject[f.subject_ref].push_back(f);
  for (const auto& [subject, list] : expected) EXPECT_TRUE(findings_match(by_subject[subject], list)) << subject;
  for (const auto& [subject, list] : by_subject)
    EXPECT_TRUE(expected.count(subject)) << "findings for " << subject << " not in the README:" << describe(list);
  for (const auto& q : report.queries) EXPECT_EQ(q.subject_ref.find("Nguy"), std::string::npos);
}

// Runs every sample of `samples` and checks it against the README's tables.
inline void check_samples_against_readme(ecid::Engine& engine, const fs::path& samples, const std::string& adapter,
                                         bool with_rounds) {
  const Readme readme = read_readme(samples, with_rounds);
  for (const auto& file : sample_files(samples)) {
    SCOPED_TRACE(file);
    check_report_against_readme(engine.check(file, read_file(samples / file)), readme, file, adapter);
  }
}

}  // namespace samples_test
