#pragma once
// `mpsupport diagnose`: storefront, admin and files/logs lanes run at once (a run takes about
// as long as the slowest), their checks ordered as the catalog lists them, checks that could
// not run marked skip with the reason, and one verdict (SPEC.md "Diagnose checks").
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "diagnose/admin_checks.hpp"
#include "diagnose/bundle.hpp"
#include "diagnose/check_catalog.hpp"
#include "diagnose/files_checks.hpp"
#include "diagnose/masker.hpp"
#include "integrity/pristine_store.hpp"
#include "report/report.hpp"

namespace mps {

struct DiagnoseRequest {
    std::string store;  // profile name, when one was used
    std::string url;    // storefront
    std::string admin_url;
    std::optional<FilesTarget> files;  // shop root (--files)
    std::vector<std::string> modules;
    bool all_modules = false;  // --all-modules: every module folder of the files target
    std::string order;         // order reference (bundle name, report)
    CheckSelection selection;
    ExecHash exec_hash = ExecHash::auto_;
    SshOptions ssh;  // for sftp://
    FtpOptions ftp;  // for ftp:// and ftps:// (host, port, user from `files`)
    TlsOptions tls;
    std::optional<AdminCredentials> admin;
    int timeout_seconds = 30;  // bounds the whole run
    std::chrono::system_clock::time_point now;
    bool want_bundle = false;  // collect diffs for the bundle
    std::size_t log_tail_bytes = 256 * 1024;
    ReleaseFetcher fetch_missing;  // signed download of a missing release (unset: --no-fetch)
    Progress* progress = nullptr;  // the files lane's modules and files (see FilesProbe)
};

struct DiagnoseResult {
    Report report;     // schema mpsupport.diagnose/1
    std::string html;  // storefront home page
    std::vector<LogTail> logs;
    std::vector<ModuleDiff> diffs;
};

// run_diagnose: every selected check. Remote trouble never throws: it becomes failed checks.
DiagnoseResult run_diagnose(const DiagnoseRequest& request, const PristineStore& store,
                            const PolicyConfig& policy);

struct DiagnoseVerdict {
    std::string text;                      // the one line
    std::string support = "unknown";       // covered, voided, unknown
    std::string environment = "standard";  // standard, non-standard
};

// diagnose_verdict: the one-line verdict for a set of checks (support covered / voided /
// environment non-standard / could not tell).
DiagnoseVerdict diagnose_verdict(const std::vector<Check>& checks, bool files_given);

// mask_report: a copy of `report` with every string (messages, hints, data, details, body)
// masked by `masker`, before anything serialises it.
Report mask_report(const Report& report, Masker& masker);

// redact_report: `report` with every occurrence of each secret replaced by "***" (what is
// printed on stdout, whatever remote echoed a secret).
void redact_report(Report& report, const std::vector<std::string>& secrets);

// bundle_members: the bundle's members: report.json and report.txt as given (rendered from a
// report masked by mask_report), and the log tails, diffs and storefront HTML masked by
// `masker`. Member names are made safe (a backslash or control character becomes '_').
std::vector<BundleMember> bundle_members(const DiagnoseResult& result,
                                         const std::string& report_json,
                                         const std::string& report_text, Masker& masker);

}  // namespace mps
