#pragma once
// SHA-256 through OpenSSL EVP, streaming, with lower-case hex output.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace mps {

class Sha256 {
  public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;

    // update: feed `size` bytes at `data`.
    void update(const void* data, std::size_t size);
    void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
    // hex_digest: finish and return 64 lower-case hex characters; the object is then reset.
    std::string hex_digest();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// sha256_hex: digest of a whole buffer.
std::string sha256_hex(std::string_view bytes);

// is_sha256_hex: 64 lower-case hex characters (used to validate manifests and object names).
bool is_sha256_hex(std::string_view text);

}  // namespace mps
