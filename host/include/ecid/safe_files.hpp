// Files ecid reads and writes on a shared machine, where ecid may run as root and a local user
// may have planted a symbolic link, a FIFO or a device where ecid expects a plain file.
// Outputs hold personal data (audit rows, collation results, prefetched register answers), so
// they are created owner read-write, group read, nothing for others, whatever the umask allows.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace ecid {

inline constexpr mode_t kPrivateFileMode = 0640;
inline constexpr mode_t kPrivateDirMode = 0750;

// The file cannot be used safely or at all; what() names it and says why, on one line.
class UnsafeFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// ::open with O_CLOEXEC and kPrivateFileMode for a file it creates; -1 and errno as ::open.
int open_private(const std::filesystem::path& path, int flags);

// A new, empty file opened for writing (O_EXCL | O_NOFOLLOW), kPrivateFileMode. An earlier
// regular file of this user at `path` (left by a killed run) is replaced; a symbolic link,
// anything but a regular file, or another user's file is refused with UnsafeFileError.
int create_private_file(const std::filesystem::path& path);

// An existing file reopened for writing (`flags` | O_NOFOLLOW): refused with UnsafeFileError
// when it is a symbolic link, not a regular file, or owned by another user.
int open_own_file(const std::filesystem::path& path, int flags);

// A folder for ecid's own working files: created kPrivateDirMode when absent; an existing one
// must be a real folder (not a link) of this user that no one else may write into, else
// UnsafeFileError. Only such a folder keeps other users from planting files in it.
void ensure_private_dir(const std::filesystem::path& dir);

// Opens an input for reading without blocking (a FIFO with no writer must not hang ecid) and
// makes sure it is a regular file of at most `max_bytes`: else UnsafeFileError naming the file
// and what it is ("a FIFO", "a character device", "a directory", "too large: ..."). Returns
// the descriptor (blocking again) and stores the size.
int open_regular_input(const std::filesystem::path& path, uint64_t max_bytes, uint64_t& size);

// The whole of a regular input file of at most `max_bytes` (open_regular_input's rules).
std::string read_regular_file(const std::filesystem::path& path, uint64_t max_bytes);
// All of the standard input, at most `max_bytes` (more: UnsafeFileError, nothing kept), so a
// pipe is bounded like a file.
std::string read_standard_input(uint64_t max_bytes);

// ---- trust in what ecid reads: decided from the filesystem before ecid acts on a file ----
// (before it loads an adapter's code, since dlopen runs constructors, reads a configuration or
// reads a secret). The rules are sshd's StrictModes: the file and every folder above it belong to
// root or to the user running ecid, and nobody else can write them.

// Empty when `path` and each folder above it are owned by root or by the effective user and
// writable by nobody else; a folder above it may be world-writable only with the sticky bit
// (like /tmp), where others cannot rename or replace what they do not own. Otherwise one line
// naming the offending path and why. Symbolic links are resolved first: the rules apply to
// what is really read.
std::string unsafe_path_reason(const std::filesystem::path& path);

// Empty when a secret file (private key, client secret, pseudonym key) can be read by its owner
// only and passes unsafe_path_reason; otherwise why not.
std::string exposed_secret_reason(const std::filesystem::path& file);

// The secret in `file` with surrounding white space removed, after exposed_secret_reason;
// throws std::runtime_error naming `what` and the file. The contents are never logged.
std::string read_secret_file(const std::filesystem::path& file, const std::string& what);

}  // namespace ecid
