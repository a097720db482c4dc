#include <ecid/safe_files.hpp>

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

namespace ecid {
namespace {

std::string errno_text() { return std::strerror(errno); }

const char* kind_of(mode_t mode) {
  if (S_ISLNK(mode)) return "a symbolic link";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

std::string quoted(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

// Writing through a link or into someone else's file is how a planted name turns ecid (often
// root) against a file it was never meant to touch.
void refuse_unless_own_regular(const std::filesystem::path& path, const struct stat& st) {
  const std::string why = "refusing to write " + quoted(path) + ": ";
  if (!S_ISREG(st.st_mode))
    throw UnsafeFileError(why + "it is " + kind_of(st.st_mode) + (S_ISLNK(st.st_mode) ? " (remove it if it is yours)" : ""));
  if (st.st_uid != ::geteuid())
    throw UnsafeFileError(why + "it belongs to another user (uid " + std::to_string(st.st_uid) + ")");
}

std::string size_text(uint64_t bytes) {
  if (bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

void refuse_unless_regular_input(const std::filesystem::path& path, const struct stat& st, uint64_t max_bytes) {
  if (!S_ISREG(st.st_mode))
    throw UnsafeFileError(quoted(path) + " is " + kind_of(st.st_mode) + ": only regular files are read");
  if (static_cast<uint64_t>(st.st_size) > max_bytes)
    throw UnsafeFileError(quoted(path) + " is too large (" + std::to_string(st.st_size) + " bytes; the limit is " +
                          size_text(max_bytes) + ")");
}

}  // namespace

int open_private(const std::filesystem::path& path, int flags) {
  return ::open(path.c_str(), flags | O_CLOEXEC, kPrivateFileMode);
}

int create_private_file(const std::filesystem::path& path) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    const int fd = open_private(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW);
    if (fd >= 0) return fd;
    if (errno != EEXIST) throw UnsafeFileError("cannot create " + quoted(path) + ": " + errno_text());
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) continue;  // gone meanwhile
    refuse_unless_own_regular(path, st);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
      throw UnsafeFileError("cannot replace " + quoted(path) + ": " + errno_text());
  }
  throw UnsafeFileError("cannot create " + quoted(path) + ": something keeps creating it");
}

int open_own_file(const std::filesystem::path& path, int flags) {
  // O_NONBLOCK: opening a FIFO for writing would wait for a reader.
  const int fd = ::open(path.c_str(), flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    struct stat st {};
    if ((errno == ELOOP || errno == ENXIO) && ::lstat(path.c_str(), &st) == 0) refuse_unless_own_regular(path, st);
    throw UnsafeFileError("cannot open " + quoted(path) + ": " + errno_text());
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const std::string why = errno_text();
    ::close(fd);
    throw UnsafeFileError("cannot open " + quoted(path) + ": " + why);
  }
  try {
    refuse_unless_own_regular(path, st);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

void ensure_private_dir(const std::filesystem::path& dir) {
  if (dir.has_parent_path()) std::filesystem::create_directories(dir.parent_path());
  if (::mkdir(dir.c_str(), kPrivateDirMode) != 0 && errno != EEXIST)
    throw UnsafeFileError("cannot create folder " + quoted(dir) + ": " + errno_text());
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) throw UnsafeFileError("cannot use folder " + quoted(dir) + ": " + errno_text());
  const std::string why = "refusing to use folder " + quoted(dir) + ": ";
  if (!S_ISDIR(st.st_mode)) throw UnsafeFileError(why + "it is " + kind_of(st.st_mode));
  if (st.st_uid != ::geteuid())
    throw UnsafeFileError(why + "it belongs to another user (uid " + std::to_string(st.st_uid) + ")");
  if (st.st_mode & (S_IWGRP | S_IWOTH)) throw UnsafeFileError(why + "other users may write into it");
}

int open_regular_input(const std::filesystem::path& path, uint64_t max_bytes, uint64_t& size) {
  // stat first: merely opening some devices has effects; fstat after, for what was opened.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw UnsafeFileError("cannot read " + quoted(path) + ": " + errno_text());
  refuse_unless_regular_input(path, st, max_bytes);
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw UnsafeFileError("cannot read " + quoted(path) + ": " + errno_text());
  try {
    if (::fstat(fd, &st) != 0) throw UnsafeFileError("cannot read " + quoted(path) + ": " + errno_text());
    refuse_unless_regular_input(path, st, max_bytes);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  size = static_cast<uint64_t>(st.st_size);
  return fd;
}

namespace {

// Reads `fd` to its end, at most `max_bytes` (`size_hint` first); closes it. `name` is quoted in errors.
std::string read_to_end(int fd, size_t size_hint, uint64_t max_bytes, const std::string& name) {
  std::string bytes;
  bytes.resize(size_hint);
  size_t got = 0;
  // A file that grows while being read (or a pipe) is still read only up to the limit.
  while (true) {
    if (got == bytes.size()) {
      if (bytes.size() > max_bytes) break;
      bytes.resize(std::min<size_t>(static_cast<size_t>(max_bytes) + 1, bytes.size() + 65536));
    }
    const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string why = errno_text();
      ::close(fd);
      throw UnsafeFileError("cannot read " + name + ": " + why);
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  bytes.resize(got);
  if (got > max_bytes) throw UnsafeFileError(name + " is too large (the limit is " + size_text(max_bytes) + ")");
  return bytes;
}

}  // namespace

std::string read_regular_file(const std::filesystem::path& path, uint64_t max_bytes) {
  uint64_t size = 0;
  const int fd = open_regular_input(path, max_bytes, size);
  return read_to_end(fd, static_cast<size_t>(size), max_bytes, quoted(path));
}

std::string read_standard_input(uint64_t max_bytes) {
  const int fd = ::dup(STDIN_FILENO);
  if (fd < 0) throw UnsafeFileError("cannot read the standard input: " + errno_text());
  return read_to_end(fd, 0, max_bytes, "the standard input");
}

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

}  // namespace ecid
