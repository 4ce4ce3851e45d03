#include "integrity/verify_all.hpp"

#include <set>

#include "integrity/module_info.hpp"
#include "report/check_ids.hpp"
#include "shop/shop_tree.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "util/text.hpp"

namespace fs = std::filesystem;

namespace mps {
namespace {

// Shop-wide checks that every module's report repeats: kept once, from the first report.
bool is_shop_check(const std::string& id) {
    return id == check_id::files_connect || id == check_id::files_prestashop_root ||
           id == check_id::files_core_integrity;
}

// module_checks: what a module's report adds to the combined one: its integrity check, its
// warnings and failures (overrides, listing, a broken connection), non-empty theme overrides.
std::vector<Check> module_checks(const Report& report, const std::string& module) {
    std::vector<Check> out;
    for (const auto& check : report.checks) {
        if (is_shop_check(check.id) && check.status != Status::fail) continue;
        bool keep = check.id == check_id::files_integrity || check.status == Status::fail ||
                    check.status == Status::warn;
        if (check.id == check_id::files_theme_overrides)
            keep = check.data.contains("files") && !check.data["files"].empty();
        if (!keep) continue;
        Check copy = check;
        copy.data["module"] = module;
        out.push_back(std::move(copy));
    }
    return out;
}

struct Tally {
    std::vector<std::string> covered, voided, skipped, failed, non_standard;
};

}  // namespace

void VerifyAllInput::take_shop_checks(const Report& shop) {
    shop_checks = shop.checks;
    details = shop.details;
    if (shop.body.contains("core")) extra["core"] = shop.body["core"];
    if (shop.body.contains("prestashop_version"))
        extra["prestashop_version"] = shop.body["prestashop_version"];
}

Report verify_each_module(VerifyAllInput input) {
    Report report;
    report.schema = "mpsupport.verify-all/1";
    report.title =
        "verify --all: " + std::to_string(input.modules.size()) + " module(s) in " + input.where;
    std::vector<Check> shop_checks = std::move(input.shop_checks);
    std::set<std::string> shop_ids;
    for (const auto& check : shop_checks) shop_ids.insert(check.id);
    std::vector<Check> per_module;
    nlohmann::json results = nlohmann::json::array();
    Tally tally;
    ProgressTask task(input.progress, "verify --all " + input.where, "modules",
                      input.modules.size());

    for (const std::string& name : input.modules) {
        nlohmann::json result = {{"module", name}};
        if (!is_valid_module_name(name)) {
            Check skip{check_id::files_integrity, Status::skip,
                       valid_utf8(name) + ": skipped: not a module folder name"};
            skip.data = {{"module", name}};
            per_module.push_back(std::move(skip));
            result["status"] = "skipped";
            result["reason"] = "not a module folder name";
            results.push_back(std::move(result));
            tally.skipped.push_back(name);
            task.advance(1);
            continue;
        }
        try {
            Report one = input.verify_one(name);
            for (const auto& check : one.checks)
                if (is_shop_check(check.id) && check.status != Status::fail &&
                    shop_ids.insert(check.id).second)
                    shop_checks.push_back(check);
            auto checks = module_checks(one, name);
            per_module.insert(per_module.end(), checks.begin(), checks.end());
            std::string support = one.body.value("support", "unknown");
            result["status"] = support == "unknown" ? "failed" : "verified";
            for (const char* key :
                 {"version", "version_source", "path", "support", "environment", "strict",
                  "pristine", "files", "partial", "files_checked", "transport"})
                if (one.body.contains(key)) result[key] = one.body[key];
            result["verdict"] = one.verdict;
            if (support == "voided")
                tally.voided.push_back(name);
            else if (support == "covered")
                tally.covered.push_back(name);
            else
                tally.failed.push_back(name);
            if (one.body.value("environment", "") == "non-standard")
                tally.non_standard.push_back(name);
        } catch (const Error& e) {
            if (e.kind() == ErrorKind::internal) throw;
            bool skip = e.kind() == ErrorKind::not_found || e.kind() == ErrorKind::usage;
            Check check{check_id::files_integrity, skip ? Status::skip : Status::fail,
                        name + ": " + (skip ? "skipped: " : "not verified: ") + e.what(), e.hint()};
            check.outcome = e.kind();
            check.data = {{"module", name}, {"reason", e.what()}};
            per_module.push_back(std::move(check));
            result["status"] = skip ? "skipped" : "failed";
            result["reason"] = e.what();
            result["hint"] = e.hint();
            results.push_back(std::move(result));
            (skip ? tally.skipped : tally.failed).push_back(name);
            log::info("verify --all: {} {}: {}", name, skip ? "skipped" : "failed", e.what());
            task.advance(1);
            continue;
        }
        results.push_back(std::move(result));
        task.advance(1);
    }

    report.checks = std::move(shop_checks);
    report.checks.insert(report.checks.end(), per_module.begin(), per_module.end());
    report.details = std::move(input.details);

    std::size_t verified = tally.covered.size() + tally.voided.size();
    std::string skipped = tally.skipped.empty() ? ""
                                                : "; " + std::to_string(tally.skipped.size()) +
                                                      " skipped (no usable pristine release)";
    std::string failed = tally.failed.empty()
                             ? ""
                             : "; " + std::to_string(tally.failed.size()) + " not verified (" +
                                   join(tally.failed, ", ") + ")";
    if (!tally.voided.empty())
        report.verdict = "support voided for " + std::to_string(tally.voided.size()) + " of " +
                         std::to_string(verified) +
                         " verified module(s): " + join(tally.voided, ", ");
    else if (verified == 0)
        report.verdict = "no module verified";
    else
        report.verdict = "support covered: no change voids support in the " +
                         std::to_string(verified) + " verified module(s)";
    report.verdict += failed + skipped;
    bool core_changed = false;
    for (const auto& check : report.checks)
        if (check.id == check_id::files_core_integrity)
            core_changed = check.data.value("updated", 0) + check.data.value("missing", 0) > 0 &&
                           check.status == Status::warn;
    if (!tally.non_standard.empty())
        report.verdict += "; environment non-standard (" + join(tally.non_standard, ", ") + ")";
    else if (core_changed)
        report.verdict += "; environment non-standard (core files changed)";

    report.body = {
        {"all", true},
        {"shop_root", input.where},
        {"modules", input.modules},
        {"counts",
         {{"modules", input.modules.size()},
          {"verified", verified},
          {"covered", tally.covered.size()},
          {"voided", tally.voided.size()},
          {"skipped", tally.skipped.size()},
          {"failed", tally.failed.size()}}},
        {"support", !tally.voided.empty() ? "voided"
                    : verified == 0       ? "unknown"
                                          : "covered"},
        {"environment", tally.non_standard.empty() && !core_changed ? "standard" : "non-standard"},
        {"module_files", results}};
    for (auto& [key, value] : input.extra.items()) report.body[key] = value;
    return report;
}

Report verify_all_local(const VerifyRequest& request, const PristineStore& store,
                        const PolicyConfig& policy) {
    if (!request.module.empty() || !request.version.empty())
        throw Error(ErrorKind::usage,
                    "--all verifies every module: it takes no --module or --version",
                    "drop --module/--version, or drop --all to verify one module");
    std::error_code ec;
    const fs::path& root = request.target;
    if (!fs::is_directory(root, ec))
        throw Error(ErrorKind::usage, "cannot read " + root.string() + ": not a folder",
                    "give the shop root (the folder that holds modules/, classes/ and config/)");
    if (!is_shop_root(root))
        throw Error(ErrorKind::usage, "--all needs a shop root: " + root.string() + " is not one",
                    "give the folder that holds modules/, classes/ and config/");
    VerifyAllInput input;
    input.where = root.string();
    input.modules = installed_modules(root);
    input.progress = request.progress;
    if (request.core) {
        VerifyRequest core = request;
        core.fetch_missing = {};
        Report shop = verify_local(core, store, policy);
        input.take_shop_checks(shop);
    }
    input.verify_one = [&](const std::string& module) {
        VerifyRequest one = request;
        one.module = module;
        one.core = false;
        return verify_local(one, store, policy);
    };
    return verify_each_module(std::move(input));
}

}  // namespace mps
