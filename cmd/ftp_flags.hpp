#pragma once
// The FTP flags shared by every command that reaches a shop over ftp:// or ftps:// (defined
// once), and the FTP options they make with the password and TLS settings.
#include "context.hpp"
#include "ftp/ftp_files.hpp"
#include "ftp/ftp_url.hpp"

namespace CLI {
class App;
}

namespace mpscli {

struct FtpFlags {
    int connections = 4;       // --connections N
    bool allow_plain = false;  // --allow-plain-ftp
};

// add_ftp_flags: register --connections and --allow-plain-ftp on `command`.
void add_ftp_flags(CLI::App& command, FtpFlags& flags);

// ftp_flags_given: whether any of these flags was given (they apply to ftp:// and ftps:// only).
bool ftp_flags_given(const FtpFlags& flags);

// ftp_options: the options for `url`: the flags, the password (MPSUPPORT_FTP_PASSWORD, else a
// no-echo prompt when prompting is allowed; Error(auth) when there is none), the global
// --timeout and the TLS settings (--insecure, MPSUPPORT_CA_BUNDLE).
mps::FtpOptions ftp_options(Context& ctx, const FtpFlags& flags, const mps::FtpUrl& url);

// refuse_exec_hash_only: `--exec-hash only` with an ftp:// target is a usage error (exit 2):
// FTP runs no commands.
void refuse_exec_hash_only(bool exec_hash_only);

}  // namespace mpscli
