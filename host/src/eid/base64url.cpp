// base64url (RFC 4648 §5) on top of OpenSSL's standard base64 block coder.
#include <ecid/eid.hpp>

#include <openssl/evp.h>

#include <array>
#include <climits>

namespace ecid::eid {
namespace {

// base64url character → its standard-alphabet twin, or 0 if it is not base64url.
constexpr std::array<char, 256> kToStandard = [] {
  std::array<char, 256> t{};
  for (char c = 'A'; c <= 'Z'; ++c) t[static_cast<unsigned char>(c)] = c;
  for (char c = 'a'; c <= 'z'; ++c) t[static_cast<unsigned char>(c)] = c;
  for (char c = '0'; c <= '9'; ++c) t[static_cast<unsigned char>(c)] = c;
  t['-'] = '+';
  t['_'] = '/';
  return t;
}();

int alphabet_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  return c == '-' ? 62 : 63;
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  if (bytes.empty()) return {};
  if (bytes.size() > static_cast<std::size_t>(INT_MAX / 4 * 3 - 3)) throw EidError("base64url: input too large");
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');  // + the NUL EVP_EncodeBlock writes
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(bytes.data()),
                                      static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(written));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    else if (c == '/') c = '_';
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  if (text.empty()) return std::string{};
  if (text.size() % 4 == 1 || text.size() > static_cast<std::size_t>(INT_MAX - 4)) return std::nullopt;

  // One pass: strict alphabet (EVP_DecodeBlock would also skip white space, and padding is
  // not base64url) and translation to the standard alphabet.
  const std::size_t padding = (4 - text.size() % 4) % 4;
  std::string standard(text.size() + padding, '=');
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = kToStandard[static_cast<unsigned char>(text[i])];
    if (c == 0) return std::nullopt;
    standard[i] = c;
  }
  // Canonical form only: the bits after the last whole byte must be zero, so one byte
  // string has one encoding (no signature malleability through the text).
  const int last = alphabet_value(text.back());
  if (text.size() % 4 == 2 && (last & 0x0F) != 0) return std::nullopt;
  if (text.size() % 4 == 3 && (last & 0x03) != 0) return std::nullopt;

  std::string out(standard.size() / 4 * 3, '\0');
  const int decoded = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(standard.data()),
                                      static_cast<int>(standard.size()));
  if (decoded < 0) return std::nullopt;
  // EVP_DecodeBlock counts the zero bytes that padding stands for.
  out.resize(static_cast<std::size_t>(decoded) - padding);
  return out;
}

}  // namespace ecid::eid
