#pragma once
// `mpsupport verify DIR`: an installed module folder (or a shop root and a module name)
// compared with the pristine release of the same version.
#include <filesystem>
#include <string>

#include "config/config.hpp"
#include "integrity/compare.hpp"
#include "integrity/pristine_store.hpp"
#include "report/report.hpp"

namespace mps {

struct VerifyRequest {
    std::filesystem::path target;  // module folder or shop root
    std::string module;            // --module (required for a shop root)
    std::string version;           // --version: compare with this release instead
    bool want_diffs = false;       // --diff
    bool strict = false;           // --strict: any difference is a finding
    unsigned threads = 2;
};

// verify_local: the report (schema mpsupport.verify/1). Throws Error(usage) for a bad target,
// Error(not_found) when the module or its pristine release is unknown.
Report verify_local(const VerifyRequest& request, const PristineStore& store, const PolicyConfig& policy);

// integrity_check: the files.integrity check and the per-file JSON for a comparison; shared by
// verify and diagnose.
Check integrity_check(const IntegrityResult& result, const std::string& module, const std::string& version,
                      bool strict);

// file_verdicts_json: every file that is not unchanged, as JSON objects.
nlohmann::json file_verdicts_json(const IntegrityResult& result);

}  // namespace mps
