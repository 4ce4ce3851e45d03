#pragma once
// FTP servers for integration tests, each our own process in the foreground on a free loopback
// port with its own configuration, passive ports in a fixed range, TLS certificates from a test
// CA (TestCa):
//  - ProFTPD 1.3.8 with mod_tls (Debian proftpd-core): explicit TLS (AUTH TLS) required, TLS
//    session reuse on data connections required (its default), MLSD;
//  - vsftpd 3.0.3, unpacked by scripts/setup into /opt/mpsupport-tests/vsftpd (its Debian package
//    conflicts with proftpd-core): explicit TLS required, no MLSD, dot files only for LIST -a,
//    TLS 1.3 only with its default ciphers; anonymous logins (user "anonymous") chrooted at the
//    shop (its local users would need a PAM service in /etc/pam.d);
//  - pyftpdlib (Debian python3-pyftpdlib): plain FTP without TLS;
//  - a stalling server: a greeting, then silence.
// The files are served as user `nobody` (ProFTPD) or `daemon` (vsftpd): the test's tree must be
// world-readable.
#include <filesystem>
#include <memory>
#include <string>

#include "test_support.hpp"
#include "tls_fixture.hpp"

namespace testing {

// FtpDir: a folder below /var/lib/mpsupport-tests that `nobody` can traverse, removed at the end.
struct FtpDir {
    std::filesystem::path path;
    FtpDir();
    ~FtpDir();
    std::string str(const std::string& relative) const { return (path / relative).string(); }
};

enum class FtpKind { proftpd, vsftpd, pyftpdlib, stall };

struct FtpServerConfig {
    FtpKind kind = FtpKind::proftpd;
    std::filesystem::path home;  // the login folder
    std::string user = "shopuser";
    std::string password = "Ftp-Pw-42";
    int max_per_ip = 0;              // >0: connections allowed per client address
    bool implicit_tls = false;       // ProFTPD only: TLS from the first byte (ftps://)
    const TestCa* ca = nullptr;      // certificates (TLS servers)
    bool stall_in_transfer = false;  // stall: plain FTP stalling mid-listing or mid-file
    bool digest = false;             // ProFTPD only: mod_digest (FEAT HASH, XSHA256...)
};

class FtpServer {
  public:
    // FtpServer: started in `dir` (its config, logs and certificate); returns once it listens.
    FtpServer(const FtpDir& dir, const FtpServerConfig& config);
    ~FtpServer();
    int port() const { return port_; }
    const FtpServerConfig& config() const { return config_; }

  private:
    FtpServerConfig config_;
    int port_ = 0;
    std::unique_ptr<ServerProcess> process_;
};

// vsftpd_binary: the unpacked vsftpd, or a runtime_error naming scripts/setup.
std::string vsftpd_binary();

}  // namespace testing
