#include "tls_fixture.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace testing {
namespace {

using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using Cert = std::unique_ptr<X509, decltype(&X509_free)>;

void check(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string("test TLS fixture: OpenSSL failed to ") + what);
}

Key new_key() {
    // Ed25519 is not accepted by every TLS stack as a server key; P-256 is.
    EVP_PKEY* key = EVP_EC_gen("P-256");
    check(key != nullptr, "make a key");
    return Key(key, EVP_PKEY_free);
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    check(ext != nullptr, "make an extension");
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

Cert make_cert(const std::string& common_name, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key,
               bool ca, int from_days, int to_days) {
    static long serial = 1000;
    Cert cert(X509_new(), X509_free);
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()),
                     ++serial + static_cast<long>(getpid()) * 100);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), static_cast<long>(from_days) * 86400);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(to_days) * 86400);
    X509_set_pubkey(cert.get(), key);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("mpsupport tests"), -1, -1,
                               0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                               0);
    X509* signer = issuer ? issuer : cert.get();
    X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
    if (ca) {
        add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
        add_extension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        add_extension(cert.get(), signer, NID_basic_constraints, "CA:FALSE");
        add_extension(cert.get(), signer, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
        add_extension(cert.get(), signer, NID_ext_key_usage, "serverAuth");
    }
    add_extension(cert.get(), signer, NID_subject_key_identifier, "hash");
    check(X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) > 0,
          "sign a certificate");
    return cert;
}

void write_pem(const std::filesystem::path& path, const std::vector<X509*>& certs) {
    FILE* file = std::fopen(path.c_str(), "w");
    check(file != nullptr, "write a certificate file");
    for (X509* cert : certs) PEM_write_X509(file, cert);
    std::fclose(file);
}

void write_key(const std::filesystem::path& path, EVP_PKEY* key) {
    FILE* file = std::fopen(path.c_str(), "w");
    check(file != nullptr, "write a key file");
    PEM_write_PrivateKey(file, key, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(file);
}

}  // namespace

struct TestCa::Impl {
    Key key{nullptr, EVP_PKEY_free};
    Cert cert{nullptr, X509_free};
};

TestCa::TestCa(const std::filesystem::path& dir) : impl_(std::make_unique<Impl>()), dir_(dir) {
    std::filesystem::create_directories(dir_);
    impl_->key = new_key();
    impl_->cert =
        make_cert("mpsupport test CA", impl_->key.get(), nullptr, nullptr, true, -2, 3650);
    ca_cert_ = dir_ / "test-ca.pem";
    write_pem(ca_cert_, {impl_->cert.get()});
}

TestCa::~TestCa() = default;

CertFiles TestCa::issue(const std::string& name, int from_days, int to_days) const {
    Key key = new_key();
    Cert cert = make_cert("localhost", key.get(), impl_->cert.get(), impl_->key.get(), false,
                          from_days, to_days);
    CertFiles files{dir_ / (name + ".crt"), dir_ / (name + ".key")};
    write_pem(files.cert, {cert.get(), impl_->cert.get()});
    write_key(files.key, key.get());
    return files;
}

CertFiles TestCa::self_signed(const std::string& name) const {
    Key key = new_key();
    Cert cert = make_cert("localhost", key.get(), nullptr, nullptr, false, -1, 365);
    CertFiles files{dir_ / (name + ".crt"), dir_ / (name + ".key")};
    write_pem(files.cert, {cert.get()});
    write_key(files.key, key.get());
    return files;
}

std::string nginx_binary() {
    for (const char* candidate : {"/usr/sbin/nginx", "/usr/bin/nginx"})
        if (access(candidate, X_OK) == 0) return candidate;
    throw std::runtime_error("nginx is not installed (run scripts/setup)");
}

NginxServer::NginxServer(const std::filesystem::path& dir, const std::vector<NginxSite>& sites) {
    if (sites.empty()) throw std::runtime_error("NginxServer needs at least one site");
    std::filesystem::create_directories(dir / "logs");
    std::string conf = "daemon off;\nmaster_process off;\nworker_processes 1;\npid " +
                       (dir / "nginx.pid").string() + ";\nerror_log " +
                       (dir / "logs/error.log").string() +
                       " warn;\nevents { worker_connections 256; }\nhttp {\n"
                       "  access_log off;\n"
                       "  client_body_temp_path " +
                       (dir / "client_body").string() +
                       ";\n"
                       "  proxy_temp_path " +
                       (dir / "proxy").string() +
                       ";\n"
                       "  fastcgi_temp_path " +
                       (dir / "fastcgi").string() +
                       ";\n"
                       "  uwsgi_temp_path " +
                       (dir / "uwsgi").string() +
                       ";\n"
                       "  scgi_temp_path " +
                       (dir / "scgi").string() +
                       ";\n"
                       "  client_max_body_size 64m;\n"
                       "  default_type application/octet-stream;\n";
    for (const auto& site : sites) {
        ports_.push_back(site.port);
        conf += "  server {\n    listen 127.0.0.1:" + std::to_string(site.port) +
                (site.tls ? " ssl" : "") + ";\n";
        conf += "    server_name localhost;\n";
        if (site.tls) {
            conf += "    ssl_certificate " + site.tls->cert.string() + ";\n";
            conf += "    ssl_certificate_key " + site.tls->key.string() + ";\n";
        }
        conf += site.directives + "\n  }\n";
    }
    conf += "}\n";
    std::filesystem::path conf_path = dir / "nginx.conf";
    std::ofstream(conf_path) << conf;
    process_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{nginx_binary(), "-p", dir.string(), "-c", conf_path.string()},
        sites.front().port);
    for (int port : ports_)
        for (int i = 0; i < 200 && !accepts(port); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(25));
}

}  // namespace testing
