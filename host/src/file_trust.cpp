#include "file_trust.hpp"

#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace ecid::trust {
namespace {

std::string mode_text(mode_t m) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m & 07777));
  return buf;
}

// Why one path (not its folders) is unsafe, or empty.
std::string unsafe_entry(const std::filesystem::path& p, bool is_ancestor) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return p.string() + ": " + std::strerror(errno);
  const uid_t me = ::geteuid();
  if (st.st_uid != 0 && st.st_uid != me)
    return p.string() + " is owned by uid " + std::to_string(st.st_uid) + ", not by root or the user running ecid (uid " +
           std::to_string(me) + ")";
  const bool sticky_folder = S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX);
  if ((st.st_mode & S_IWOTH) && !(is_ancestor && sticky_folder))
    return p.string() + " is writable by others (mode " + mode_text(st.st_mode) + "): chmod o-w it";
  if ((st.st_mode & S_IWGRP) && !(is_ancestor && sticky_folder))
    return p.string() + " is writable by its group (mode " + mode_text(st.st_mode) + "): chmod g-w it";
  return {};
}

}  // namespace

std::string unsafe_path_reason(const std::filesystem::path& path) {
  std::error_code ec;
  const std::filesystem::path real = std::filesystem::canonical(path, ec);
  if (ec) return path.string() + ": " + ec.message();
  if (std::string why = unsafe_entry(real, false); !why.empty()) return why;
  for (std::filesystem::path folder = real.parent_path();; folder = folder.parent_path()) {
    if (std::string why = unsafe_entry(folder, true); !why.empty()) return why;
    if (folder == folder.root_path() || folder.empty()) break;
  }
  return {};
}

std::string exposed_secret_reason(const std::filesystem::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return file.string() + ": " + std::strerror(errno);
  if (st.st_mode & (S_IRWXG | S_IRWXO))
    return file.string() + " can be read or written by group or others (mode " + mode_text(st.st_mode) +
           "): chmod 600 it";
  return unsafe_path_reason(file);
}

std::string read_secret_file(const std::filesystem::path& file, const std::string& what) {
  if (std::string why = exposed_secret_reason(file); !why.empty())
    throw std::runtime_error(what + " refused: " + why);
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(what + ": cannot read " + file.string());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t begin = text.find_first_not_of(" \t\r\n"), end = text.find_last_not_of(" \t\r\n");
  std::string secret = begin == std::string::npos ? std::string() : text.substr(begin, end - begin + 1);
  OPENSSL_cleanse(text.data(), text.size());
  if (secret.empty()) throw std::runtime_error(what + ": " + file.string() + " is empty");
  return secret;
}

}  // namespace ecid::trust
