#include "ssh_flags.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>

#include "util/error.hpp"

namespace mpscli {

void add_ssh_flags(CLI::App& command, SshFlags& flags) {
    command.add_option("--known-hosts", flags.known_hosts, "known_hosts file (default: ~/.ssh/known_hosts)");
    command.add_flag("--accept-new-host-key", flags.accept_new_host_key,
                     "Record an unknown host key (never a changed one), like StrictHostKeyChecking=accept-new");
    command.add_option("--identity", flags.identities, "Private key file to try (repeatable; default ~/.ssh/id_*)");
}

mps::SshOptions ssh_options(Context& ctx, const SshFlags& flags) {
    mps::SshOptions options;
    std::filesystem::path home = ctx.env().get("HOME").value_or("/");
    options.known_hosts = flags.known_hosts.empty() ? home / ".ssh" / "known_hosts" : std::filesystem::path(flags.known_hosts);
    options.accept_new_host_key = flags.accept_new_host_key;
    if (flags.identities.empty()) {
        options.identities = mps::default_identities(home);
    } else {
        for (const auto& identity : flags.identities) {
            std::error_code ec;
            if (!std::filesystem::is_regular_file(identity, ec))
                throw mps::Error(mps::ErrorKind::usage, "--identity " + identity + ": no such key file",
                                 "give the private key file (e.g. ~/.ssh/id_ed25519), not the .pub one");
            options.identities.emplace_back(identity);
        }
    }
    options.use_agent = ctx.env().get("SSH_AUTH_SOCK").has_value();
    options.password = ctx.env().get("MPSUPPORT_SFTP_PASSWORD");
    options.timeout_seconds = ctx.globals.timeout;
    if (ctx.can_prompt())
        options.ask_password = [&ctx](const std::string& prompt) { return ctx.ask_secret(prompt); };
    return options;
}

}  // namespace mpscli
