// Small durable-file helpers for results and checkpoints.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace ecid::collate {

// Writes `path` so that it is either the old file or the whole new one, even after a crash or
// power loss: temporary file, fsync, rename, fsync of the folder.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);
void fsync_directory(const std::filesystem::path& dir);

// The results file being written: appended to, made durable on demand, truncated on resume.
class AppendFile {
 public:
  // Opens (creating it when absent) and cuts the file to `size` bytes; throws when the file is
  // shorter than `size` (it is not the file the checkpoint describes).
  AppendFile(const std::filesystem::path& path, uint64_t size);
  ~AppendFile();
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;

  void append(std::string_view bytes);
  void sync();  // fdatasync
  uint64_t size() const { return size_; }
  void close();

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

}  // namespace ecid::collate
