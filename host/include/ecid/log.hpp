// The host's log. Privacy by default: every message passes through redact(), which masks
// any run of 9 or more digits (personal IDs, legacy IDs) before it is written.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace ecid::log {

enum class Level { Debug = 0, Info = 1, Warn = 2, Error = 3 };

void set_level(Level level);
Level level();
// Where lines go (default: stderr). Tests capture them here.
void set_sink(std::function<void(Level, std::string_view)> sink);
void write(Level level, std::string_view message);

// Masks digit runs of length >= 9, keeping the first 3 and last 2 digits.
std::string redact(std::string_view message);

inline void debug(std::string_view m) { write(Level::Debug, m); }
inline void info(std::string_view m) { write(Level::Info, m); }
inline void warn(std::string_view m) { write(Level::Warn, m); }
inline void error(std::string_view m) { write(Level::Error, m); }
// A weakened security setting or a test credential in use: written whatever the level (-q does
// not silence it), as "ecid: SECURITY WARNING: ...", and through the sink like any other line.
void security(std::string_view m);

}  // namespace ecid::log
