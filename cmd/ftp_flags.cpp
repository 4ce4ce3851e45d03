#include "ftp_flags.hpp"

#include <CLI/CLI.hpp>

#include "util/log.hpp"

#include "util/error.hpp"

namespace mpscli {

void add_ftp_flags(CLI::App& command, FtpFlags& flags) {
    command
        .add_option("--connections", flags.connections,
                    "ftp:// only: at most N control connections at once (default 4)")
        ->check(CLI::Range(1, 16));
    command.add_flag("--allow-plain-ftp", flags.allow_plain,
                     "ftp:// only: accept a server without TLS (password and files in clear "
                     "text)");
}

bool ftp_flags_given(const FtpFlags& flags) {
    return flags.connections != 4 || flags.allow_plain;
}

mps::FtpOptions ftp_options(Context& ctx, const FtpFlags& flags, const mps::FtpUrl& url) {
    mps::FtpOptions options;
    options.host = url.host;
    options.port = url.port;
    options.user = url.user.empty() ? "anonymous" : url.user;
    options.implicit_tls = url.implicit_tls;
    options.allow_plain = flags.allow_plain;
    options.connections = flags.connections;
    options.timeout_seconds = ctx.globals.timeout;
    options.tls = ctx.tls();
    std::string who = options.user + "@" + url.host;
    if (auto password = ctx.secret(mps::SecretKind::ftp_password)) {
        options.password = *password;
    } else if (auto typed = ctx.can_prompt() ? ctx.ask_secret("FTP password for " + who + ": ")
                                             : std::nullopt) {
        options.password = *typed;
    } else if (!url.user.empty()) {
        throw mps::Error(mps::ErrorKind::auth, "no FTP password for " + who,
                         "set MPSUPPORT_FTP_PASSWORD or the store's ftp_password_command / "
                         "ftp_password_file (never in the address), or run on a terminal to be "
                         "asked");
    }
    if (flags.allow_plain && url.implicit_tls)
        mps::log::warn("--allow-plain-ftp does not apply to ftps:// (TLS from the first byte)");
    return options;
}

void refuse_exec_hash_only(bool exec_hash_only) {
    if (exec_hash_only)
        throw mps::Error(mps::ErrorKind::usage, "--exec-hash only: FTP runs no commands",
                         "use --exec-hash auto or never (FTP reads the files)");
}

}  // namespace mpscli
