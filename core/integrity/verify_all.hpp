#pragma once
// `mpsupport verify SHOP --all`: every module folder under the shop's modules/ verified with its
// pristine release (stored, or fetched when a fetcher is set), in one report. A module whose
// release is neither stored nor fetchable, or whose name or version cannot be told, is listed as
// skipped with the reason; the exit code follows the usual precedence over all modules.
#include <functional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "integrity/pristine_store.hpp"
#include "integrity/verify.hpp"
#include "report/report.hpp"
#include "util/progress.hpp"

namespace mps {

// VerifyOne: the verify report of one module of the shop (its folder name under modules/);
// throws Error as verify does (not_found for a missing release, usage for an unknown version...).
using VerifyOne = std::function<Report(const std::string& module)>;

struct VerifyAllInput {
    std::string where;                 // the shop root as the user gave it
    std::vector<std::string> modules;  // folder names under modules/, sorted
    VerifyOne verify_one;
    // Shop-wide checks to put first (files.connect, files.prestashop-root, files.core-integrity
    // with --core), their detail lines, and body fields (e.g. transport).
    std::vector<Check> shop_checks;
    std::vector<std::string> details;
    nlohmann::json extra = nlohmann::json::object();
    Progress* progress = nullptr;  // modules done (verify_one may start sub-tasks)

    // take_shop_checks: the shop-wide part of a report run with --core (its checks, details,
    // "core" and "prestashop_version").
    void take_shop_checks(const Report& shop);
};

// verify_each_module: runs verify_one for every module and assembles the report (schema
// mpsupport.verify-all/1): one files.integrity check per module (skip with the reason when the
// module could not be verified), its warnings (overrides, listing) and failures, and in the body
// "modules" (per module: status verified|skipped|failed, support, environment, files...).
// Throws only Error(internal).
Report verify_each_module(VerifyAllInput input);

// verify_all_local: every module of the shop root request.target (request.module and
// request.version must be empty: Error(usage) otherwise, or when the target is no shop root).
Report verify_all_local(const VerifyRequest& request, const PristineStore& store,
                        const PolicyConfig& policy);

}  // namespace mps
