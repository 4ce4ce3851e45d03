#pragma once
// MD5 through OpenSSL EVP, only to compare files with PrestaShop's core checksum lists (which
// use MD5); never used where an attacker chooses the content and we decide trust on it.
#include <filesystem>
#include <string>
#include <string_view>

namespace mps {

// md5_hex: 32 lower-case hex characters of the digest of `bytes`.
std::string md5_hex(std::string_view bytes);

// md5_file: digest of a file's content, streamed; throws mps::Error(usage) naming the file.
std::string md5_file(const std::filesystem::path& path);

// is_md5_hex: 32 lower-case hex characters.
bool is_md5_hex(std::string_view text);

}  // namespace mps
