#pragma once
// The files.* and logs.* checks of `diagnose`: over SFTP, one connection for the shop (root,
// modules present, log tails) and one per module verified against its pristine release, all at
// once; over FTP (whose connections are shared) or on this machine's file system, the same
// checks one after the other.
#include <cstdint>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "diagnose/check_catalog.hpp"
#include "ftp/ftp_files.hpp"
#include "integrity/pristine_store.hpp"
#include "net/page_fetch.hpp"
#include "remote/files_target.hpp"
#include "remote/verify_remote.hpp"
#include "report/report.hpp"
#include "shop/shop_logs.hpp"
#include "ssh/ssh_session.hpp"

namespace mps {

struct FilesProbe {
    FilesTarget target;  // the shop root
    std::vector<std::string> modules;
    // --all-modules: every folder under modules/ (listed first; `modules` is ignored); modules
    // without a stored or fetchable release are skipped, not failed.
    bool all_modules = false;
    SshOptions ssh;  // sftp://
    FtpOptions ftp;  // ftp://, ftps:// (host, port and user are taken from `target`)
    ExecHash exec_hash = ExecHash::auto_;
    std::int64_t now = 0;  // seconds since the epoch (log age)
    int log_days = 7;
    std::size_t log_tail_bytes = 256 * 1024;
    bool want_diffs = false;       // for the bundle
    ReleaseFetcher fetch_missing;  // signed download of a missing release (unset: --no-fetch)
    // progress: modules done and each module's files, where the modules are verified one after
    // the other (--all-modules, FTP, a folder); never from the parallel SSH lanes.
    Progress* progress = nullptr;
};

struct ModuleDiff {
    std::string module;
    std::string path;
    std::string diff;
};

struct FilesFindings {
    std::vector<Check> checks;
    std::vector<LogTail> logs;
    std::vector<ModuleDiff> diffs;
    std::string prestashop_version;                    // from the shop root, when read
    nlohmann::json modules = nlohmann::json::array();  // per module: support, files (as verify)
    std::vector<std::string> listed_modules;           // --all-modules: the folders found
};

// check_files: the selected files.* and logs.* checks. Never throws for remote trouble: a
// failure becomes a failed check with its outcome (unreachable, auth, not_found).
FilesFindings check_files(const FilesProbe& probe, const PristineStore& store,
                          const PolicyConfig& policy, const CheckSelection& selection,
                          const Deadline& deadline);

}  // namespace mps
