#pragma once
// Detached Ed25519 signatures of release archives (OpenSSL EVP, one-shot sign and verify).
// Formats (documented in mpsupport-pristine(1)):
//   private key   PEM, PKCS#8 ("-----BEGIN PRIVATE KEY-----"), file mode 0600
//   public key    PEM, SubjectPublicKeyInfo, in KEY.pub; in the config as
//                 "ed25519:<base64 of the 32 raw key bytes>"
//   signature     RELEASE.zip.sig: base64 of the 64-byte Ed25519 signature of the archive's
//                 bytes, one line. `openssl pkeyutl -verify -rawin` checks it too.
#include <filesystem>
#include <string>
#include <string_view>

namespace mps {

// is_placeholder_public_key: empty, or the shipped placeholder (kPlaceholderPublicKey in
// config.hpp, or any value holding "UNSET"): no key is pinned yet.
bool is_placeholder_public_key(std::string_view key);

// is_valid_public_key: "ed25519:" followed by the base64 of 32 bytes.
bool is_valid_public_key(std::string_view key);

struct NewSigningKey {
    std::filesystem::path private_file;  // the key file written (0600)
    std::filesystem::path public_file;   // private_file + ".pub"
    std::string public_key;              // "ed25519:..." for [vendor] public_key
};

// write_new_signing_key: a fresh Ed25519 key pair in `key_file` (created 0600, never over an
// existing file) and `key_file`.pub. Throws Error(usage) naming the file when it exists or
// cannot be written; the private key is never returned or logged.
NewSigningKey write_new_signing_key(const std::filesystem::path& key_file);

// public_key_of_file: the "ed25519:..." public key of the private key in `key_file`.
std::string public_key_of_file(const std::filesystem::path& key_file);

// sign_bytes: the signature line (base64, newline-terminated) of the bytes of `data` made with
// the private key in `key_file`. Error(usage) for an unreadable key or one that is not Ed25519.
std::string sign_bytes(const std::filesystem::path& key_file, std::string_view data);

enum class SignatureCheck { valid, malformed, mismatch };

// check_signature: does `signature_text` (the content of a .sig file) sign `data` with
// `public_key` ("ed25519:...")? malformed: not one base64 line of 64 bytes; mismatch: a
// signature of other bytes or by another key. Error(usage) when `public_key` is not valid.
SignatureCheck check_signature(std::string_view public_key, std::string_view data,
                               std::string_view signature_text);

}  // namespace mps
