#include "collate/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace ecid::collate {
namespace {

std::string errno_text() { return std::strerror(errno); }

void write_all(int fd, std::string_view bytes, const std::filesystem::path& path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("writing " + path.string() + ": " + errno_text());
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

void fsync_directory(const std::filesystem::path& dir) {
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

void write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
  const std::filesystem::path temp = path.string() + ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot create " + temp.string() + ": " + errno_text());
  try {
    write_all(fd, bytes, temp);
    if (::fsync(fd) != 0) throw std::runtime_error("fsync " + temp.string() + ": " + errno_text());
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  if (::rename(temp.c_str(), path.c_str()) != 0)
    throw std::runtime_error("cannot rename " + temp.string() + ": " + errno_text());
  fsync_directory(path.parent_path());
}

AppendFile::AppendFile(const std::filesystem::path& path, uint64_t size) : path_(path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::runtime_error("cannot open " + path.string() + ": " + errno_text());
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || static_cast<uint64_t>(st.st_size) < size) {
    ::close(fd_);
    throw std::runtime_error(path.string() + " is shorter than its checkpoint says (" + std::to_string(size) +
                             " bytes): it was changed outside ecid");
  }
  if (::ftruncate(fd_, static_cast<off_t>(size)) != 0 || ::lseek(fd_, static_cast<off_t>(size), SEEK_SET) < 0) {
    ::close(fd_);
    throw std::runtime_error("cannot cut " + path.string() + ": " + errno_text());
  }
  size_ = size;
}

AppendFile::~AppendFile() {
  if (fd_ >= 0) ::close(fd_);
}

void AppendFile::append(std::string_view bytes) {
  write_all(fd_, bytes, path_);
  size_ += bytes.size();
}

void AppendFile::sync() {
  if (::fdatasync(fd_) != 0) throw std::runtime_error("fdatasync " + path_.string() + ": " + errno_text());
}

void AppendFile::close() {
  if (fd_ < 0) return;
  sync();
  if (::close(fd_) != 0) {
    fd_ = -1;
    throw std::runtime_error("closing " + path_.string() + ": " + errno_text());
  }
  fd_ = -1;
}

}  // namespace ecid::collate
