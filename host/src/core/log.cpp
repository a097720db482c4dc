#include <ecid/log.hpp>

#include <atomic>
#include <cstdio>
#include <mutex>

namespace ecid::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::Warn)};
std::mutex g_mutex;
std::function<void(Level, std::string_view)> g_sink;

const char* level_name(Level l) {
  switch (l) {
    case Level::Debug: return "debug";
    case Level::Info: return "info";
    case Level::Warn: return "warning";
    case Level::Error: return "error";
  }
  return "?";
}

}  // namespace

void set_level(Level level) { g_level = static_cast<int>(level); }
Level level() { return static_cast<Level>(g_level.load()); }

void set_sink(std::function<void(Level, std::string_view)> sink) {
  std::lock_guard lock(g_mutex);
  g_sink = std::move(sink);
}

std::string redact(std::string_view m) {
  std::string out;
  out.reserve(m.size());
  size_t i = 0;
  while (i < m.size()) {
    if (m[i] >= '0' && m[i] <= '9') {
      size_t j = i;
      while (j < m.size() && m[j] >= '0' && m[j] <= '9') ++j;
      size_t n = j - i;
      if (n >= 9) {
        out.append(m.substr(i, 3));
        out.append(n - 5, '*');
        out.append(m.substr(j - 2, 2));
      } else {
        out.append(m.substr(i, n));
      }
      i = j;
    } else {
      out.push_back(m[i++]);
    }
  }
  return out;
}

namespace {

void emit(Level l, const char* label, std::string_view message) {
  std::string line = redact(message);
  std::lock_guard lock(g_mutex);
  if (g_sink) {
    g_sink(l, line);
  } else {
    std::fprintf(stderr, "ecid: %s: %s\n", label, line.c_str());
  }
}

}  // namespace

void write(Level l, std::string_view message) {
  if (static_cast<int>(l) < g_level.load()) return;
  emit(l, level_name(l), message);
}

void security(std::string_view message) { emit(Level::Error, "SECURITY WARNING", message); }

}  // namespace ecid::log
