#include "diagnose/diagnose.hpp"

#include <algorithm>
#include <future>
#include <map>
#include <set>

#include "diagnose/storefront_checks.hpp"
#include "integrity/core_integrity.hpp"
#include "report/check_ids.hpp"
#include "util/log.hpp"
#include "util/text.hpp"

namespace mps {
namespace {

std::size_t catalog_index(const std::string& id) {
    const auto& catalog = check_catalog();
    for (std::size_t i = 0; i < catalog.size(); ++i)
        if (catalog[i].id == id) return i;
    return catalog.size();
}

bool need_met(CheckNeed need, const DiagnoseRequest& request) {
    switch (need) {
        case CheckNeed::url:
            return !request.url.empty();
        case CheckNeed::admin_url:
            return !request.admin_url.empty();
        case CheckNeed::sftp:
            return request.files.has_value();
        case CheckNeed::admin_password:
            return request.admin.has_value();
    }
    return false;
}

// missing_needs: one skip per group whose checks cannot run for lack of input, so the user
// sees what to add; admin.credentials is only ever shown when a password is given.
void add_missing_need_skips(const DiagnoseRequest& request, std::vector<Check>& checks) {
    std::set<std::string> reported;
    for (const auto& info : check_catalog()) {
        if (!request.selection.selected(info.id) || info.id == check_id::admin_credentials)
            continue;
        for (CheckNeed need : info.needs) {
            if (need_met(need, request)) continue;
            std::string key = need_name(need);
            if (!reported.insert(key).second) break;
            Check skip{info.id, Status::skip};
            switch (need) {
                case CheckNeed::url:
                    skip.message = "storefront not checked: no store URL";
                    skip.hint = "give --url https://shop.example (or a store profile with url)";
                    break;
                case CheckNeed::admin_url:
                    skip.message = "back office not checked: no admin URL";
                    skip.hint =
                        "give --admin https://shop.example/admin123abc/ (or admin_url in the store "
                        "profile)";
                    break;
                case CheckNeed::sftp:
                    skip.id = check_id::files_connect;
                    skip.message =
                        "module files, overrides and logs not checked: no access to the files";
                    skip.hint =
                        "give --files sftp://user@host/path/to/shop or the shop's folder (or "
                        "files in the store profile)";
                    break;
                case CheckNeed::admin_password:
                    break;
            }
            checks.push_back(skip);
            break;
        }
    }
    if (request.files && request.modules.empty() && !request.all_modules &&
        request.selection.any_in("files"))
        checks.push_back(Check{check_id::files_module_present, Status::skip,
                               "no module named: module files not compared",
                               "give --module NAME (repeatable), or modules in the store profile"});
}

// add_dependency_skips: a selected check that did not run because the check it depends on
// failed (or was skipped) says so.
void add_dependency_skips(const DiagnoseRequest& request, std::vector<Check>& checks) {
    std::map<std::string, Status> worst;  // id -> worst status seen
    for (const auto& check : checks) {
        auto it = worst.find(check.id);
        if (it == worst.end() || (check.status == Status::fail ||
                                  (check.status == Status::skip && it->second != Status::fail)))
            worst[check.id] = check.status;
    }
    for (const auto& info : check_catalog()) {
        if (!request.selection.selected(info.id) || worst.count(info.id) || info.depends_on.empty())
            continue;
        bool runnable = std::all_of(info.needs.begin(), info.needs.end(),
                                    [&](CheckNeed n) { return need_met(n, request); });
        if (!runnable) continue;
        // Walk up the dependency chain to the first check that did not pass.
        std::string dependency = info.depends_on;
        while (!dependency.empty()) {
            auto it = worst.find(dependency);
            if (it != worst.end()) {
                if (it->second == Status::fail || it->second == Status::skip) {
                    checks.push_back(
                        Check{info.id, Status::skip,
                              "not checked: " + dependency +
                                  (it->second == Status::fail ? " failed" : " was skipped")});
                    worst[info.id] = Status::skip;
                }
                break;
            }
            const CheckInfo* parent = find_check(dependency);
            dependency = parent ? parent->depends_on : "";
        }
    }
}

std::string first_failure(const std::vector<Check>& checks,
                          std::initializer_list<ErrorKind> kinds) {
    for (const auto& check : checks)
        if (check.status == Status::fail &&
            std::find(kinds.begin(), kinds.end(), check.outcome) != kinds.end())
            return check.id + ": " + check.message;
    return {};
}

}  // namespace

DiagnoseVerdict diagnose_verdict(const std::vector<Check>& checks, bool files_given) {
    std::size_t voiding_modules = 0;
    bool integrity_judged = false;
    std::vector<std::string> non_standard, problems;
    for (const auto& check : checks) {
        if (check.id == check_id::files_integrity && check.status != Status::skip) {
            integrity_judged = integrity_judged || check.status != Status::fail ||
                               check.outcome == ErrorKind::finding;
            if (check.status == Status::fail && check.outcome == ErrorKind::finding)
                ++voiding_modules;
        }
        if (check.id == check_id::files_overrides && check.status == Status::warn)
            non_standard.push_back("class overrides");
        if (check.id == check_id::files_core_integrity && core_marks_non_standard(check))
            non_standard.push_back("changed core files");
        if (check.status == Status::fail && check.outcome == ErrorKind::finding &&
            check.id != check_id::files_integrity)
            problems.push_back(check.id);
    }
    std::string tail = problems.empty() ? "" : "; the shop has problems: " + join(problems, ", ");
    if (voiding_modules)
        return {"support voided: module files changed against POLICY.md §5 (see files.integrity)" +
                    tail,
                "voided"};
    std::string unknown = first_failure(
        checks, {ErrorKind::unreachable, ErrorKind::auth, ErrorKind::not_found, ErrorKind::usage});
    if (!non_standard.empty())
        return {"environment non-standard: " + join(non_standard, ", ") + " (POLICY.md §5)" + tail,
                "unknown", "non-standard"};
    if (integrity_judged && unknown.empty())
        return {"support covered: no module change voids support" + tail, "covered"};
    if (!unknown.empty()) return {"could not tell: " + unknown + tail};
    if (!files_given)
        return {"could not tell whether support is voided: module files not checked (no --files)" +
                tail};
    return {"could not tell whether support is voided: no module compared (--module)" + tail};
}

DiagnoseResult run_diagnose(const DiagnoseRequest& request, const PristineStore& store,
                            const PolicyConfig& policy) {
    auto started = std::chrono::steady_clock::now();
    Deadline deadline(request.timeout_seconds);
    const CheckSelection& selection = request.selection;

    std::future<StorefrontFindings> storefront;
    std::future<std::vector<Check>> admin;
    std::future<FilesFindings> files;
    if (!request.url.empty() && selection.any_in("storefront")) {
        StorefrontProbe probe{request.url, request.modules, request.tls,
                              std::chrono::system_clock::to_time_t(request.now)};
        storefront = std::async(std::launch::async, [probe, &selection, &deadline] {
            return check_storefront(probe, selection, deadline);
        });
    }
    if (!request.admin_url.empty() && selection.any_in("admin")) {
        AdminProbe probe{request.admin_url, request.admin, request.tls};
        admin = std::async(std::launch::async, [probe, &selection, &deadline] {
            return check_admin(probe, selection, deadline);
        });
    }
    if (request.files &&
        (selection.any_in("files") || selection.any_in("logs") || selection.any_in("core"))) {
        FilesProbe probe;
        probe.target = *request.files;
        probe.modules = request.modules;
        probe.all_modules = request.all_modules;
        probe.ssh = request.ssh;
        probe.ftp = request.ftp;
        probe.exec_hash = request.exec_hash;
        probe.now = std::chrono::system_clock::to_time_t(request.now);
        probe.log_tail_bytes = request.log_tail_bytes;
        probe.want_diffs = request.want_bundle;
        probe.fetch_missing = request.fetch_missing;
        probe.progress = request.progress;
        files = std::async(std::launch::async, [probe, &store, &policy, &selection, &deadline] {
            return check_files(probe, store, policy, selection, deadline);
        });
    }

    DiagnoseResult result;
    std::vector<Check> checks;
    std::string prestashop_version;
    nlohmann::json module_results = nlohmann::json::array();
    std::vector<std::string> modules = request.modules;
    if (storefront.valid()) {
        StorefrontFindings found = storefront.get();
        checks.insert(checks.end(), found.checks.begin(), found.checks.end());
        result.html = std::move(found.html);
        prestashop_version = found.version;
    }
    if (admin.valid()) {
        auto found = admin.get();
        checks.insert(checks.end(), found.begin(), found.end());
    }
    if (files.valid()) {
        FilesFindings found = files.get();
        checks.insert(checks.end(), found.checks.begin(), found.checks.end());
        result.logs = std::move(found.logs);
        result.diffs = std::move(found.diffs);
        module_results = found.modules;
        if (request.all_modules) modules = found.listed_modules;
        if (!found.prestashop_version.empty()) prestashop_version = found.prestashop_version;
    }
    for (const auto& check : checks)
        if (check.id == check_id::files_core_integrity && core_marks_non_standard(check))
            for (auto& line : core_detail_lines(check, 50)) result.report.details.push_back(line);
    add_missing_need_skips(request, checks);
    add_dependency_skips(request, checks);
    std::stable_sort(checks.begin(), checks.end(), [](const Check& a, const Check& b) {
        return catalog_index(a.id) < catalog_index(b.id);
    });

    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    Report& report = result.report;
    report.schema = "mpsupport.diagnose/1";
    std::string target = !request.store.empty() ? request.store
                         : !request.url.empty() ? request.url
                         : request.files        ? request.files->display()
                                                : request.admin_url;
    report.title = "diagnose " + target +
                   (request.all_modules       ? " (all modules)"
                    : request.modules.empty() ? ""
                                              : " (" + join(request.modules, ", ") + ")");
    report.checks = std::move(checks);
    DiagnoseVerdict verdict = diagnose_verdict(report.checks, request.files.has_value());
    report.verdict = verdict.text;
    report.body = {
        {"store", request.store},
        {"url", request.url},
        {"admin_url", request.admin_url},
        {"files", request.files ? request.files->display() : ""},
        {"sftp", request.files ? request.files->display() : ""},  // its old name, kept for scripts
        {"modules", modules},
        {"all_modules", request.all_modules},
        {"order", request.order},
        {"prestashop_version", prestashop_version},
        {"support", verdict.support},
        {"environment", verdict.environment},
        {"module_files", module_results},
        {"insecure", request.tls.insecure},
        {"seconds", seconds}};
    log::info("diagnose finished in {:.2f} s", seconds);
    return result;
}

Report mask_report(const Report& report, Masker& masker) {
    Report out;
    out.schema = report.schema;
    out.title = masker.mask(report.title);
    for (const auto& check : report.checks) {
        Check masked = check;
        masked.message = masker.mask(check.message);
        masked.hint = masker.mask(check.hint);
        masked.data = masker.mask_json(check.data);
        out.checks.push_back(std::move(masked));
    }
    out.verdict = masker.mask(report.verdict);
    out.body = masker.mask_json(report.body);
    for (const auto& line : report.details) out.details.push_back(masker.mask(line));
    return out;
}

namespace {

// member_path: a path from the shop (a log or module file) as a bundle member name: a
// backslash or control character becomes '_' (the shop's names are not trusted).
std::string member_path(std::string path) {
    for (char& c : path)
        if (c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '_';
    return path;
}

}  // namespace

void redact_report(Report& report, const std::vector<std::string>& secrets) {
    std::vector<std::string> given;
    for (const auto& secret : secrets)
        if (!secret.empty()) given.push_back(secret);
    if (given.empty()) return;
    // Longest first, so a secret holding another is replaced whole.
    std::sort(given.begin(), given.end(),
              [](const auto& a, const auto& b) { return a.size() > b.size(); });
    auto redact_text = [&](std::string text) {
        for (const auto& secret : given) text = redact(std::move(text), secret);
        return text;
    };
    report.title = redact_text(report.title);
    for (auto& check : report.checks) redact_check(check, given);
    report.verdict = redact_text(report.verdict);
    report.body = redact_json(report.body, given);
    for (auto& line : report.details) line = redact_text(line);
}

std::vector<BundleMember> bundle_members(const DiagnoseResult& result,
                                         const std::string& report_json,
                                         const std::string& report_text, Masker& masker) {
    std::vector<BundleMember> members;
    members.push_back({"report.json", report_json});
    members.push_back({"report.txt", report_text});
    for (const auto& log : result.logs) {
        if (is_secret_file(log.path)) continue;
        members.push_back({"logs/" + member_path(log.path), masker.mask(log.tail)});
    }
    for (const auto& diff : result.diffs) {
        if (is_secret_file(diff.path)) continue;
        members.push_back(
            {"diffs/" + member_path(diff.module) + "/" + member_path(diff.path) + ".diff",
             masker.mask(diff.diff)});
    }
    if (!result.html.empty()) members.push_back({"storefront.html", masker.mask(result.html)});
    return members;
}

}  // namespace mps
