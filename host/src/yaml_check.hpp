// Strict reading of YAML documents: every error names the source, the line and the key.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ecid::yaml_check {

template <class Error>
class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const YAML::Node& at, const std::string& message) const {
    std::string where = source_;
    if (at.IsDefined() && at.Mark().line >= 0) where += ":" + std::to_string(at.Mark().line + 1);
    throw Error(where + ": " + message);
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

// Parses YAML text, turning yaml-cpp's exceptions into Error with the line.
template <class Error>
YAML::Node parse(std::string_view text, const std::string& source) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    throw Error(source + ":" + std::to_string(e.mark.line + 1) + ": not valid YAML: " + e.msg);
  }
}

}  // namespace ecid::yaml_check
