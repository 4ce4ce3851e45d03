#pragma once
// A real OpenSSH sshd on loopback for the SFTP tests, started once per test process:
//  - port(): full account (shell, exec, SFTP), key or password login
//  - sftp_only_port(): the same users, but chrooted to chroot_dir() with ForceCommand internal-sftp
// Host and client keys are made at start with ssh-keygen. A server that cannot start throws:
// the tests fail, they are never skipped.
#include <filesystem>
#include <string>

namespace testing {

class SshdServer {
  public:
    static SshdServer& shared();
    ~SshdServer();

    int port() const { return port_; }
    int sftp_only_port() const { return sftp_only_port_; }
    // broken_port(): SFTP whose answers are cut off after 150,000 bytes (a connection that drops).
    int broken_port() const { return broken_port_; }
    const std::filesystem::path& base() const { return base_; }
    std::filesystem::path chroot_dir() const { return base_ / "chroot"; }
    std::filesystem::path client_key() const { return base_ / "client_ed25519"; }
    std::filesystem::path stranger_key() const {
        return base_ / "stranger_ed25519";
    }                                                                       // not authorized
    std::filesystem::path rsa_key() const { return base_ / "client_rsa"; }  // authorized, refused
    std::filesystem::path host_public_key() const { return base_ / "host_ed25519.pub"; }
    // known_hosts_line: "[127.0.0.1]:port ssh-ed25519 AAAA..." for this server.
    std::string known_hosts_line(int port) const;
    static constexpr const char* password_user = "mpsupport-pw";
    static constexpr const char* password = "Secret-42-mps";

  private:
    SshdServer();
    std::filesystem::path base_;
    int port_ = 0;
    int sftp_only_port_ = 0;
    int broken_port_ = 0;
    int pid_ = -1;
};

// SilentServer: accepts TCP connections on loopback and never says a word (a hung server).
class SilentServer {
  public:
    SilentServer();
    ~SilentServer();
    int port() const { return port_; }

  private:
    int listen_fd_ = -1;
    int port_ = 0;
};

// run_shell: run a /bin/sh command; throws with its output when it fails.
std::string run_shell(const std::string& command);

}  // namespace testing
