#include "ftp_servers.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>

#include "sshd_server.hpp"

namespace fs = std::filesystem;

namespace testing {
namespace {

// Passive ports: a fixed range per server started by this process (tests run one at a time).
std::pair<int, int> passive_range() {
    static std::atomic<int> next{0};
    int base = 40000 + (static_cast<int>(::getpid()) % 200) * 100 + (next++ % 10) * 10;
    return {base, base + 9};
}

std::string proftpd_conf(const FtpDir& dir, const FtpServerConfig& c, int port,
                         const CertFiles& cert) {
    auto [low, high] = passive_range();
    std::string conf =
        "ServerName \"mpsupport-ftp-test\"\nServerType standalone\nDefaultServer on\nPort " +
        std::to_string(port) +
        "\nDefaultAddress 127.0.0.1\nUseIPv6 off\nUser root\nGroup root\nPidFile " +
        dir.str("proftpd.pid") + "\nScoreboardFile " + dir.str("proftpd.scoreboard") +
        "\nDelayTable none\nWtmpLog off\nTransferLog none\nUseReverseDNS off\n"
        "ModulePath /usr/lib/proftpd\nLoadModule mod_tls.c\n"
        "AuthOrder mod_auth_file.c\nAuthUserFile " +
        dir.str("passwd") + "\nAuthGroupFile " + dir.str("group") +
        "\nRequireValidShell off\nPassivePorts " + std::to_string(low) + " " +
        std::to_string(high) + "\nMasqueradeAddress 127.0.0.1\n" + "TLSEngine on\nTLSLog " +
        dir.str("tls.log") +
        "\nTLSProtocol TLSv1.2 TLSv1.3\nTLSRequired on\nTLSVerifyClient off\n"
        "TLSRSACertificateFile " +
        cert.cert.string() + "\nTLSRSACertificateKeyFile " + cert.key.string() + "\n";
    if (c.implicit_tls) conf += "TLSOptions UseImplicitSSL\n";
    if (c.max_per_ip > 0) conf += "MaxClientsPerHost " + std::to_string(c.max_per_ip) + "\n";
    if (c.digest) conf += "LoadModule mod_digest.c\nDigestEngine on\n";
    return conf;
}

std::string vsftpd_conf(const FtpDir& dir, const FtpServerConfig& c, int port,
                        const CertFiles& cert) {
    // Anonymous logins (user "anonymous", any password) in a chroot at the shop, as the system
    // user daemon (its home exists; vsftpd changes into it first): local users would need a PAM
    // service in /etc/pam.d. TLS is required for the login and the data as for local users.
    auto [low, high] = passive_range();
    std::string conf =
        "listen=YES\nlisten_ipv6=NO\nlisten_address=127.0.0.1\nlisten_port=" +
        std::to_string(port) +
        "\nbackground=NO\nanonymous_enable=YES\nlocal_enable=NO\nwrite_enable=NO\n"
        "no_anon_password=YES\nftp_username=daemon\nanon_root=" +
        c.home.string() + "\nsecure_chroot_dir=" + dir.str("empty") +
        "\nnopriv_user=daemon\nseccomp_sandbox=NO\nisolate=NO\nisolate_network=NO\n"
        "xferlog_enable=NO\npasv_enable=YES\npasv_address=127.0.0.1\npasv_min_port=" +
        std::to_string(low) + "\npasv_max_port=" + std::to_string(high) +
        "\nssl_enable=YES\nallow_anon_ssl=YES\nforce_anon_logins_ssl=YES\n"
        "force_anon_data_ssl=YES\nrequire_ssl_reuse=YES\nrsa_cert_file=" +
        cert.cert.string() + "\nrsa_private_key_file=" + cert.key.string() + "\n";
    if (c.max_per_ip > 0) conf += "max_per_ip=" + std::to_string(c.max_per_ip) + "\n";
    return conf;
}

// A server that stalls: after its greeting ("greeting"), or (plain FTP, "transfer") in the
// middle of a listing or a file: a few bytes on the data connection, then silence.
const char* kStallServer = R"(
import socket, sys, threading
port, mode = int(sys.argv[1]), sys.argv[2]
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(16)
held = []
def session(c):
    c.sendall(b"220 stalling test server\r\n")
    if mode == "greeting":
        return
    data = None
    for raw in c.makefile("rb"):
        verb = raw.decode("latin-1").strip().split(" ")[0].upper()
        if verb == "USER": c.sendall(b"331 password please\r\n")
        elif verb == "PASS": c.sendall(b"230 logged in\r\n")
        elif verb == "PWD": c.sendall(b'257 "/" is the current directory\r\n')
        elif verb == "FEAT": c.sendall(b"211-Features:\r\n MLST type*;size*;\r\n211 End\r\n")
        elif verb == "TYPE": c.sendall(b"200 type set\r\n")
        elif verb == "EPSV":
            data = socket.socket()
            data.bind(("127.0.0.1", 0))
            data.listen(1)
            c.sendall(b"229 Entering Extended Passive Mode (|||%d|)\r\n" % data.getsockname()[1])
        elif verb in ("MLSD", "RETR") and data:
            c.sendall(b"150 here it comes\r\n")
            d, _ = data.accept()
            d.sendall(b"type=file;size=3; a\r\n" if verb == "MLSD" else b"abc")
            held.append(d)
        else: c.sendall(b"500 not here\r\n")
while True:
    c, _ = s.accept()
    held.append(c)
    threading.Thread(target=session, args=(c,), daemon=True).start()
)";

// start: `argv` with its output in dir/server.log, named in the error when it does not start.
std::unique_ptr<ServerProcess> start(const FtpDir& dir, const std::vector<std::string>& argv,
                                     int port) {
    std::string command = "exec";
    for (const auto& arg : argv) command += " '" + arg + "'";
    command += " >" + dir.str("server.log") + " 2>&1";
    try {
        return std::make_unique<ServerProcess>(std::vector<std::string>{"/bin/sh", "-c", command},
                                               port);
    } catch (const std::exception& e) {
        throw std::runtime_error(std::string(e.what()) + ": " + argv[0] +
                                 " said: " + slurp(dir.path / "server.log"));
    }
}

}  // namespace

