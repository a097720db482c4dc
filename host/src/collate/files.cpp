#include "collate/files.hpp"

#include <ecid/safe_files.hpp>

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
  const int fd = create_private_file(temp);
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

std::FILE* create_stream(const std::filesystem::path& path) {
  const int fd = create_private_file(path);
  std::FILE* f = ::fdopen(fd, "wb");
  if (!f) {
    ::close(fd);
    throw std::runtime_error("cannot create " + path.string() + ": " + errno_text());
  }
  return f;
}

AppendFile::AppendFile(const std::filesystem::path& path) : path_(path), fd_(create_private_file(path)) {}

AppendFile::AppendFile(const std::filesystem::path& path, uint64_t size) : path_(path) {
  fd_ = open_own_file(path, O_WRONLY);
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

std::string remove_checkpoint_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::string kept;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const bool ours = name.rfind("checkpoint.json", 0) == 0 || name.rfind("duplicates.bin", 0) == 0 ||
                      name.rfind("pass1.", 0) == 0 || name.rfind("prefetch.", 0) == 0;
    if (!ours) kept += (kept.empty() ? "" : ", ") + name;
    else std::filesystem::remove(entry.path(), ec);  // a link itself, never what it points to
  }
  if (kept.empty()) std::filesystem::remove(dir, ec);
  return kept;
}

}  // namespace ecid::collate
