// Strict reading of YAML documents: every error names the source, the line and the key.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ecid::yaml_check {

template <class Error>
class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  // "SOURCE:LINE" of a node (SOURCE alone when it has no line).
  std::string where(const YAML::Node& at) const {
    if (at.IsDefined() && at.Mark().line >= 0) return source_ + ":" + std::to_string(at.Mark().line + 1);
    return source_;
  }
  [[noreturn]] void fail(const YAML::Node& at, const std::string& message) const {
    throw Error(where(at) + ": " + message);
  }
  [[noreturn]] void fail_plain(const std::string& message) const { throw Error(source_ + ": " + message); }

  void expect_map(const YAML::Node& n, std::string_view key) const {
    if (!n.IsMap()) fail(n, "'" + std::string(key) + "' must be a mapping");
  }
  // Rejects keys outside `allowed`, naming the first unknown one.
  void only_keys(const YAML::Node& map, std::string_view where,
                 std::initializer_list<std::string_view> allowed) const {
    for (const auto& kv : map) {
      std::string k = kv.first.Scalar();
      bool ok = false;
      for (auto a : allowed) ok = ok || a == k;
      if (!ok) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        fail(kv.first, "unknown key '" + k + "' in " + std::string(where) + " (expected one of: " + list + ")");
      }
    }
  }
  std::string scalar(const YAML::Node& parent, std::string_view key, bool required) const {
    YAML::Node n = parent[std::string(key)];
    if (!n.IsDefined() || n.IsNull()) {
      if (required) fail(parent, "missing required key '" + std::string(key) + "'");
      return {};
    }
    if (!n.IsScalar()) fail(n, "'" + std::string(key) + "' must be a single value");
    return n.Scalar();
  }
  long integer(const YAML::Node& parent, std::string_view key, long fallback, long lo, long hi) const {
    YAML::Node n = parent[std::string(key)];
    if (!n.IsDefined() || n.IsNull()) return fallback;
    if (!n.IsScalar()) fail(n, "'" + std::string(key) + "' must be a whole number");
    try {
      size_t used = 0;
      long v = std::stol(n.Scalar(), &used);
      if (used != n.Scalar().size()) throw std::invalid_argument("trailing");
      if (v < lo || v > hi)
        fail(n, "'" + std::string(key) + "' must be between " + std::to_string(lo) + " and " + std::to_string(hi));
      return v;
    } catch (const std::logic_error&) {
      fail(n, "'" + std::string(key) + "' must be a whole number, not '" + n.Scalar() + "'");
    }
  }
  bool boolean(const YAML::Node& parent, std::string_view key, bool fallback) const {
    YAML::Node n = parent[std::string(key)];
    if (!n.IsDefined() || n.IsNull()) return fallback;
    const std::string& s = n.IsScalar() ? n.Scalar() : std::string();
    if (s == "true") return true;
    if (s == "false") return false;
    fail(n, "'" + std::string(key) + "' must be true or false");
  }
  std::vector<std::string> string_list(const YAML::Node& parent, std::string_view key, bool required) const {
    YAML::Node n = parent[std::string(key)];
    std::vector<std::string> out;
    if (!n.IsDefined() || n.IsNull()) {
      if (required) fail(parent, "missing required key '" + std::string(key) + "'");
      return out;
    }
    if (!n.IsSequence()) fail(n, "'" + std::string(key) + "' must be a list");
    for (const auto& item : n) {
      if (!item.IsScalar()) fail(item, "items of '" + std::string(key) + "' must be single values");
      out.push_back(item.Scalar());
    }
    return out;
  }
  const std::string& source() const { return source_; }

 private:
  std::string source_;
};

// A key written twice in one mapping: yaml-cpp keeps both and every lookup finds the first, so
// the second (a policy, a path) would be ignored without a word.
template <class Error>
void refuse_duplicate_keys(const YAML::Node& n, const std::string& source) {
  if (n.IsSequence())
    for (const auto& item : n) refuse_duplicate_keys<Error>(item, source);
  if (!n.IsMap()) return;
  std::vector<std::pair<std::string, int>> seen;  // key, line; mappings are small
  for (const auto& kv : n) {
    if (kv.first.IsScalar()) {
      const std::string& k = kv.first.Scalar();
      for (const auto& [key, line] : seen)
        if (key == k)
          throw Error(source + ":" + std::to_string(kv.first.Mark().line + 1) + ": duplicated key '" + k +
                      "' (first at line " + std::to_string(line) + ")");
      seen.emplace_back(k, kv.first.Mark().line + 1);
    }
    refuse_duplicate_keys<Error>(kv.second, source);
  }
}

// Parses YAML text, turning yaml-cpp's exceptions into Error with the line; a duplicated key is an error.
template <class Error>
YAML::Node parse(std::string_view text, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    throw Error(source + ":" + std::to_string(e.mark.line + 1) + ": not valid YAML: " + e.msg);
  }
  refuse_duplicate_keys<Error>(root, source);
  return root;
}

}  // namespace ecid::yaml_check