FtpDir::FtpDir() {
    fs::path parent = "/var/lib/mpsupport-tests";
    fs::create_directories(parent);
    fs::permissions(parent, fs::perms(0755));
    std::string pattern = (parent / "ftp-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path = pattern;
    fs::permissions(path, fs::perms(0755));
}

FtpDir::~FtpDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
}

std::string vsftpd_binary() {
    for (const char* candidate : {"/opt/mpsupport-tests/vsftpd/usr/sbin/vsftpd"})
        if (::access(candidate, X_OK) == 0) return candidate;
    throw std::runtime_error(
        "vsftpd is not unpacked in /opt/mpsupport-tests/vsftpd: run scripts/setup");
}

FtpServer::FtpServer(const FtpDir& dir, const FtpServerConfig& config) : config_(config) {
    port_ = free_port();
    std::string name = "ftp" + std::to_string(port_);
    switch (config.kind) {
        case FtpKind::proftpd: {
            CertFiles cert = config.ca->issue(name);
            std::string hash = run_shell("openssl passwd -6 '" + config.password + "'");
            hash = hash.substr(0, hash.find('\n'));
            write(dir.path / "passwd", config.user + ":" + hash +
                                           ":65534:65534::" + config.home.string() + ":/bin/sh\n");
            write(dir.path / "group", "shopgroup:x:65534:\n");
            fs::permissions(dir.path / "passwd", fs::perms(0600));
            write(dir.path / "proftpd.conf", proftpd_conf(dir, config, port_, cert));
            process_ =
                start(dir, {"/usr/sbin/proftpd", "-n", "-q", "-c", dir.str("proftpd.conf")}, port_);
            break;
        }
        case FtpKind::vsftpd: {
            std::string binary = vsftpd_binary();
            CertFiles cert = config.ca->issue(name);
            fs::create_directories(dir.path / "empty");
            fs::permissions(dir.path / "empty", fs::perms(0555));
            write(dir.path / "vsftpd.conf", vsftpd_conf(dir, config, port_, cert));
            process_ = start(dir, {binary, dir.str("vsftpd.conf")}, port_);
            break;
        }
        case FtpKind::pyftpdlib: {
            auto [low, high] = passive_range();
            std::string ports = std::to_string(low) + "-" + std::to_string(high);
            process_ = start(dir,
                             {"/usr/bin/python3", "-m", "pyftpdlib", "-i", "127.0.0.1", "-p",
                              std::to_string(port_), "-d", config.home.string(), "-u", config.user,
                              "-P", config.password, "-r", ports},
                             port_);
            break;
        }
        case FtpKind::stall: {
            write(dir.path / "stall.py", kStallServer);
            process_ = start(dir,
                             {"/usr/bin/python3", dir.str("stall.py"), std::to_string(port_),
                              config.stall_in_transfer ? "transfer" : "greeting"},
                             port_);
            break;
        }
    }
}

FtpServer::~FtpServer() = default;

}  // namespace testing
