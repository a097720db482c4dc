// Lower-case hex of bytes and SHA-256 digests: one spelling for pins, keys and cache entries.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ecid {

// Writes 2 * size characters at `out` (no terminator): for hot paths that reuse a buffer.
void hex_into(const unsigned char* bytes, std::size_t size, char* out);
std::string hex_of(const unsigned char* bytes, std::size_t size);
std::string sha256_hex(std::string_view text);

}  // namespace ecid
