#include "integrity/signature.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>

#include "util/base64.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace fs = std::filesystem;

namespace mps {
namespace {

constexpr std::string_view kPrefix = "ed25519:";

struct PkeyFree {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
struct MdCtxFree {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Bio = std::unique_ptr<BIO, BioFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

// SecretString: a string wiped when it goes away (PEM text of a private key).
struct SecretString {
    std::string text;
    ~SecretString() {
        if (!text.empty()) OPENSSL_cleanse(text.data(), text.size());
    }
};

std::string bio_text(BIO* bio) {
    char* data = nullptr;
    long size = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(size));
}

std::string raw_public(EVP_PKEY* key) {
    unsigned char raw[32];
    std::size_t size = sizeof raw;
    if (EVP_PKEY_get_raw_public_key(key, raw, &size) != 1 || size != 32)
        throw Error(ErrorKind::internal, "OpenSSL could not export the Ed25519 public key");
    return std::string(kPrefix) +
           base64_encode(std::string_view(reinterpret_cast<char*>(raw), size));
}

std::optional<std::string> raw_key_bytes(std::string_view key) {
    if (key.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
    auto raw = base64_decode(key.substr(kPrefix.size()));
    if (!raw || raw->size() != 32) return std::nullopt;
    return raw;
}

Pkey load_private(const fs::path& key_file) {
    SecretString pem;
    pem.text = read_file(key_file);
    Bio bio(BIO_new_mem_buf(pem.text.data(), static_cast<int>(pem.text.size())));
    Pkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!key || EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519)
        throw Error(ErrorKind::usage, key_file.string() + " is not an Ed25519 private key (PEM)",
                    "give the key written by 'mpsupport pristine keygen'");
    return key;
}

void write_exclusive(const fs::path& path, std::string_view content, mode_t mode) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0) {
        int saved = errno;
        if (saved == EEXIST)
            throw Error(ErrorKind::usage,
                        path.string() + " already exists: a signing key is never overwritten",
                        "move the old key away first, or choose another file with --key");
        throw Error(ErrorKind::usage,
                    "cannot create " + path.string() + ": " + std::strerror(saved),
                    "choose a writable location with --key");
    }
    ::fchmod(fd, mode);  // whatever the umask
    std::size_t done = 0;
    while (done < content.size()) {
        ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int saved = errno;
            ::close(fd);
            ::unlink(path.c_str());
            throw Error(ErrorKind::usage,
                        "cannot write " + path.string() + ": " + std::strerror(saved));
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        ::unlink(path.c_str());
        throw Error(ErrorKind::usage,
                    "cannot write " + path.string() + ": " + std::strerror(errno));
    }
}

}  // namespace

bool is_placeholder_public_key(std::string_view key) {
    return key.empty() || key.find("UNSET") != std::string_view::npos;
}

bool is_valid_public_key(std::string_view key) {
    return raw_key_bytes(key).has_value();
}

NewSigningKey write_new_signing_key(const fs::path& key_file) {
    fs::path public_file = key_file;
    public_file += ".pub";
    std::error_code ec;
    for (const auto& path : {key_file, public_file})
        if (fs::exists(fs::symlink_status(path, ec)))
            throw Error(ErrorKind::usage,
                        path.string() + " already exists: a signing key is never overwritten",
                        "move the old key away first, or choose another file with --key");
    if (!key_file.parent_path().empty()) ensure_directory(key_file.parent_path());

    EVP_PKEY* raw = nullptr;
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
        EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr), EVP_PKEY_CTX_free);
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &raw) != 1)
        throw Error(ErrorKind::internal, "OpenSSL could not generate an Ed25519 key");
    Pkey key(raw);

    Bio private_bio(BIO_new(BIO_s_mem())), public_bio(BIO_new(BIO_s_mem()));
    if (PEM_write_bio_PrivateKey(private_bio.get(), key.get(), nullptr, nullptr, 0, nullptr,
                                 nullptr) != 1 ||
        PEM_write_bio_PUBKEY(public_bio.get(), key.get()) != 1)
        throw Error(ErrorKind::internal, "OpenSSL could not write the Ed25519 key as PEM");
    SecretString private_pem;
    private_pem.text = bio_text(private_bio.get());
    write_exclusive(key_file, private_pem.text, 0600);
    try {
        write_exclusive(public_file, bio_text(public_bio.get()), 0644);
    } catch (...) {
        ::unlink(key_file.c_str());
        throw;
    }
    return NewSigningKey{key_file, public_file, raw_public(key.get())};
}

std::string public_key_of_file(const fs::path& key_file) {
    return raw_public(load_private(key_file).get());
}

std::string sign_bytes(const fs::path& key_file, std::string_view data) {
    Pkey key = load_private(key_file);
    MdCtx ctx(EVP_MD_CTX_new());
    unsigned char signature[64];
    std::size_t size = sizeof signature;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), signature, &size,
                       reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1 ||
        size != 64)
        throw Error(ErrorKind::internal, "OpenSSL could not sign with " + key_file.string());
    return base64_encode(std::string_view(reinterpret_cast<char*>(signature), size)) + "\n";
}

SignatureCheck check_signature(std::string_view public_key, std::string_view data,
                               std::string_view signature_text) {
    auto raw = raw_key_bytes(public_key);
    if (!raw)
        throw Error(ErrorKind::usage,
                    "[vendor] public_key is not an Ed25519 public key (\"ed25519:<base64>\")",
                    "copy the line printed by 'mpsupport pristine keygen' on the vendor's side");
    // One line of base64, optionally followed by a newline (CRLF accepted).
    std::string_view text = signature_text;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
    if (text.empty() || text.size() > 100 ||
        text.find_first_of("\r\n \t") != std::string_view::npos)
        return SignatureCheck::malformed;
    auto signature = base64_decode(text);
    if (!signature || signature->size() != 64) return SignatureCheck::malformed;

    Pkey key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                         reinterpret_cast<const unsigned char*>(raw->data()),
                                         raw->size()));
    MdCtx ctx(EVP_MD_CTX_new());
    if (!key || !ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1)
        throw Error(ErrorKind::internal, "OpenSSL could not load the Ed25519 public key");
    int ok = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature->data()),
                              signature->size(),
                              reinterpret_cast<const unsigned char*>(data.data()), data.size());
    return ok == 1 ? SignatureCheck::valid : SignatureCheck::mismatch;
}

}  // namespace mps
