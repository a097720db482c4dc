// Small durable-file helpers for results and checkpoints.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

namespace ecid::collate {

// Every file collation writes is created by ecid::create_private_file (safe_files.hpp): mode
// 0640, never through a symbolic link or into another user's file.

// Writes `path` so that it is either the old file or the whole new one, even after a crash or
// power loss: temporary file, fsync, rename, fsync of the folder.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);
void fsync_directory(const std::filesystem::path& dir);

// A new file for fwrite (create_private_file's rules); throws when it cannot be created.
std::FILE* create_stream(const std::filesystem::path& path);

// Removes the checkpoint folder with the files collation writes in it. Files of other names
// are left, with the folder, and returned (comma-separated): a mistyped --checkpoint must not
// empty a folder of someone else's files.
std::string remove_checkpoint_dir(const std::filesystem::path& dir);

// The results file being written: appended to, made durable on demand, truncated on resume.
class AppendFile {
 public:
  // A new, empty file (an earlier file of this user at `path` is replaced).
  explicit AppendFile(const std::filesystem::path& path);
  // Reopens the file a checkpoint describes and cuts it to `size` bytes; throws when it is a
  // link or another user's file, or shorter than `size` (it was changed outside ecid).
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
