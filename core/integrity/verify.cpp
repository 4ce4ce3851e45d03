#include "integrity/verify.hpp"

#include <future>

#include "integrity/core_integrity.hpp"
#include "integrity/local_tree.hpp"
#include "integrity/module_info.hpp"
#include "report/check_ids.hpp"
#include "shop/shop_tree.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/sha256.hpp"
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
        if (request.module.empty() && request.core) return {{}, dir};
        if (request.module.empty()) {
            auto modules = installed_modules(dir);
            throw Error(ErrorKind::usage,
                        dir.string() + " is a shop root: name the module with --module NAME",
                        modules.empty() ? std::string("no modules found under modules/")
                                        : "installed modules: " + join(modules, ", "));
        }
        if (!is_valid_module_name(request.module))
            throw Error(ErrorKind::usage, "'" + request.module + "' is not a module name",
                        "use the module folder name");
        fs::path module_dir = dir / "modules" / request.module;
        if (!fs::is_directory(module_dir, ec))
            throw Error(ErrorKind::not_found,
                        "module " + request.module + " is not installed in " + dir.string(),
                        "installed modules: " + join(installed_modules(dir), ", "));
        return {module_dir, dir};
    }
    if (request.core)
        throw Error(ErrorKind::usage, "--core needs a shop root: " + dir.string() + " is not one",
                    "give the folder that holds modules/, classes/ and config/");
    return {dir, {}};
}

Check local_version_check(const fs::path& root) {
    Check check{check_id::files_prestashop_root, Status::info};
    if (auto found = detect_prestashop_local(root)) {
        check.message = "PrestaShop " + found->version + " at " + root.string() + " (from " +
                        found->source + ")";
        check.data = {{"version", found->version}, {"source", found->source}};
    } else {
        check.status = Status::warn;
        check.message =
            "shop root " + root.string() + " found, but no PrestaShop version file could be read";
        check.hint = "check src/Core/Version.php, app/AppKernel.php or config/settings.inc.php";
    }
    return check;
}

FileLookup folder_lookup(const fs::path& dir) {
    return [dir](const std::string& relative) -> std::optional<std::string> {
        std::error_code ec;
        fs::path path = dir / relative;
        if (!fs::is_regular_file(fs::symlink_status(path, ec)) ||
            fs::file_size(path, ec) > (8u << 20))
            return std::nullopt;
        try {
            return read_file(path);
        } catch (const Error&) {
            return std::nullopt;  // unreadable: as if absent; the comparison reports it
        }
    };
}

// add_unreadable_folders: release files inside folders that could not be listed are unknown,
// not missing (as over SFTP).
void add_unreadable_folders(const Manifest& release, const std::vector<std::string>& unreadable,
                            std::vector<InstalledFile>& installed) {
    for (const auto& note : unreadable) {
        std::string folder = note.substr(0, note.find(": "));
        std::string why =
            note.size() > folder.size() + 2 ? note.substr(folder.size() + 2) : "unreadable";
        for (const auto& file : release.files)
            if (file.path.compare(0, folder.size() + 1, folder + "/") == 0)
                installed.push_back(
                    InstalledFile{file.path, "", false, "folder " + folder + ": " + why});
    }
}

// read_pristine_head: a stored object, or its first kCompareLimit + 1 bytes when larger (the
// digest of a whole object read is still checked).
std::string read_pristine_head(const PristineStore& store, const std::string& sha) {
    std::string head = read_file_head(store.object_path(sha), kCompareLimit + 1);
    if (head.size() <= kCompareLimit && sha256_hex(head) != sha)
        return store.read_object(sha);  // names the damage
    return head;
}

}  // namespace

