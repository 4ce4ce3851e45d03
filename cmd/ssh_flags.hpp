#pragma once
// The SSH flags shared by every command that reaches a shop over sftp:// (defined once).
#include <string>
#include <vector>

#include "context.hpp"
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
};

// add_ssh_flags: register --known-hosts, --accept-new-host-key, --identity, --ssh-client and
// --ssh-config on `command`.
void add_ssh_flags(CLI::App& command, SshFlags& flags);

// ssh_options: the session options from the flags, the [ssh] config, the environment
// (MPSUPPORT_SFTP_PASSWORD, HOME) and the global --timeout; a password prompt only when prompting
// is allowed.
mps::SshOptions ssh_options(Context& ctx, const SshFlags& flags);

}  // namespace mpscli
