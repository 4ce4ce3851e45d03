#pragma once
// `mpsupport verify sftp://...`: the same verdicts as a local verify, with the module's files
// listed and read through RemoteFiles (SFTP here; any transport through verify_files).
#include <memory>
#include <string>

#include "config/config.hpp"
#include "integrity/pristine_store.hpp"
#include "integrity/verify.hpp"
#include "report/report.hpp"
#include "ssh/sftp_url.hpp"
#include "ssh/ssh_session.hpp"

namespace mps {

class Progress;
class RemoteFiles;
class SftpFiles;

// How file digests are obtained: by a command on the server (exec) or by reading every file.
enum class ExecHash { auto_, never, only };

struct RemoteVerifyOptions {
    std::string module;   // --module (needed for a shop root)
    std::string version;  // --version
    bool want_diffs = false;
    bool strict = false;
    ExecHash exec_hash = ExecHash::auto_;
    bool core = false;             // --core: also compare the shop's PrestaShop core files
    ReleaseFetcher fetch_missing;  // auto-fetch of a missing release (unset: --no-fetch)
    // progress: files and bytes checked (a task per module), modules done with --all; called
    // from the thread that runs the verify.
    Progress* progress = nullptr;
};

struct RemoteVerifyRequest : RemoteVerifyOptions {
    SftpUrl url;     // module folder or shop root
    SshOptions ssh;  // host, port and user are taken from `url`
};

// connect_sftp: the SFTP connection to request.url with request.ssh (unreachable 4, auth 5).
std::unique_ptr<SftpFiles> connect_sftp(const RemoteVerifyRequest& request);

// verify_remote: connect over SSH, then verify_files. Errors: unreachable (4), auth (5),
// not_found (6) for a missing module, folder or pristine release, usage (2) for a shop root
// without --module (unless --core: then the report holds the core check only).
Report verify_remote(const RemoteVerifyRequest& request, const PristineStore& store,
                     const PolicyConfig& policy);

// verify_files: the mpsupport.verify/1 report of the module folder or shop root `path` on
// `files`; `where` names it in messages and the report (the URL as the user wrote it).
Report verify_files(RemoteFiles& files, const std::string& path, const std::string& where,
                    const RemoteVerifyOptions& options, const PristineStore& store,
                    const PolicyConfig& policy);

}  // namespace mps
