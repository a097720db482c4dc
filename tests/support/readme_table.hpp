// The tables of a samples README, parsed by the tests that check the samples against them (so
// the README and the tests cannot drift apart).
#pragma once

#include <algorithm>
#include <cctype>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace ecid::testing {

// A cell's text without surrounding blanks and without code backticks.
inline std::string trim(std::string s) {
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  s.erase(std::remove(s.begin(), s.end(), '`'), s.end());
  return s;
}

// The rows of the markdown table whose header row starts with `header`. Throws when there is no
// such table (or it has no rows): a renamed header must not make a test check nothing.
inline std::vector<std::vector<std::string>> markdown_table(const std::string& text, const std::string& header) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside) {
      inside = line.rfind(header, 0) == 0;
      continue;
    }
    if (line.empty() || line[0] != '|') break;
    if (line.rfind("|---", 0) == 0) continue;
    std::vector<std::string> cells;
    std::string cell;
    for (size_t i = 1; i < line.size(); ++i) {
      if (line[i] == '|') {
        cells.push_back(trim(cell));
        cell.clear();
      } else {
        cell += line[i];
      }
    }
    rows.push_back(std::move(cells));
  }
  if (rows.empty()) throw std::runtime_error("README has no table starting with '" + header + "'");
  return rows;
}

}  // namespace ecid::testing
