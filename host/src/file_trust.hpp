// Whether a file may be trusted, decided from the filesystem before ecid acts on it: before it
// loads an adapter's code (dlopen runs constructors), reads a configuration or reads a secret.
// The rules are sshd's StrictModes: the file and every folder above it belong to root or to the
// user running ecid, and nobody else can write them.
#pragma once

#include <filesystem>
#include <string>

namespace ecid::trust {

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

}  // namespace ecid::trust
