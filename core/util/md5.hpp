#pragma once
// MD5 (OpenSSL EVP) for PrestaShop's own formats that use it: cookie names and core checksum
// lists. Never for integrity decisions of our own (those use SHA-256).
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace mps {

// md5_hex: lower-case hex digest of `bytes`.
std::string md5_hex(std::string_view bytes);

// md5_file: digest of a file's content, streamed (symbolic links are not followed); "" with
// `error` set when the file cannot be read.
std::string md5_file(const std::filesystem::path& path, std::error_code& error);

// is_md5_hex: 32 lower-case hex characters.
bool is_md5_hex(std::string_view text);

}  // namespace mps
