#include "diagnose/files_checks.hpp"

#include <algorithm>
#include <future>
#include <mutex>

#include "files/local_files.hpp"
#include "integrity/module_info.hpp"
#include "remote/core_integrity_remote.hpp"
#include "remote/remote_logs.hpp"
#include "remote/remote_shop.hpp"
#include "remote/verify_all_remote.hpp"
#include "report/check_ids.hpp"
#include "ssh/remote_tree.hpp"
#include "ssh/sftp_files.hpp"
#include "util/log.hpp"
#include "util/progress.hpp"
#include "util/text.hpp"

namespace mps {
namespace {

struct ModuleOutcome {
    std::string module;
    std::optional<Report> report;
    std::optional<Error> error;
};

bool is_host_key_error(const Error& e) {
    std::string text = e.what();
    return e.kind() == ErrorKind::auth && to_lower(text).find("host key") != std::string::npos;
}

Check failed(const std::string& id, const Error& e) {
    Check check{id, Status::fail, e.what(), e.hint()};
    check.outcome = e.kind() == ErrorKind::internal ? ErrorKind::unreachable : e.kind();
    return check;
}

RemoteVerifyOptions verify_options(const FilesProbe& probe, const std::string& module) {
    RemoteVerifyOptions options;
    options.module = module;
    options.want_diffs = probe.want_diffs;
    options.exec_hash = probe.exec_hash;
    options.fetch_missing = probe.fetch_missing;
    return options;
}

// verify_module: one module on its own SSH connection (a lane of its own).
ModuleOutcome verify_module(const FilesProbe& probe, const SshOptions& ssh,
                            const std::string& module, const PristineStore& store,
                            const PolicyConfig& policy) {
    ModuleOutcome outcome{module, std::nullopt, std::nullopt};
    RemoteVerifyRequest request;
    static_cast<RemoteVerifyOptions&>(request) = verify_options(probe, module);
    request.url = probe.target.sftp;
    request.ssh = ssh;
    try {
        outcome.report = verify_remote(request, store, policy);
    } catch (const Error& e) {
        outcome.error = e;
    }
    return outcome;
}

// verify_module_on: one module over files already open.
ModuleOutcome verify_module_on(RemoteFiles& files, const FilesProbe& probe,
                               const std::string& module, const PristineStore& store,
                               const PolicyConfig& policy) {
    ModuleOutcome outcome{module, std::nullopt, std::nullopt};
    try {
        RemoteVerifyOptions options = verify_options(probe, module);
        options.progress = probe.progress;  // the modules run one after the other here
        outcome.report =
            verify_files(files, probe.target.path, probe.target.display(), options, store, policy);
    } catch (const Error& e) {
        outcome.error = e;
    }
    return outcome;
}

// verify_listed_module: --all-modules: one module over files already open, its release checked
// first (a module without one is skipped before its run starts, so the connection stays usable).
ModuleOutcome verify_listed_module(RemoteFiles& files, const FilesProbe& probe,
                                   const std::string& module, const PristineStore& store,
                                   const PolicyConfig& policy) {
    ModuleOutcome outcome{module, std::nullopt, std::nullopt};
    try {
        require_remote_release(files, remote_join(probe.target.path, "modules"), module,
                               probe.target.display() + "/modules/" + module, store,
                               probe.fetch_missing);
        RemoteVerifyOptions options = verify_options(probe, module);
        options.progress = probe.progress;  // the modules run one after the other here
        outcome.report =
            verify_files(files, probe.target.path, probe.target.display(), options, store, policy);
    } catch (const Error& e) {
        outcome.error = e;
    }
    return outcome;
}

// with_listed_modules: --all-modules: the probe with every folder under modules/ as its
// modules (none when modules/ cannot be listed: files.prestashop-root says why).
FilesProbe with_listed_modules(RemoteFiles& files, const FilesProbe& probe, FilesFindings& out) {
    FilesProbe listed = probe;
    if (!probe.all_modules) return listed;
    listed.modules.clear();
    try {
        if (auto entries = list_remote_folder(files, remote_join(probe.target.path, "modules")))
            for (const auto& entry : *entries)
                if (entry.attrs.is_dir() && is_valid_module_name(entry.path))
                    listed.modules.push_back(entry.path);
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::not_found) throw;
    }
    std::sort(listed.modules.begin(), listed.modules.end());
    out.listed_modules = listed.modules;
    return listed;
}

// shop_checks: on the first connection, the shop root, the modules present and the logs.
void shop_checks(RemoteFiles& files, const FilesProbe& probe, const PristineStore& store,
                 const CheckSelection& selection, FilesFindings& out) {
    const std::string& root = probe.target.path;
    std::vector<std::string> paths = {root, remote_join(root, "modules"),
                                      remote_join(root, "classes"), remote_join(root, "config")};
    for (const auto& module : probe.modules)
        paths.push_back(remote_join(root, "modules/" + module));
    auto kinds = stat_kinds(files, paths);
    bool shop_root = kinds[remote_join(root, "modules")] &&
                     (kinds[remote_join(root, "classes")] || kinds[remote_join(root, "config")]);
    if (!kinds.count(root) || !kinds[root] || !shop_root) {
        Check check{
            check_id::files_prestashop_root, Status::fail,
            probe.target.display() +
                (kinds.count(root) && kinds[root]
                     ? " is not a PrestaShop root (no modules/ with classes/ or config/)"
                     : " is not a folder on the server"),
            "give --files the shop's root folder (where index.php, modules/ and config/ are)"};
        check.outcome = ErrorKind::usage;
        out.checks.push_back(check);
        return;
    }
    if (selection.selected(check_id::files_prestashop_root) || selection.any_in("core")) {
        Check check = prestashop_root_check(files, root);
        if (check.data.contains("version"))
            out.prestashop_version = check.data["version"].get<std::string>();
        if (selection.selected(check_id::files_prestashop_root)) out.checks.push_back(check);
    }
    if (selection.selected(check_id::files_core_integrity)) {
        CoreListStore lists(store.core_lists_dir());
        out.checks.push_back(core_integrity_remote(
            files, root, out.prestashop_version, lists, probe.target.display(),
            probe.exec_hash == ExecHash::never ? nullptr : files.exec_connection()));
    }
    if (selection.selected(check_id::files_module_present)) {
        std::vector<std::string> installed;
        bool listed = false;
        for (const auto& module : probe.modules) {
            std::string folder = remote_join(root, "modules/" + module);
            if (kinds[folder]) {
                Check check{check_id::files_module_present, Status::pass,
                            module + " is installed (modules/" + module + ")"};
                check.data = {{"module", module}};
                out.checks.push_back(check);
                continue;
            }
            if (!listed) {
                if (auto entries = list_remote_folder(files, remote_join(root, "modules")))
                    for (const auto& entry : *entries)
                        if (entry.attrs.is_dir()) installed.push_back(entry.path);
                std::sort(installed.begin(), installed.end());
                listed = true;
            }
            Check check{check_id::files_module_present, Status::fail,
                        module + " is not installed in " + probe.target.display(),
                        installed.empty()
                            ? "check the module name (its folder under modules/)"
                            : "check the module name; installed: " + join(installed, ", ")};
            check.outcome = ErrorKind::not_found;
            check.data = {{"module", module}};
            out.checks.push_back(check);
        }
    }
    if (selection.any_in("logs")) {
        out.logs =
            collect_remote_logs(files, root, probe.now, probe.log_days, probe.log_tail_bytes);
        if (selection.selected(check_id::logs_collect))
            out.checks.push_back(
                logs_collect_check(out.logs, probe.log_days, probe.log_tail_bytes));
        if (selection.selected(check_id::logs_errors))
            for (const auto& module : probe.modules) {
                Check check = logs_errors_check(out.logs, module);
                check.data["module"] = module;
                out.checks.push_back(check);
            }
    }
}

void module_checks(const ModuleOutcome& outcome, const CheckSelection& selection,
                   FilesFindings& out, bool all_modules = false) {
    if (outcome.error) {
        const Error& e = *outcome.error;
        if (all_modules && (e.kind() == ErrorKind::not_found || e.kind() == ErrorKind::usage)) {
            Check skip{check_id::files_integrity, Status::skip,
                       outcome.module + ": skipped: " + e.what(), e.hint()};
            skip.data = {{"module", outcome.module}, {"reason", e.what()}};
            if (selection.selected(check_id::files_integrity)) out.checks.push_back(skip);
            return;
        }
        // A missing module folder is already files.module-present.
        if (e.kind() == ErrorKind::not_found &&
            std::string(e.what()).find("is not installed") != std::string::npos)
            return;
        Check check = failed(check_id::files_integrity, e);
        check.data = {{"module", outcome.module}};
        if (selection.selected(check_id::files_integrity)) out.checks.push_back(check);
        return;
    }
    const Report& report = *outcome.report;
    for (const auto& check : report.checks) {
        if (check.status == Status::pass && check.id == check_id::files_connect)
            continue;  // said once for the shop
        if (check.id == check_id::files_prestashop_root) continue;
        if (!selection.selected(check.id) && check.id != check_id::files_connect) continue;
        Check copy = check;
        if (copy.data.is_object()) copy.data["module"] = outcome.module;
        out.checks.push_back(copy);
    }
    nlohmann::json module = {{"module", outcome.module}};
    for (const char* key : {"version", "support", "environment", "files"})
        if (report.body.contains(key)) module[key] = report.body[key];
    if (report.body.contains("files"))
        for (auto& file : module["files"]) {
            if (file.contains("diff")) {
                out.diffs.push_back({outcome.module, file["path"].get<std::string>(),
                                     file["diff"].get<std::string>()});
                file.erase("diff");  // diffs go to the bundle, not into the report
            }
        }
    out.modules.push_back(module);
}

// module_work: whether a selected check needs each module verified.
bool module_work(const CheckSelection& selection) {
    return selection.selected(check_id::files_version) ||
           selection.selected(check_id::files_integrity) ||
           selection.selected(check_id::files_overrides) ||
           selection.selected(check_id::files_theme_overrides) ||
           selection.selected(check_id::files_listing);
}

// check_files_open: every check over one RemoteFiles, the modules one after the other (a
// transport whose connections are shared, or this machine's file system).
FilesFindings check_files_open(std::unique_ptr<RemoteFiles> (*open)(const FilesProbe&),
                               const FilesProbe& probe, const PristineStore& store,
                               const PolicyConfig& policy, const CheckSelection& selection) {
    FilesFindings out;
    std::unique_ptr<RemoteFiles> files;
    try {
        files = open(probe);
    } catch (const Error& e) {
        out.checks.push_back(failed(check_id::files_connect, e));
        return out;
    }
    out.checks.push_back(Check{check_id::files_connect, Status::pass, files->connect_message()});
    FilesProbe listed = probe;
    try {
        listed = with_listed_modules(*files, probe, out);
        shop_checks(*files, listed, store, selection, out);
    } catch (const Error& e) {
        out.checks.push_back(failed(
            selection.any_in("logs") ? check_id::logs_collect : check_id::files_prestashop_root,
            e));
        return out;
    }
    if (module_work(selection)) {
        ProgressTask task(probe.progress, "diagnose " + probe.target.display(), "modules",
                          listed.modules.size());
        for (const auto& module : listed.modules) {
            module_checks(probe.all_modules
                              ? verify_listed_module(*files, listed, module, store, policy)
                              : verify_module_on(*files, listed, module, store, policy),
                          selection, out, probe.all_modules);
            task.advance(1);
        }
    }
    return out;
}

std::unique_ptr<RemoteFiles> open_local(const FilesProbe&) {
    return std::make_unique<LocalFiles>();
}

// ftp_options: the probe's FTP options for its target.
FtpOptions ftp_options(const FilesProbe& probe) {
    FtpOptions options = probe.ftp;
    options.host = probe.target.ftp.host;
    options.port = probe.target.ftp.port;
    options.user = probe.target.ftp.user;
    options.implicit_tls = probe.target.ftp.implicit_tls;
    return options;
}

std::unique_ptr<RemoteFiles> open_ftp(const FilesProbe& probe) {
    return FtpFiles::connect(ftp_options(probe));
}

// check_files_ssh: the shop's checks on one SSH connection, each module on its own.
FilesFindings check_files_ssh(const FilesProbe& probe, const PristineStore& store,
                              const PolicyConfig& policy, const CheckSelection& selection,
                              const Deadline& deadline) {
    FilesFindings out;
    SshOptions options = probe.ssh;
    options.user = probe.target.sftp.user;
    options.host = probe.target.sftp.host;
    options.port = probe.target.sftp.port;
    options.timeout_seconds =
        static_cast<int>(std::min<long>(options.timeout_seconds, deadline.remaining_seconds()));
    if (options.ask_password) {
        // Asked once: the per-module connections reuse the answer instead of prompting again.
        auto ask = options.ask_password;
        auto answer = std::make_shared<std::optional<std::string>>();
        auto asked = std::make_shared<bool>(false);
        auto lock = std::make_shared<std::mutex>();
        options.ask_password = [ask, answer, asked, lock](const std::string& prompt) {
            std::lock_guard<std::mutex> guard(*lock);
            if (!*asked) *answer = ask(prompt), *asked = true;
            return *answer;
        };
    }
    bool module_work = mps::module_work(selection);
    std::vector<std::future<ModuleOutcome>> modules;
    auto start_modules = [&](const SshOptions& module_options) {
        // --all-modules: the modules are known once listed, then verified on the one connection.
        if (!module_work || probe.all_modules) return;
        for (const auto& module : probe.modules)
            modules.push_back(std::async(std::launch::async, verify_module, std::cref(probe),
                                         module_options, module, std::cref(store),
                                         std::cref(policy)));
    };
    // The per-module connections need nothing from the first one unless it may record a new
    // host key (then they wait, so the key is written once): start them together, so the
    // handshakes overlap. If the first one fails, their results are not used.
    bool records_host_key = options.accept_new_host_key;
    if (!records_host_key) start_modules(options);
    std::unique_ptr<SshConnection> session;
    try {
        session = connect_ssh(options);
    } catch (const Error& e) {
        if (is_host_key_error(e)) {
            out.checks.push_back(failed(check_id::files_hostkey, e));
            out.checks.push_back(Check{check_id::files_connect, Status::skip,
                                       "not attempted: the server's host key is not trusted"});
        } else {
            if (e.kind() == ErrorKind::auth)
                out.checks.push_back(Check{check_id::files_hostkey, Status::pass,
                                           "host key of " + probe.target.sftp.host + " matches " +
                                               options.known_hosts.string()});
            out.checks.push_back(failed(check_id::files_connect, e));
        }
        return out;
    }
    out.checks.push_back(Check{check_id::files_hostkey, Status::pass,
                               "host key of " + session->label() + " matches " +
                                   options.known_hosts.string() + " (" +
                                   session->host_key_fingerprint() + ")"});
    out.checks.push_back(
        Check{check_id::files_connect, Status::pass,
              "connected to " + session->label() + " (" + session->auth_method() + ")"});
    if (records_host_key) {
        options.accept_new_host_key = false;
        start_modules(options);
    }
    try {
        SftpFiles files(std::move(session));
        FilesProbe listed = with_listed_modules(files, probe, out);
        shop_checks(files, listed, store, selection, out);
        if (probe.all_modules && module_work) {
            ProgressTask task(probe.progress, "diagnose " + probe.target.display(), "modules",
                              listed.modules.size());
            for (const auto& module : listed.modules) {
                module_checks(verify_listed_module(files, listed, module, store, policy), selection,
                              out, true);
                task.advance(1);
            }
        }
    } catch (const Error& e) {
        out.checks.push_back(failed(
            selection.any_in("logs") ? check_id::logs_collect : check_id::files_prestashop_root,
            e));
    }
    for (auto& future : modules) module_checks(future.get(), selection, out);
    return out;
}

}  // namespace

FilesFindings check_files(const FilesProbe& probe, const PristineStore& store,
                          const PolicyConfig& policy, const CheckSelection& selection,
                          const Deadline& deadline) {
    switch (probe.target.transport) {
        case FilesTransport::sftp:
            return check_files_ssh(probe, store, policy, selection, deadline);
        case FilesTransport::ftp: {
            FilesProbe bounded = probe;
            bounded.ftp.timeout_seconds = static_cast<int>(
                std::min<long>(probe.ftp.timeout_seconds, deadline.remaining_seconds()));
            return check_files_open(open_ftp, bounded, store, policy, selection);
        }
        case FilesTransport::local:
            break;
    }
    return check_files_open(open_local, probe, store, policy, selection);
}

}  // namespace mps
