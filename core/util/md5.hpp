#pragma once
// MD5 (OpenSSL EVP) for PrestaShop's own formats that use it: cookie names and core checksum
// lists. Never for integrity decisions of our own (those use SHA-256).
#include <string>
#include <string_view>

namespace mps {

// md5_hex: lower-case hex digest of `bytes`.
std::string md5_hex(std::string_view bytes);

}  // namespace mps
