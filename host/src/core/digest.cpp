#include "core/digest.hpp"

#include <openssl/evp.h>

namespace ecid {

void hex_into(const unsigned char* bytes, std::size_t size, char* out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 15];
  }
}

std::string hex_of(const unsigned char* bytes, std::size_t size) {
  std::string out(size * 2, '0');
  hex_into(bytes, size, out.data());
  return out;
}

std::string sha256_hex(std::string_view text) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), md, &len, EVP_sha256(), nullptr);
  return hex_of(md, len);
}

}  // namespace ecid
