#include "ssh_flags.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>

#include "util/log.hpp"

#include "util/error.hpp"

namespace mpscli {

void add_ssh_flags(CLI::App& command, SshFlags& flags) {
    command.add_option("--known-hosts", flags.known_hosts,
                       "known_hosts file (default: ~/.ssh/known_hosts)");
    command.add_flag(
        "--accept-new-host-key", flags.accept_new_host_key,
        "Record an unknown host key (never a changed one), like StrictHostKeyChecking=accept-new");
    command.add_option("--identity", flags.identities,
                       "Private key file to try (repeatable; default ~/.ssh/id_*)");
    command
        .add_option("--ssh-client", flags.client,
                    "SSH implementation: libssh2 (built in) or openssh (the system ssh with your "
                    "~/.ssh/config)")
        ->check(CLI::IsMember({"libssh2", "openssh"}));
    command.add_option(
        "--ssh-config", flags.ssh_config,
        "With --ssh-client openssh: the ssh configuration file (ssh -F; default ~/.ssh/config)");
    command
        .add_option("--exec-hash", flags.exec_hash,
                    "sftp:// only: hash module files with a command on the server (auto: when "
                    "allowed; never; only)")
        ->check(CLI::IsMember({"auto", "never", "only"}));
}

mps::ExecHash exec_hash_mode(const SshFlags& flags) {
    return flags.exec_hash == "never"  ? mps::ExecHash::never
           : flags.exec_hash == "only" ? mps::ExecHash::only
                                       : mps::ExecHash::auto_;
}

bool ssh_flags_given(const SshFlags& flags) {
    return flags.exec_hash != "auto" || !flags.identities.empty() || !flags.known_hosts.empty() ||
           flags.accept_new_host_key || !flags.client.empty() || !flags.ssh_config.empty();
}

mps::SshOptions ssh_options(Context& ctx, const SshFlags& flags) {
    mps::SshOptions options;
    std::filesystem::path home = ctx.env().get("HOME").value_or("/");
    options.known_hosts = flags.known_hosts.empty() ? home / ".ssh" / "known_hosts"
                                                    : std::filesystem::path(flags.known_hosts);
    options.known_hosts_given = !flags.known_hosts.empty();
    options.identities_given = !flags.identities.empty();
    options.accept_new_host_key = flags.accept_new_host_key;
    const auto& config = ctx.config().ssh;
    std::string client = flags.client.empty() ? config.client : flags.client;
    options.client = client == "openssh" ? mps::SshClient::openssh : mps::SshClient::libssh2;
    std::string ssh_config = flags.ssh_config.empty() ? config.config_file : flags.ssh_config;
    if (ssh_config.rfind("~/", 0) == 0) ssh_config = (home / ssh_config.substr(2)).string();
    if (!ssh_config.empty()) {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(ssh_config, ec))
            throw mps::Error(mps::ErrorKind::usage,
                             "ssh configuration file " + ssh_config + ": no such file",
                             "give an existing file with --ssh-config or [ssh] config_file");
        if (options.client != mps::SshClient::openssh)
            mps::log::warn("--ssh-config applies to --ssh-client openssh only; ignored");
        options.ssh_config = ssh_config;
    }
    if (flags.identities.empty()) {
        options.identities = mps::default_identities(home);
    } else {
        for (const auto& identity : flags.identities) {
            std::error_code ec;
            if (!std::filesystem::is_regular_file(identity, ec))
                throw mps::Error(
                    mps::ErrorKind::usage, "--identity " + identity + ": no such key file",
                    "give the private key file (e.g. ~/.ssh/id_ed25519), not the .pub one");
            options.identities.emplace_back(identity);
        }
    }
    options.use_agent = ctx.env().get("SSH_AUTH_SOCK").has_value();
    options.password = ctx.secret(mps::SecretKind::sftp_password);
    options.timeout_seconds = ctx.globals.timeout;
    if (ctx.can_prompt())
        options.ask_password = [&ctx](const std::string& prompt) { return ctx.ask_secret(prompt); };
    return options;
}

}  // namespace mpscli
