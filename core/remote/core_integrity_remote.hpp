#pragma once
// files.core-integrity on a shop's server: the same check as core_integrity_local, with the
// shop's core folders listed and its core files read through RemoteFiles (SFTP, FTP, local).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "integrity/core_checksums.hpp"
#include "report/report.hpp"

namespace mps {

class RemoteFiles;
class SshConnection;

// core_integrity_remote: files.core-integrity for the shop root `shop_root` (absolute or
// login-relative) on the server of `files`, at PrestaShop `ps_version` (empty: unknown, a
// skip). `where` names the shop in messages (its URL). With `exec_session`, the files
// are first MD5-hashed on the server (md5sum), and only when that is refused or fails are they
// read. Error(unreachable) when the connection breaks.
Check core_integrity_remote(RemoteFiles& files, const std::string& shop_root,
                            const std::string& ps_version, const CoreListStore& lists,
                            const std::string& where, SshConnection* exec_session = nullptr);

// remote_core_md5_command: the shell command that prints, NUL-separated, "MPS-FILES",
// "<md5>  ./<path>" for every regular file directly in `root` and below the folders `tops`,
// "MPS-LINKS", every symbolic link there ("./<path>"), and "MPS-END"; any error (an unreadable
// folder) stops it before "MPS-END".
std::string remote_core_md5_command(const std::string& root, const std::vector<std::string>& tops);

struct RemoteCoreHashes {
    std::map<std::string, std::string> md5;  // path -> digest
    std::vector<std::string> links;
};

// parse_remote_core_md5: that output, strictly (nothing when anything is unexpected).
std::optional<RemoteCoreHashes> parse_remote_core_md5(const std::string& output);

}  // namespace mps
