#pragma once
// `mpsupport verify sftp://...|ftp://... --all`: every module of a remote shop root, each through
// verify_files on the same connection, in one report (see integrity/verify_all.hpp).
#include <string>

#include "remote/verify_remote.hpp"

namespace mps {

// verify_all_files: the mpsupport.verify-all/1 report of the shop root `path` on `files`.
// Error(usage) when options name a module or a version, or `path` is no shop root;
// Error(not_found) when it is no folder.
Report verify_all_files(RemoteFiles& files, const std::string& path, const std::string& where,
                        const RemoteVerifyOptions& options, const PristineStore& store,
                        const PolicyConfig& policy);

// require_remote_release: the module in `modules_dir`/`module` identified from its identity files
// and its release stored (fetched with `fetch` when set): Error(not_found) or Error(usage) when
// it cannot be verified. Run before verify_files, whose run must not stop half way.
void require_remote_release(RemoteFiles& files, const std::string& modules_dir,
                            const std::string& module, const std::string& location,
                            const PristineStore& store, const ReleaseFetcher& fetch);

// verify_all_remote: connect over SSH, then verify_all_files.
Report verify_all_remote(const RemoteVerifyRequest& request, const PristineStore& store,
                         const PolicyConfig& policy);

}  // namespace mps
