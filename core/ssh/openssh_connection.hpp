#pragma once
// OpensshConnection: an SshConnection through the system OpenSSH client, as sshfs, lftp and rclone
// do. One master connection (`ssh -M -N -f`, its ControlPath in a private 0700 temp folder) is
// made at connect; the SFTP subsystem (`ssh -s HOST sftp`) and every command run over it as
// multiplexed sessions. The user's ssh configuration applies (Host aliases, Port, User,
// IdentityFile, ProxyJump, certificates, rsa-sha2-* host keys); host keys are checked by ssh with
// StrictHostKeyChecking=yes (accept-new when asked). ssh's failures become Error(auth) for host
// keys and refused logins, Error(unreachable) otherwise, with ssh's own message.
#include <memory>
#include <string>
#include <vector>

#include "ssh/ssh_session.hpp"
#include "util/error.hpp"

namespace mps {

class OpensshConnection : public SshConnection {
  public:
    struct Impl;

    // connect: start the master connection. Errors as SshSession::connect.
    static std::unique_ptr<OpensshConnection> connect(const SshOptions& options);
    // Closes the master (`ssh -O exit`) and removes the private folder.
    ~OpensshConnection() override;

    std::optional<ExecResult> exec(const std::string& command, std::size_t max_output) override;
    std::unique_ptr<SftpTransport> open_sftp() override;
    const std::string& label() const override;
    const std::string& auth_method() const override;
    const std::string& host_key_fingerprint() const override;
    // control_dir: the private folder holding the control socket (for tests).
    const std::string& control_dir() const;

  private:
    explicit OpensshConnection(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// openssh_error: the Error for an ssh that exited `exit_code` having written `messages` (its
// stderr and log), or nullopt when they show no failure. Host keys and refused logins are
// Error(auth), everything else Error(unreachable); the message quotes ssh.
std::optional<Error> openssh_error(const std::string& label, int exit_code,
                                   const std::string& messages, bool password_given);

}  // namespace mps