nlohmann::json file_verdicts_json(const IntegrityResult& result) {
    // Names and contents are bytes (a Latin-1 "caf\xe9.tpl", a template's diff): the JSON holds
    // them as valid UTF-8, bad bytes shown as U+FFFD, so that every serialisation works; the
    // comparison itself used the bytes.
    nlohmann::json files = nlohmann::json::array();
    for (const auto& v : result.files) {
        if (v.file_class == FileClass::unchanged) continue;
        nlohmann::json item = {{"path", valid_utf8(v.path)},
                               {"class", v.judged ? class_name(v.file_class) : "unreadable"},
                               {"voids", v.voids}};
        if (v.changed_ratio >= 0) item["changed_ratio"] = v.changed_ratio;
        if (!v.rule.empty()) item["rule"] = v.rule;
        if (!v.note.empty()) item["note"] = valid_utf8(v.note);
        if (v.shop_managed) item["shop_managed"] = true;
        if (!v.diff.empty()) item["diff"] = valid_utf8(v.diff);
        files.push_back(std::move(item));
    }
    return files;
}

Check integrity_check(const IntegrityResult& result, const std::string& module,
                      const std::string& version, bool strict) {
    Check check{check_id::files_integrity};
    nlohmann::json counts = nlohmann::json::object();
    for (FileClass c :
         {FileClass::unchanged, FileClass::whitespace_only, FileClass::allowed_change,
          FileClass::major_rewrite, FileClass::modified, FileClass::missing, FileClass::added})
        counts[class_name(c)] = result.count(c);
    check.data = {{"counts", counts}, {"voiding", result.voiding}, {"files", result.files.size()}};

    std::vector<std::string> parts;
    for (FileClass c : {FileClass::modified, FileClass::major_rewrite, FileClass::missing,
                        FileClass::added, FileClass::allowed_change, FileClass::whitespace_only})
        if (result.count(c)) parts.push_back(std::to_string(result.count(c)) + " " + class_name(c));
    if (result.unreadable)
        parts.push_back(std::to_string(result.unreadable) + " unreadable, not judged");
    std::string changes = parts.empty() ? "" : " (" + join(parts, ", ") + ")";

    if (result.voided()) {
        check.status = Status::fail;
        check.message = std::to_string(result.voiding) + " of " +
                        std::to_string(result.files.size()) + " files of " + module + " " +
                        version + " void support" + changes;
        check.hint =
            "restore the listed files from the release (or update the module), then verify again; "
            "customise templates through the theme instead (themes/<theme>/modules/" +
            module + "/)";
    } else if (strict && result.differs()) {
        check.status = Status::fail;
        check.message =
            module + " " + version + " differs from its release" + changes + " (--strict)";
        check.hint = "without --strict these differences keep support";
    } else if (result.differs() || result.unreadable) {
        check.status = Status::warn;
        check.message = module + " " + version + ": changes that keep support" + changes;
    } else {
        check.status = Status::pass;
        check.message = "all " + std::to_string(result.files.size()) + " files of " + module + " " +
                        version + " match the pristine release";
    }
    return check;
}

VerifiedModule identify_for_verify(const FileLookup& lookup, const std::string& name_hint,
                                   const std::string& module, const std::string& version,
                                   const std::string& where) {
    VerifiedModule out;
    if (version.empty()) {
        out.id = detect_module(lookup, name_hint, module, "", where);
        out.note = "installed " + out.id.name + " " + out.id.version + " (from " +
                   out.id.version_source + ")";
        return out;
    }
    out.id = detect_module(lookup, name_hint, module, version, where);
    try {
        ModuleIdentity installed = detect_module(lookup, name_hint, module, "", where);
        out.note = "installed " + installed.name + " " + installed.version + " (from " +
                   installed.version_source + "); comparing with release " + out.id.version +
                   " (--version)";
    } catch (const Error&) {
        out.note = "installed " + out.id.name + " (version unknown); comparing with release " +
                   out.id.version + " (--version)";
    }
    return out;
}

Error release_not_stored(const PristineStore& store, const ModuleIdentity& id) {
    auto known = store.versions(id.name);
    return Error(
        ErrorKind::not_found, "no pristine release of " + id.name + " " + id.version + " is stored",
        "add it with 'mpsupport pristine add " + id.name + "-" + id.version + ".zip'" +
            (known.empty() ? std::string() : " (stored versions: " + join(known, ", ") + ")"));
}

Manifest require_release(const PristineStore& store, const ModuleIdentity& id,
                         const ReleaseFetcher& fetch) {
    if (!store.has(id.name, id.version) && fetch) fetch(id.name, id.version);
    if (!store.has(id.name, id.version)) throw release_not_stored(store, id);
    auto release = store.load(id.name, id.version);
    if (!release) throw release_not_stored(store, id);
    return std::move(*release);
}

