#pragma once
// `mpsupport verify DIR`: an installed module folder (or a shop root and a module name)
// compared with the pristine release of the same version.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "integrity/compare.hpp"
#include "integrity/module_info.hpp"
#include "integrity/pristine_store.hpp"
#include "report/report.hpp"
#include "util/error.hpp"
#include "util/progress.hpp"

namespace mps {

// ReleaseFetcher: asked to add a missing pristine release to the store (pristine fetch); it
// throws when it cannot (not found, bad signature, unreachable). Unset: nothing is fetched.
using ReleaseFetcher = std::function<void(const std::string& module, const std::string& version)>;

struct VerifyRequest {
    std::filesystem::path target;  // module folder or shop root
    std::string module;            // --module (required for a shop root)
    std::string version;           // --version: compare with this release instead
    bool want_diffs = false;       // --diff
    bool strict = false;           // --strict: any difference is a finding
    bool core = false;             // --core: also compare the shop's PrestaShop core files
    ReleaseFetcher fetch_missing;  // auto-fetch of a missing release (unset: --no-fetch)
    unsigned threads = 2;
    Progress* progress = nullptr;  // --all: modules done
};

// verify_local: the report (schema mpsupport.verify/1). Throws Error(usage) for a bad target,
// Error(not_found) when the module or its pristine release is unknown.
Report verify_local(const VerifyRequest& request, const PristineStore& store,
                    const PolicyConfig& policy);

// integrity_check: the files.integrity check and the per-file JSON for a comparison; shared by
// verify and diagnose.
Check integrity_check(const IntegrityResult& result, const std::string& module,
                      const std::string& version, bool strict);

// file_verdicts_json: every file that is not unchanged, as JSON objects.
nlohmann::json file_verdicts_json(const IntegrityResult& result);

// What verify found out, wherever the files came from (local folder or SFTP).
struct VerifiedModule {
    ModuleIdentity id;  // what is compared (installed version, or --version)
    std::string note;   // message of the files.version check
};

struct VerifyFacts {
    VerifiedModule module;
    std::string location;  // folder or sftp:// URL of the module
    const Manifest& release;
    const IntegrityResult& result;
    bool strict = false;
    std::optional<std::vector<std::string>> class_overrides;  // set for a shop root
    std::optional<std::vector<std::string>> theme_overrides;  // set for a shop root
    std::string shop_root;
    std::vector<Check> connection_checks;  // e.g. files.connect, first of all
    std::vector<Check> leading_checks;     // e.g. files.prestashop-root, before files.integrity
    std::optional<Check> core_check;       // files.core-integrity (--core)
    nlohmann::json extra = nlohmann::json::object();
};

// identify_for_verify: the module and version to compare (`version` overrides the detected
// one, and the note then says both).
VerifiedModule identify_for_verify(const FileLookup& lookup, const std::string& name_hint,
                                   const std::string& module, const std::string& version,
                                   const std::string& where);

// release_not_stored: the exit-6 error naming `pristine add` and the stored versions.
Error release_not_stored(const PristineStore& store, const ModuleIdentity& id);

// require_release: the stored release of `id`, fetched first with `fetch` when missing and set;
// Error(not_found) when it is still not stored.
Manifest require_release(const PristineStore& store, const ModuleIdentity& id,
                         const ReleaseFetcher& fetch);

// core_only_report: the mpsupport.verify/1 report of `verify SHOP --core` without --module:
// the PrestaShop version check and files.core-integrity.
Report core_only_report(const std::string& shop_root, Check version_check, Check core_check,
                        std::vector<Check> connection_checks = {},
                        nlohmann::json extra = nlohmann::json::object());

// assemble_verify_report: the mpsupport.verify/1 report from the facts.
Report assemble_verify_report(const VerifyFacts& facts);

}  // namespace mps
