#pragma once
// One authenticated SSH connection (libssh2), host key verified against known_hosts. libssh2
// stays behind this interface: no <libssh2.h> in public headers.
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ssh/known_hosts.hpp"

namespace mps {

struct SshOptions {
    std::string user;  // empty: $USER
    std::string host;
    int port = 22;
    std::filesystem::path known_hosts;  // OpenSSH known_hosts file to check and extend
    bool accept_new_host_key = false;   // record an unknown key (never a changed one)
    bool use_agent = true;              // try ssh-agent ($SSH_AUTH_SOCK) first
    std::vector<std::filesystem::path> identities;  // private key files to try, in order
    std::optional<std::string> password;            // MPSUPPORT_SFTP_PASSWORD
    // Asked for a password when the others failed and prompting is allowed; nullopt: none.
    std::function<std::optional<std::string>(const std::string& prompt)> ask_password;
    int timeout_seconds = 30;  // connect, handshake, and any wait for the server
};

struct ExecResult {
    int exit_status = -1;
    std::string out;
    std::string err;
    bool truncated = false;  // output beyond the limit was dropped
};

class SshSession {
public:
    struct Impl;

    // connect: TCP, handshake, host key check, authentication. Errors: unreachable (exit 4) for
    // network trouble and timeouts, auth (exit 5) for host keys and refused credentials.
    static std::unique_ptr<SshSession> connect(const SshOptions& options);
    ~SshSession();

    // exec: run `command` with empty stdin; nullopt when the server refuses to run commands.
    std::optional<ExecResult> exec(const std::string& command, std::size_t max_output);

    // label: "user@host:port" for messages.
    const std::string& label() const;
    // auth_method: how we logged in ("agent", "key /path", "password").
    const std::string& auth_method() const;
    // host_key_fingerprint: SHA256 fingerprint of the verified host key.
    const std::string& host_key_fingerprint() const;

    Impl& impl() { return *impl_; }

private:
    explicit SshSession(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// default_identities: the key files OpenSSH tries, that exist under `home`/.ssh.
std::vector<std::filesystem::path> default_identities(const std::filesystem::path& home);

}  // namespace mps
