#include "integrity/verify.hpp"

#include <future>

#include "integrity/local_tree.hpp"
#include "integrity/module_info.hpp"
#include "shop/shop_tree.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/text.hpp"

namespace fs = std::filesystem;

namespace mps {
namespace {

struct Target {
    fs::path module_dir;
    fs::path shop_root;  // empty when the target is a module folder
};

Target resolve_target(const VerifyRequest& request) {
    std::error_code ec;
    const fs::path& dir = request.target;
    if (!fs::is_directory(dir, ec))
        throw Error(ErrorKind::usage, "cannot read " + dir.string() + ": not a folder",
                    "give an installed module folder, or a shop root with --module NAME");
    if (is_shop_root(dir)) {
        if (request.module.empty()) {
            auto modules = installed_modules(dir);
            throw Error(ErrorKind::usage, dir.string() + " is a shop root: name the module with --module NAME",
                        modules.empty() ? std::string("no modules found under modules/")
                                        : "installed modules: " + join(modules, ", "));
        }
        if (!is_valid_module_name(request.module))
            throw Error(ErrorKind::usage, "'" + request.module + "' is not a module name", "use the module folder name");
        fs::path module_dir = dir / "modules" / request.module;
        if (!fs::is_directory(module_dir, ec))
            throw Error(ErrorKind::not_found, "module " + request.module + " is not installed in " + dir.string(),
                        "installed modules: " + join(installed_modules(dir), ", "));
        return {module_dir, dir};
    }
    return {dir, {}};
}

FileLookup folder_lookup(const fs::path& dir) {
    return [dir](const std::string& relative) -> std::optional<std::string> {
        std::error_code ec;
        fs::path path = dir / relative;
        if (!fs::is_regular_file(fs::symlink_status(path, ec)) || fs::file_size(path, ec) > (8u << 20))
            return std::nullopt;
        return read_file(path);
    };
}

}  // namespace

nlohmann::json file_verdicts_json(const IntegrityResult& result) {
    nlohmann::json files = nlohmann::json::array();
    for (const auto& v : result.files) {
        if (v.file_class == FileClass::unchanged) continue;
        nlohmann::json item = {{"path", v.path}, {"class", class_name(v.file_class)}, {"voids", v.voids}};
        if (v.changed_ratio >= 0) item["changed_ratio"] = v.changed_ratio;
        if (!v.rule.empty()) item["rule"] = v.rule;
        if (!v.note.empty()) item["note"] = v.note;
        if (v.shop_managed) item["shop_managed"] = true;
        if (!v.diff.empty()) item["diff"] = v.diff;
        files.push_back(std::move(item));
    }
    return files;
}

Check integrity_check(const IntegrityResult& result, const std::string& module, const std::string& version,
                      bool strict) {
    Check check{"files.integrity"};
    nlohmann::json counts = nlohmann::json::object();
    for (FileClass c : {FileClass::unchanged, FileClass::whitespace_only, FileClass::allowed_change,
                        FileClass::major_rewrite, FileClass::modified, FileClass::missing, FileClass::added})
        counts[class_name(c)] = result.count(c);
    check.data = {{"counts", counts}, {"voiding", result.voiding}, {"files", result.files.size()}};

    std::vector<std::string> parts;
    for (FileClass c : {FileClass::modified, FileClass::major_rewrite, FileClass::missing, FileClass::added,
                        FileClass::allowed_change, FileClass::whitespace_only})
        if (result.count(c)) parts.push_back(std::to_string(result.count(c)) + " " + class_name(c));
    std::string changes = parts.empty() ? "" : " (" + join(parts, ", ") + ")";

    if (result.voided()) {
        check.status = Status::fail;
        check.message = std::to_string(result.voiding) + " of " + std::to_string(result.files.size()) + " files of " +
                        module + " " + version + " void support" + changes;
        check.hint = "restore the listed files from the release (or update the module), then verify again; "
                     "customise templates through the theme instead (themes/<theme>/modules/" + module + "/)";
    } else if (strict && result.differs()) {
        check.status = Status::fail;
        check.message = module + " " + version + " differs from its release" + changes + " (--strict)";
        check.hint = "without --strict these differences keep support";
    } else if (result.differs()) {
        check.status = Status::warn;
        check.message = module + " " + version + ": changes that keep support" + changes;
    } else {
        check.status = Status::pass;
        check.message = "all " + std::to_string(result.files.size()) + " files of " + module + " " + version +
                        " match the pristine release";
    }
    return check;
}

Report verify_local(const VerifyRequest& request, const PristineStore& store, const PolicyConfig& policy) {
    Target target = resolve_target(request);
    std::string name_hint = fs::absolute(target.module_dir).lexically_normal().filename().string();
    if (name_hint.empty())
        name_hint = fs::absolute(target.module_dir).lexically_normal().parent_path().filename().string();
    FileLookup lookup = folder_lookup(target.module_dir);
    ModuleIdentity id;
    std::string installed_note;
    if (request.version.empty()) {
        id = detect_module(lookup, name_hint, request.module, "", target.module_dir.string());
        installed_note = "installed " + id.name + " " + id.version + " (from " + id.version_source + ")";
    } else {
        id = detect_module(lookup, name_hint, request.module, request.version, target.module_dir.string());
        try {
            ModuleIdentity installed = detect_module(lookup, name_hint, request.module, "", target.module_dir.string());
            installed_note = "installed " + installed.name + " " + installed.version + " (from " +
                             installed.version_source + "); comparing with release " + id.version + " (--version)";
        } catch (const Error&) {
            installed_note = "installed " + id.name + " (version unknown); comparing with release " + id.version +
                             " (--version)";
        }
    }

    Report report;
    report.schema = "mpsupport.verify/1";
    report.title = id.name + " " + id.version + " in " + target.module_dir.string();
    report.checks.push_back(Check{"files.version", Status::pass, installed_note});

    auto not_stored = [&] {
        auto known = store.versions(id.name);
        return Error(ErrorKind::not_found, "no pristine release of " + id.name + " " + id.version + " is stored",
                     "add it with 'mpsupport pristine add " + id.name + "-" + id.version + ".zip'" +
                         (known.empty() ? std::string() : " (stored versions: " + join(known, ", ") + ")"));
    };
    if (!store.has(id.name, id.version)) throw not_stored();
    // Parse the manifest while the installed files are walked and hashed.
    auto pending_release = std::async(std::launch::async, [&] { return store.load(id.name, id.version); });
    auto installed = scan_local_module(target.module_dir, request.threads);
    auto release = pending_release.get();
    if (!release) throw not_stored();
    IntegrityResult result = compare_with_pristine(
        *release, installed, [&](const std::string& path) { return read_file(target.module_dir / path); },
        [&](const std::string& sha) { return store.read_object(sha); }, policy, request.want_diffs, request.threads);
    report.checks.push_back(integrity_check(result, id.name, id.version, request.strict));

    bool non_standard = false;
    if (!target.shop_root.empty()) {
        auto overrides = module_class_overrides(target.shop_root, id.name);
        Check check{"files.overrides"};
        check.data = {{"files", overrides}};
        if (overrides.empty()) {
            check.message = "no class overrides name " + id.name;
        } else {
            non_standard = true;
            check.status = Status::warn;
            check.message = std::to_string(overrides.size()) + " class override(s) in override/ name " + id.name +
                            ": environment non-standard (" + join(overrides, ", ") + ")";
            check.hint = "POLICY.md §5: overridden core classes may break compatibility; mention them in a ticket";
        }
        report.checks.push_back(std::move(check));

        auto themed = theme_template_overrides(target.shop_root, id.name);
        Check themes{"files.theme-overrides", Status::info};
        themes.data = {{"files", themed}};
        themes.message = themed.empty() ? "no theme overrides of " + id.name + " templates"
                                        : std::to_string(themed.size()) + " theme template override(s) of " + id.name +
                                              " (sanctioned customisation, not a violation): " + join(themed, ", ");
        report.checks.push_back(std::move(themes));
    }

    std::string support = result.voided() ? "voided" : "covered";
    std::string environment = non_standard ? "non-standard" : "standard";
    if (result.voided()) {
        report.verdict = "support voided: " + std::to_string(result.voiding) +
                         " file(s) changed against POLICY.md §5 (modified module files)";
    } else {
        report.verdict = "support covered: no change to " + id.name + " " + id.version + " voids support";
        if (request.strict && result.differs()) report.verdict += ", but the module differs from its release (--strict)";
    }
    if (non_standard) report.verdict += "; environment non-standard (class overrides)";

    report.body = {{"module", id.name},
                   {"version", id.version},
                   {"version_source", id.version_source},
                   {"path", target.module_dir.string()},
                   {"pristine", {{"files", release->files.size()}, {"digest", release->digest}, {"source", release->source}}},
                   {"support", support},
                   {"environment", environment},
                   {"strict", request.strict},
                   {"files", file_verdicts_json(result)}};
    if (!target.shop_root.empty()) report.body["shop_root"] = target.shop_root.string();
    return report;
}

}  // namespace mps
