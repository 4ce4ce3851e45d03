#pragma once
// The exec fast path: hash a module's files on the server itself (sha256sum, else PHP) so only
// files whose digest differs from the release travel over the network.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "integrity/compare.hpp"

namespace mps {

class SshConnection;

// remote_hash_command: the shell command that prints, NUL-separated, a "MPS-FILES" marker,
// "<sha256>  ./<path>" for every regular file below `dir`, "MPS-LINKS", every symbolic link
// ("./<path>"), and "MPS-END". `dir` is quoted for the shell.
// With `identity_names` (plain file names of `dir`; others are left out), the output starts with
// "MPS-IDENT", then for each of them that is a regular file (not a link) of at most
// kMaxIdentityBytes its name, its size in decimal and that many bytes, then "MPS-IDENT-END": the
// files that tell the module's name and version travel in the same round trip as the digests.
std::string remote_hash_command(const std::string& dir,
                                const std::vector<std::string>& identity_names = {});

// remote_php_hash_command: the same output produced by `php -r` for hosts without sha256sum.
std::string remote_php_hash_command(const std::string& dir,
                                    const std::vector<std::string>& identity_names = {});

constexpr std::size_t kMaxIdentityBytes = 8u << 20;

// parse_identity_section: the identity files of such an output (only names among `names`, each
// once); the offset where the digests start, or nothing when the section is malformed.
std::optional<std::size_t> parse_identity_section(const std::string& output,
                                                  const std::vector<std::string>& names,
                                                  std::map<std::string, std::string>& identity);

// parse_remote_hashes: the files of that output, strictly: any unexpected byte, a name that
// leaves the folder, a duplicate or a missing end marker gives nothing (the caller falls back to
// SFTP). `refused` collects names that are valid output but hostile (newlines, control bytes).
std::optional<std::vector<InstalledFile>> parse_remote_hashes(const std::string& output,
                                                              std::vector<std::string>& refused);

// hash_remotely: run the commands over `session`; nothing when the server refuses to run them
// or their output is not usable. `how` says which command worked.
std::optional<std::vector<InstalledFile>> hash_remotely(SshConnection& session,
                                                        const std::string& dir,
                                                        std::vector<std::string>& refused,
                                                        std::string& how);

// hash_remotely with identity files: the same, and `identity` gets the contents of those of
// `identity_names` that are regular files (see remote_hash_command), from the same command.
std::optional<std::vector<InstalledFile>> hash_remotely(
    SshConnection& session, const std::string& dir, std::vector<std::string>& refused,
    std::string& how, const std::vector<std::string>& identity_names,
    std::map<std::string, std::string>& identity);

}  // namespace mps
