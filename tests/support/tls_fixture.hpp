#pragma once
// HTTPS for integration tests: a test CA and certificates made at test time (OpenSSL), and a
// real nginx (Debian nginx-light) serving folders or proxying to a php -S fixture, with TLS.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace testing {

// CertFiles: a PEM certificate (leaf first, then the issuer when there is one) and its key.
struct CertFiles {
    std::filesystem::path cert;
    std::filesystem::path key;
};

// TestCa: a CA made in `dir`; `ca_cert` is what clients trust (SSL_CERT_FILE).
class TestCa {
  public:
    explicit TestCa(const std::filesystem::path& dir);
    ~TestCa();
    TestCa(const TestCa&) = delete;
    TestCa& operator=(const TestCa&) = delete;

    const std::filesystem::path& ca_cert() const { return ca_cert_; }

    // issue: a certificate for localhost and 127.0.0.1 signed by this CA, valid from
    // now + `from_days` to now + `to_days` (negative: in the past, for expired ones).
    CertFiles issue(const std::string& name, int from_days = -1, int to_days = 365) const;
    // self_signed: a certificate for localhost and 127.0.0.1 that no CA vouches for.
    CertFiles self_signed(const std::string& name) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::filesystem::path dir_;
    std::filesystem::path ca_cert_;
};

// NginxSite: one `server {}` on 127.0.0.1:port, with TLS when `tls` is set. `directives` is
// the rest of the block (locations, `root`, `return 301 ...`, `proxy_pass`...).
struct NginxSite {
    int port = 0;
    std::optional<CertFiles> tls;
    std::string directives;
};

// NginxServer: one nginx process (no daemon, no master) serving every site; the constructor
// returns once all ports accept connections, the destructor stops it.
class NginxServer {
  public:
    NginxServer(const std::filesystem::path& dir, const std::vector<NginxSite>& sites);
    int port(std::size_t site) const { return ports_.at(site); }

  private:
    std::vector<int> ports_;
    std::unique_ptr<ServerProcess> process_;
};

// nginx_binary: where nginx is (/usr/sbin/nginx), or a runtime_error naming scripts/setup.
std::string nginx_binary();

}  // namespace testing