Report core_only_report(const std::string& shop_root, Check version_check, Check core_check,
                        std::vector<Check> connection_checks, nlohmann::json extra) {
    Report report;
    report.schema = "mpsupport.verify/1";
    std::string version = version_check.data.value("version", "");
    report.title = "PrestaShop " + (version.empty() ? std::string("core") : version + " core") +
                   " in " + shop_root;
    report.checks = std::move(connection_checks);
    report.checks.push_back(version_check);
    bool non_standard = core_marks_non_standard(core_check);
    if (non_standard)
        report.verdict = "environment non-standard: " +
                         std::to_string(core_check.data.value("updated", 0) +
                                        core_check.data.value("missing", 0)) +
                         " PrestaShop core file(s) changed (POLICY.md §5; a warning, module "
                         "support is not voided)";
    else if (core_check.status == Status::skip)
        report.verdict = "core not checked: " + core_check.message;
    else if (core_check.status == Status::warn)
        report.verdict = "no changed core file found, but the check is incomplete";
    else
        report.verdict = "PrestaShop core files match the checksum list";
    report.body = {{"shop_root", shop_root},
                   {"prestashop_version", version},
                   {"environment", non_standard                        ? "non-standard"
                                   : core_check.status == Status::skip ? "unknown"
                                                                       : "standard"},
                   {"core", core_check.data}};
    for (auto& [key, value] : extra.items()) report.body[key] = value;
    report.details = core_detail_lines(core_check);
    report.checks.push_back(std::move(core_check));
    return report;
}

Report assemble_verify_report(const VerifyFacts& facts) {
    const ModuleIdentity& id = facts.module.id;
    Report report;
    report.schema = "mpsupport.verify/1";
    report.title = id.name + " " + id.version + " in " + facts.location;
    for (const auto& check : facts.connection_checks) report.checks.push_back(check);
    report.checks.push_back(Check{check_id::files_version, Status::pass, facts.module.note});
    for (const auto& check : facts.leading_checks) report.checks.push_back(check);
    report.checks.push_back(integrity_check(facts.result, id.name, id.version, facts.strict));

    bool non_standard = false;
    if (facts.class_overrides) {
        const auto& overrides = *facts.class_overrides;
        Check check{check_id::files_overrides};
        check.data = {{"files", overrides}};
        if (overrides.empty()) {
            check.message = "no class overrides name " + id.name;
        } else {
            non_standard = true;
            check.status = Status::warn;
            check.message = std::to_string(overrides.size()) +
                            " class override(s) in override/ name " + id.name +
                            ": environment non-standard (" + join(overrides, ", ") + ")";
            check.hint =
                "POLICY.md §5: overridden core classes may break compatibility; mention them in a "
                "ticket";
        }
        report.checks.push_back(std::move(check));
    }
    if (facts.theme_overrides) {
        const auto& themed = *facts.theme_overrides;
        Check themes{check_id::files_theme_overrides, Status::info};
        themes.data = {{"files", themed}};
        themes.message =
            themed.empty()
                ? "no theme overrides of " + id.name + " templates"
                : std::to_string(themed.size()) + " theme template override(s) of " + id.name +
                      " (sanctioned customisation, not a violation): " + join(themed, ", ");
        report.checks.push_back(std::move(themes));
    }

    bool core_changed = false;
    if (facts.core_check) {
        core_changed = core_marks_non_standard(*facts.core_check);
        report.checks.push_back(*facts.core_check);
        report.details = core_detail_lines(*facts.core_check);
    }

    const IntegrityResult& result = facts.result;
    if (result.voided()) {
        report.verdict = "support voided: " + std::to_string(result.voiding) +
                         " file(s) changed against POLICY.md §5 (modified module files)";
    } else {
        report.verdict =
            "support covered: no change to " + id.name + " " + id.version + " voids support";
        if (facts.strict && result.differs())
            report.verdict += ", but the module differs from its release (--strict)";
    }
    if (non_standard && core_changed)
        report.verdict += "; environment non-standard (class overrides, core files changed)";
    else if (non_standard)
        report.verdict += "; environment non-standard (class overrides)";
    else if (core_changed)
        report.verdict += "; environment non-standard (core files changed)";
    non_standard = non_standard || core_changed;

    report.body = {{"module", id.name},
                   {"version", id.version},
                   {"version_source", id.version_source},
                   {"path", facts.location},
                   {"pristine",
                    {{"files", facts.release.files.size()},
                     {"digest", facts.release.digest},
                     {"source", facts.release.source}}},
                   {"support", result.voided() ? "voided" : "covered"},
                   {"environment", non_standard ? "non-standard" : "standard"},
                   {"strict", facts.strict},
                   {"files", file_verdicts_json(result)}};
    if (!facts.shop_root.empty()) report.body["shop_root"] = facts.shop_root;
    if (facts.core_check) report.body["core"] = facts.core_check->data;
    for (auto& [key, value] : facts.extra.items()) report.body[key] = value;
    return report;
}

