// Runs a shell command line as an operator would and captures what it printed.
#pragma once

#include "temp_dir.hpp"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

namespace ecid::testing {

struct CommandRun {
  int exit_code = -1;  // -1 when it did not exit normally
  std::string out;
  std::string err;
};

// `cmd` through /bin/sh; stderr goes through `err_file`, which is read back.
inline CommandRun run(const std::string& cmd, const std::filesystem::path& err_file) {
  CommandRun r;
  std::string full = cmd + " 2>" + err_file.string();
  FILE* p = popen(full.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.err = read_file(err_file);
  return r;
}

}  // namespace ecid::testing
