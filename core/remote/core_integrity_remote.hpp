#pragma once
// files.core-integrity over SFTP: the same check as core_integrity_local, with the shop's core
// folders listed and its core files read (and MD5-hashed as they stream in) over one
// pipelined SFTP channel.
#include <string>

#include "integrity/core_checksums.hpp"
#include "report/report.hpp"

namespace mps {

class SftpClient;

// core_integrity_remote: files.core-integrity for the shop root `shop_root` (absolute or
// login-relative) on the server of `client`, at PrestaShop `ps_version` (empty: unknown, a
// skip). `where` names the shop in messages (an sftp:// URL). Error(unreachable) when the
// connection breaks.
Check core_integrity_remote(SftpClient& client, const std::string& shop_root, const std::string& ps_version,
                            const CoreListStore& lists, const std::string& where);

}  // namespace mps
