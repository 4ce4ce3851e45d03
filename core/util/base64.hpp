#pragma once
// Base64 (RFC 4648, standard alphabet) for SSH keys, fingerprints and known_hosts hashes.
#include <optional>
#include <string>
#include <string_view>

namespace mps {

// base64_encode: with '=' padding unless `pad` is false (OpenSSH fingerprints drop it).
std::string base64_encode(std::string_view bytes, bool pad = true);

// base64_decode: the bytes, or nothing when `text` is not valid base64 (padding optional).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace mps
