#pragma once
// The exec fast path: hash a module's files on the server itself (sha256sum, else PHP) so only
// files whose digest differs from the release travel over the network.
#include <optional>
#include <string>
#include <vector>

#include "integrity/compare.hpp"

namespace mps {

class SshConnection;

// remote_hash_command: the shell command that prints, NUL-separated, a "MPS-FILES" marker,
// "<sha256>  ./<path>" for every regular file below `dir`, "MPS-LINKS", every symbolic link
// ("./<path>"), and "MPS-END". `dir` is quoted for the shell.
std::string remote_hash_command(const std::string& dir);

// remote_php_hash_command: the same output produced by `php -r` for hosts without sha256sum.
std::string remote_php_hash_command(const std::string& dir);

// parse_remote_hashes: the files of that output, strictly: any unexpected byte, a name that
// leaves the folder, a duplicate or a missing end marker gives nothing (the caller falls back to
// SFTP). `refused` collects names that are valid output but hostile (newlines, control bytes).
std::optional<std::vector<InstalledFile>> parse_remote_hashes(const std::string& output,
                                                              std::vector<std::string>& refused);

// hash_remotely: run the commands over `session`; nothing when the server refuses to run them
// or their output is not usable. `how` says which command worked.
std::optional<std::vector<InstalledFile>> hash_remotely(SshConnection& session, const std::string& dir,
                                                        std::vector<std::string>& refused, std::string& how);

}  // namespace mps