Report verify_local(const VerifyRequest& request, const PristineStore& store,
                    const PolicyConfig& policy) {
    Target target = resolve_target(request);
    CoreListStore core_lists(store.core_lists_dir());
    if (target.module_dir.empty()) {
        Check version = local_version_check(target.shop_root);
        Check core = core_integrity_local(target.shop_root, version.data.value("version", ""),
                                          core_lists, request.threads);
        return core_only_report(target.shop_root.string(), std::move(version), std::move(core));
    }
    std::string name_hint = fs::absolute(target.module_dir).lexically_normal().filename().string();
    if (name_hint.empty())
        name_hint =
            fs::absolute(target.module_dir).lexically_normal().parent_path().filename().string();
    VerifiedModule module =
        identify_for_verify(folder_lookup(target.module_dir), name_hint, request.module,
                            request.version, target.module_dir.string());
    const ModuleIdentity& id = module.id;
    if (!store.has(id.name, id.version) && request.fetch_missing)
        request.fetch_missing(id.name, id.version);
    if (!store.has(id.name, id.version)) throw release_not_stored(store, id);
    auto release = store.load(id.name, id.version);
    if (!release) throw release_not_stored(store, id);
    // Only files of the release's size are hashed: any other size differs anyway.
    LocalScan scan = scan_local_module(target.module_dir, request.threads,
                                       [&](const std::string& path, std::uint64_t size) {
                                           const ManifestFile* file = release->find(path);
                                           return file && file->size == size;
                                       });
    add_unreadable_folders(*release, scan.unreadable, scan.files);
    IntegrityResult result = compare_with_pristine(
        *release, scan.files,
        [&](const std::string& path) {
            return read_file_head(target.module_dir / path, kCompareLimit + 1);
        },
        [&](const std::string& sha) { return read_pristine_head(store, sha); }, policy,
        request.want_diffs, request.threads);

    VerifyFacts facts{module, target.module_dir.string(), *release, result, request.strict};
    if (!scan.unreadable.empty()) {
        Check odd{check_id::files_listing, Status::warn};
        odd.message = "listing of " + target.module_dir.string() +
                      " incomplete: " + std::to_string(scan.unreadable.size()) +
                      " folder(s) unreadable";
        nlohmann::json folders = nlohmann::json::array();
        for (const auto& folder : scan.unreadable) folders.push_back(valid_utf8(folder));
        odd.data = {
            {"refused", nlohmann::json::array()}, {"unreadable", folders}, {"truncated", false}};
        odd.hint = "fix the permissions (the files inside are not judged), then verify again";
        facts.leading_checks.push_back(odd);
    }
    if (!target.shop_root.empty()) {
        facts.class_overrides = module_class_overrides(target.shop_root, id.name);
        facts.theme_overrides = theme_template_overrides(target.shop_root, id.name);
        facts.shop_root = target.shop_root.string();
        if (request.core) {
            Check version = local_version_check(target.shop_root);
            facts.core_check = core_integrity_local(
                target.shop_root, version.data.value("version", ""), core_lists, request.threads);
            facts.leading_checks.push_back(std::move(version));
        }
    }
    return assemble_verify_report(facts);
}

}  // namespace mps
