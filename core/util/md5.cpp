#include "util/md5.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "util/error.hpp"

namespace mps {
namespace {

struct Md5 {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    Md5() {
        if (!ctx || EVP_DigestInit_ex(ctx, EVP_md5(), nullptr) != 1)
            throw Error(ErrorKind::internal, "OpenSSL could not initialise MD5");
    }
    ~Md5() { EVP_MD_CTX_free(ctx); }
    void update(const void* data, std::size_t size) {
        if (size > 0) EVP_DigestUpdate(ctx, data, size);
    }
    std::string hex() {
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int length = 0;
        EVP_DigestFinal_ex(ctx, digest, &length);
        static constexpr char digits[] = "0123456789abcdef";
        std::string out(length * 2, '0');
        for (unsigned int i = 0; i < length; ++i) {
            out[2 * i] = digits[digest[i] >> 4];
            out[2 * i + 1] = digits[digest[i] & 0xf];
        }
        return out;
    }
};

}  // namespace

std::string md5_hex(std::string_view bytes) {
    Md5 md5;
    md5.update(bytes.data(), bytes.size());
    return md5.hex();
}

std::string md5_file(const std::filesystem::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        throw Error(ErrorKind::usage, "cannot read " + path.string() + ": " + std::strerror(errno));
    Md5 md5;
    char buffer[1 << 16];
    for (;;) {
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int saved = errno;
            ::close(fd);
            throw Error(ErrorKind::usage, "cannot read " + path.string() + ": " + std::strerror(saved));
        }
        if (n == 0) break;
        md5.update(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return md5.hex();
}

bool is_md5_hex(std::string_view text) {
    if (text.size() != 32) return false;
    for (char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

}  // namespace mps
