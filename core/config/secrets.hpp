#pragma once
// Secrets (SPEC.md "Configuration"): an environment variable, else the `<key>_file` or
// `<key>_command` of the configuration. The value is never printed, logged or stored.
#include <filesystem>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "util/environment.hpp"

namespace mps {

enum class SecretKind {
    smtp_password,
    webservice_key,
    sftp_password,
    ftp_password,
    admin_password,
    ledger_password  // the PostgreSQL ledger's user ([ledger] url)
};

// SecretSpec: one secret: its environment variable, its configuration key (without _file or
// _command, e.g. "vendor.smtp_password") and where the configuration says it comes from.
struct SecretSpec {
    std::string environment_variable;
    std::string key;
    SecretSource source;
};

// secret_spec: the spec of `kind` in `config`; the store secrets (sftp, ftp, admin) read the
// keys of [stores.`store`] (none when `store` is empty or unknown).
SecretSpec secret_spec(const Config& config, SecretKind kind, const std::string& store);

// resolve_secret: the environment variable when set (it wins), else the file, else the output
// of the command; nothing when none is set. A relative file is relative to `config_file`'s
// folder, "~/" is $HOME. Error(usage), naming the key and never the secret or the command's
// output, when: the file is missing, unreadable, readable by group or others (mode & 077) or
// empty; the command cannot start, exits non-zero or prints nothing.
std::optional<std::string> resolve_secret(const Environment& env, const SecretSpec& spec,
                                          const std::filesystem::path& config_file);

// read_secret_file: the secret in `file` (trailing newline stripped), checked as above; `key`
// is the configuration key named in errors (e.g. "vendor.smtp_password_file").
std::string read_secret_file(const std::filesystem::path& file, const std::string& key);

// run_secret_command: the standard output of `/bin/sh -c command` (trailing newline
// stripped); its standard input is /dev/null, its standard error the user's. Errors as above,
// `key` naming the configuration key (e.g. "vendor.smtp_password_command").
std::string run_secret_command(const std::string& command, const std::string& key);

}  // namespace mps
