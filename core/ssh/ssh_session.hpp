#pragma once
// One authenticated SSH connection, host key verified. SshConnection is what the remote checks
// use (exec a command, open the SFTP subsystem); SshSession implements it with libssh2 (host key
// checked against known_hosts here), OpensshConnection (ssh/openssh_connection.hpp) with the
// system `ssh`. libssh2 stays behind these interfaces: no <libssh2.h> in public headers.
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ssh/known_hosts.hpp"

namespace mps {

class SftpTransport;

// Which SSH implementation reaches the server (--ssh-client, [ssh] client).
enum class SshClient { libssh2, openssh };

struct SshOptions {
    std::string user;  // empty: $USER
    std::string host;
    int port = 22;
    std::filesystem::path known_hosts;              // OpenSSH known_hosts file to check and extend
    bool accept_new_host_key = false;               // record an unknown key (never a changed one)
    bool use_agent = true;                          // try ssh-agent ($SSH_AUTH_SOCK) first
    std::vector<std::filesystem::path> identities;  // private key files to try, in order
    std::optional<std::string> password;            // MPSUPPORT_SFTP_PASSWORD
    // Asked for a password when the others failed and prompting is allowed; nullopt: none.
    std::function<std::optional<std::string>(const std::string& prompt)> ask_password;
    int timeout_seconds = 30;  // connect, handshake, and any wait for the server
    SshClient client = SshClient::libssh2;
    // For the openssh client only: ssh's own configuration decides what was not given.
    bool known_hosts_given = false;    // --known-hosts: -o UserKnownHostsFile
    bool identities_given = false;     // --identity: -i
    std::filesystem::path ssh_config;  // --ssh-config: -F (empty: ssh's default ~/.ssh/config)
};

struct ExecResult {
    int exit_status = -1;
    std::string out;
    std::string err;
    bool truncated = false;  // output beyond the limit was dropped
};

// SshConnection: an authenticated connection that runs commands and opens SFTP channels.
class SshConnection {
  public:
    virtual ~SshConnection() = default;
    // exec: run `command` with empty stdin; nullopt when the server refuses to run commands.
    virtual std::optional<ExecResult> exec(const std::string& command, std::size_t max_output) = 0;
    // open_sftp: a byte stream to the server's "sftp" subsystem. Error(unreachable) when the
    // server has no SFTP.
    virtual std::unique_ptr<SftpTransport> open_sftp() = 0;
    // label: "user@host:port" for messages.
    virtual const std::string& label() const = 0;
    // auth_method: how we logged in ("agent", "key /path", "password").
    virtual const std::string& auth_method() const = 0;
    // host_key_fingerprint: SHA256 fingerprint of the verified host key.
    virtual const std::string& host_key_fingerprint() const = 0;
};

// connect_ssh: SshSession::connect or OpensshConnection::connect, as options.client says.
std::unique_ptr<SshConnection> connect_ssh(const SshOptions& options);

class SshSession : public SshConnection {
  public:
    struct Impl;

    // connect: TCP, handshake, host key check, authentication. Errors: unreachable (exit 4) for
    // network trouble and timeouts, auth (exit 5) for host keys and refused credentials.
    static std::unique_ptr<SshSession> connect(const SshOptions& options);
    ~SshSession() override;

    std::optional<ExecResult> exec(const std::string& command, std::size_t max_output) override;
    // open_sftp: a channel on this session (core/ssh/sftp_client.cpp).
    std::unique_ptr<SftpTransport> open_sftp() override;
    const std::string& label() const override;
    const std::string& auth_method() const override;
    const std::string& host_key_fingerprint() const override;

    Impl& impl() { return *impl_; }

  private:
    explicit SshSession(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// default_identities: the key files OpenSSH tries, that exist under `home`/.ssh.
std::vector<std::filesystem::path> default_identities(const std::filesystem::path& home);

}  // namespace mps
