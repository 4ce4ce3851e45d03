#pragma once
// The SSH flags shared by every command that reaches a shop over sftp:// (defined once).
#include <string>
#include <vector>

#include "context.hpp"
#include "remote/verify_remote.hpp"
#include "ssh/ssh_session.hpp"

namespace CLI {
class App;
}

namespace mpscli {

struct SshFlags {
    std::string known_hosts;              // --known-hosts (default ~/.ssh/known_hosts)
    bool accept_new_host_key = false;     // --accept-new-host-key
    std::vector<std::string> identities;  // --identity (repeatable; default ~/.ssh/id_*)
    std::string client;                   // --ssh-client libssh2|openssh (default [ssh] client)
    std::string ssh_config;               // --ssh-config (default [ssh] config_file)
    std::string exec_hash = "auto";       // --exec-hash auto|never|only
};

// add_ssh_flags: register --known-hosts, --accept-new-host-key, --identity, --ssh-client,
// --ssh-config and --exec-hash on `command`.
void add_ssh_flags(CLI::App& command, SshFlags& flags);

// exec_hash_mode: --exec-hash as the remote checks take it.
mps::ExecHash exec_hash_mode(const SshFlags& flags);

// ssh_flags_given: whether any of these flags was given (they apply to sftp:// only).
bool ssh_flags_given(const SshFlags& flags);

// ssh_options: the session options from the flags, the [ssh] config, the environment
// (MPSUPPORT_SFTP_PASSWORD, HOME) and the global --timeout; a password prompt only when prompting
// is allowed.
mps::SshOptions ssh_options(Context& ctx, const SshFlags& flags);

}  // namespace mpscli
