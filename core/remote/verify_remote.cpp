#include "remote/verify_remote.hpp"

#include <map>

#include "integrity/core_integrity.hpp"
#include "integrity/module_info.hpp"
#include "integrity/verify.hpp"
#include "remote/core_integrity_remote.hpp"
#include "remote/remote_hashes.hpp"
#include "remote/remote_shop.hpp"
#include "shop/prestashop_version.hpp"
#include "shop/shop_tree.hpp"
#include "ssh/remote_tree.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "util/safe_path.hpp"
#include "util/sha256.hpp"
#include "util/text.hpp"

namespace mps {
namespace {

constexpr std::size_t kMaxModuleEntries = 200000;

std::string basename_of(const std::string& path) {
    std::string trimmed = path;
    while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
    auto slash = trimmed.rfind('/');
    return slash == std::string::npos ? trimmed : trimmed.substr(slash + 1);
}

std::vector<std::string> remote_class_overrides(SftpClient& client, const std::string& shop_root,
                                                const std::string& module) {
    RemoteListing listing;
    try {
        listing = list_remote_tree(client, remote_join(shop_root, "override"), 20000, 16);
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::not_found) return {};
        throw;
    }
    std::vector<RemoteEntry> php;
    for (const auto& entry : listing.files) {
        bool is_php = entry.path.size() > 4 && entry.path.substr(entry.path.size() - 4) == ".php";
        if (is_php && entry.attrs.is_regular() && basename_of(entry.path) != "index.php")
            php.push_back(entry);
    }
    std::vector<std::string> out;
    FileSink sink{[&](const RemoteEntry& e, FetchedFile& file) {
                      if (names_module_in_override(file.content, module))
                          out.push_back("override/" + e.path);
                  },
                  [](const RemoteEntry&, const std::string&) {}};
    fetch_remote_files(client, remote_join(shop_root, "override"), php, sink);
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> remote_theme_overrides(SftpClient& client, const std::string& shop_root,
                                                const std::string& module) {
    auto themes = list_remote_folder(client, remote_join(shop_root, "themes"));
    if (!themes) return {};
    // One lister per theme, all in flight together.
    std::vector<std::pair<std::string, std::unique_ptr<TreeLister>>> listers;
    for (const auto& theme : *themes) {
        if (!theme.attrs.is_dir()) continue;
        std::string prefix = "themes/" + theme.path + "/modules/" + module;
        listers.emplace_back(prefix, std::make_unique<TreeLister>(
                                         client, remote_join(shop_root, prefix), 20000, 16));
        listers.back().second->start();
    }
    client.run();
    std::vector<std::string> out;
    for (auto& [prefix, lister] : listers) {
        try {
            for (const auto& entry : lister->take().files) out.push_back(prefix + "/" + entry.path);
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::not_found) throw;
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

// partial_report: exit 4, with what was done before the connection broke.
Report partial_report(const VerifiedModule& module, const std::string& location,
                      const SshConnection& session, const Error& error, std::size_t done,
                      std::size_t release_files, const std::string& method) {
    Report report;
    report.schema = "mpsupport.verify/1";
    report.title = module.id.name + " " + module.id.version + " in " + location;
    Check connect{"files.connect", Status::fail, error.what(), error.hint()};
    connect.outcome = ErrorKind::unreachable;
    report.checks.push_back(connect);
    report.checks.push_back(Check{"files.version", Status::pass, module.note});
    Check integrity{"files.integrity", Status::skip,
                    "partial: " + std::to_string(done) + " files of " + module.id.name +
                        " were checked before the " + "connection broke (the release has " +
                        std::to_string(release_files) + ")",
                    "run verify again; with a flaky link, --exec-hash only moves the least data"};
    report.checks.push_back(integrity);
    report.verdict = "could not tell: the connection to " + session.label() +
                     " broke before every file was checked";
    report.body = {
        {"module", module.id.name},
        {"version", module.id.version},
        {"path", location},
        {"support", "unknown"},
        {"partial", true},
        {"files_checked", done},
        {"transport", {{"kind", "sftp"}, {"host", session.label()}, {"hashing", method}}}};
    return report;
}

}  // namespace

Report verify_remote(const RemoteVerifyRequest& request, const PristineStore& store,
                     const PolicyConfig& policy) {
    SshOptions options = request.ssh;
    options.user = request.url.user;
    options.host = request.url.host;
    options.port = request.url.port;
    auto session = connect_ssh(options);
    SftpClient client(*session);

    std::string root = request.url.path;
    auto kinds = stat_kinds(client, {root, remote_join(root, "modules"),
                                     remote_join(root, "classes"), remote_join(root, "config")});
    if (!kinds.count(root) || !kinds[root])
        throw Error(ErrorKind::not_found, request.url.display() + " is not a folder on the server",
                    "give the path of the shop root or of the module folder");
    bool shop_root = kinds[remote_join(root, "modules")] &&
                     (kinds[remote_join(root, "classes")] || kinds[remote_join(root, "config")]);
    if (request.core && !shop_root)
        throw Error(ErrorKind::usage,
                    "--core needs a shop root: " + request.url.display() + " is not one",
                    "give the folder that holds modules/, classes/ and config/");
    CoreListStore core_lists(store.core_lists_dir());
    // --exec-hash never: nothing runs on the server, not even for the core check.
    SshConnection* exec_session = request.exec_hash == ExecHash::never ? nullptr : session.get();
    auto connect_check = [&] {
        return Check{"files.connect", Status::pass,
                     "connected to " + session->label() + " (" + session->auth_method() +
                         "), host key " + session->host_key_fingerprint()};
    };
    if (request.core && request.module.empty()) {
        Check version = prestashop_root_check(client, root);
        Check core = core_integrity_remote(client, root, version.data.value("version", ""),
                                           core_lists, request.url.display(), exec_session);
        nlohmann::json extra = {
            {"transport",
             {{"kind", "sftp"}, {"host", session->label()}, {"bytes", client.bytes_received()}}}};
        return core_only_report(request.url.display(), std::move(version), std::move(core),
                                {connect_check()}, extra);
    }
    std::string module_dir = root;
    if (shop_root) {
        if (request.module.empty()) {
            std::vector<std::string> modules;
            if (auto entries = list_remote_folder(client, remote_join(root, "modules")))
                for (const auto& entry : *entries)
                    if (entry.attrs.is_dir()) modules.push_back(entry.path);
            std::sort(modules.begin(), modules.end());
            throw Error(
                ErrorKind::usage,
                request.url.display() + " is a shop root: name the module with --module NAME",
                modules.empty() ? std::string("no modules found under modules/")
                                : "installed modules: " + join(modules, ", "));
        }
        if (!is_valid_module_name(request.module))
            throw Error(ErrorKind::usage, "'" + request.module + "' is not a module name",
                        "use the module folder name");
        module_dir = remote_join(root, "modules/" + request.module);
        if (!stat_kinds(client, {module_dir})[module_dir])
            throw Error(
                ErrorKind::not_found,
                "module " + request.module + " is not installed in " + request.url.display(),
                "check the module name (its folder under modules/)");
    }

    std::string name_hint = request.module.empty() ? basename_of(module_dir) : request.module;
    bool try_exec = request.exec_hash != ExecHash::never;
    // Without exec, list the tree while the identity files are read: one run, no extra round trips.
    std::optional<TreeLister> lister;
    if (!try_exec) {
        lister.emplace(client, module_dir, kMaxModuleEntries);
        lister->start();
    }
    // The identity files are read only when they are regular files: a config.xml that is a
    // link is never followed (LSTAT first, in the same run as the listing).
    std::map<std::string, std::string> identity_files;
    std::vector<RemoteEntry> identity_entries;
    for (const std::string& name : {name_hint + ".php", std::string("config.xml")})
        client.send(
            sftp::LSTAT, [&](sftp::Writer& w) { w.str(remote_join(module_dir, name)); },
            [&identity_entries, name](SftpClient::Reply& reply) {
                if (reply.type != sftp::ATTRS) return;
                sftp::Attributes attrs = reply.body.attrs();
                if (!reply.body.failed() && attrs.is_regular())
                    identity_entries.push_back({name, attrs});
            });
    client.run();
    FileFetcher identity(client, module_dir, identity_entries,
                         FileSink{[&](const RemoteEntry& e, FetchedFile& file) {
                                      if (file.complete)
                                          identity_files[e.path] = std::move(file.content);
                                  },
                                  [](const RemoteEntry&, const std::string&) {}});
    identity.start();
    client.run();

    FileLookup lookup = [&](const std::string& path) -> std::optional<std::string> {
        if (auto it = identity_files.find(path); it != identity_files.end()) return it->second;
        return std::nullopt;
    };
    std::string location = request.url.display() + (shop_root ? "/modules/" + request.module : "");
    VerifiedModule module =
        identify_for_verify(lookup, name_hint, request.module, request.version, location);
    const ModuleIdentity& id = module.id;
    auto release = std::optional<Manifest>(require_release(store, id, request.fetch_missing));

    std::vector<InstalledFile> installed;
    std::map<std::string, std::string> kept;
    RemoteListing listing;
    std::string method = "sftp";
    std::size_t fetched = 0;
    std::optional<std::vector<InstalledFile>> hashed;
    bool exec_refused = false;
    try {
        if (try_exec) {
            std::string how;
            hashed = hash_remotely(*session, module_dir, listing.refused, how);
            if (hashed)
                method = "exec " + how;
            else
                exec_refused = request.exec_hash == ExecHash::only;
        }
        if (!exec_refused) {
            if (hashed) {
                // Only files whose digest differs from the release travel: their content decides
                // the class.
                installed = std::move(*hashed);
                std::vector<RemoteEntry> to_fetch;
                for (const auto& file : installed) {
                    const ManifestFile* expected = release->find(file.path);
                    if (!file.is_link && expected && expected->sha256 != file.sha256)
                        to_fetch.push_back({file.path, {}});
                }
                std::map<std::string, std::string> errors;
                FileSink sink{[&](const RemoteEntry& e, FetchedFile& file) {
                                  kept[e.path] = std::move(file.content);
                              },
                              [&](const RemoteEntry& e, const std::string& error) {
                                  errors[e.path] = error;
                              }};
                fetch_remote_files(client, module_dir, to_fetch, sink);
                fetched = to_fetch.size();
                for (auto& file : installed)
                    if (auto it = errors.find(file.path); it != errors.end())
                        file.unreadable = it->second;
            } else {
                if (!lister) {
                    lister.emplace(client, module_dir, kMaxModuleEntries);
                    lister->start();
                    client.run();
                }
                listing = lister->take();
                // Files past the entry limit are unknown: calling the release files there
                // "missing" would void support on a guess.
                if (listing.truncated)
                    throw Error(
                        ErrorKind::unreachable,
                        "the SFTP server on " + session->label() + " listed more than " +
                            std::to_string(kMaxModuleEntries) + " entries in " + location +
                            "; listing stopped there",
                        "a module folder this large is not a module: check the path, or ask "
                        "the host why the listing never ends");
                // Fetch every file; keep only the contents whose digest differs from the release.
                std::vector<RemoteEntry> to_fetch;
                for (const auto& entry : listing.files) {
                    if (is_ignored_junk(entry.path)) continue;
                    if (entry.attrs.is_link())
                        installed.push_back(InstalledFile{entry.path, "", true});
                    else
                        to_fetch.push_back(entry);
                }
                FileSink sink{
                    [&](const RemoteEntry& e, FetchedFile& file) {
                        const ManifestFile* expected = release->find(e.path);
                        if (!expected || expected->sha256 != file.sha256)
                            kept[e.path] = std::move(file.content);
                        installed.push_back(InstalledFile{e.path, std::move(file.sha256)});
                    },
                    [&](const RemoteEntry& e, const std::string& error) {
                        installed.push_back(InstalledFile{e.path, "", false, error});
                    }};
                fetch_remote_files(client, module_dir, to_fetch, sink);
                fetched = to_fetch.size();
                // Release files inside folders we could not open are unknown, not missing.
                for (const auto& note : listing.unreadable) {
                    std::string folder = note.substr(0, note.find(": "));
                    std::string why = note.size() > folder.size() + 2
                                          ? note.substr(folder.size() + 2)
                                          : "unreadable";
                    for (const auto& file : release->files)
                        if (file.path.compare(0, folder.size() + 1, folder + "/") == 0)
                            installed.push_back(InstalledFile{file.path, "", false,
                                                              "folder " + folder + ": " + why});
                }
            }
        }
    } catch (const Error& e) {
        // The connection broke half way: say what was finished instead of only failing.
        if (e.kind() != ErrorKind::unreachable) throw;
        return partial_report(module, location, *session, e, installed.size(),
                              release->files.size(), method);
    }
    if (exec_refused)
        throw Error(ErrorKind::unreachable,
                    session->label() +
                        " cannot hash files remotely (commands refused, or no sha256sum or php)",
                    "use --exec-hash auto or never to fetch the files over SFTP");
    log::info("{}: {} files hashed by {}, {} fetched ({} bytes over SFTP)", session->label(),
              installed.size(), method, fetched, client.bytes_received());

    IntegrityResult result = compare_with_pristine(
        *release, installed, [&](const std::string& path) { return kept.at(path); },
        [&](const std::string& sha) { return store.read_object(sha); }, policy, request.want_diffs,
        2);

    VerifyFacts facts{module, location, *release, result, request.strict};
    facts.connection_checks.push_back(connect_check());
    if (!listing.refused.empty() || !listing.unreadable.empty() || listing.truncated) {
        Check odd{"files.listing", Status::warn};
        odd.message = "listing of " + location +
                      " incomplete: " + std::to_string(listing.refused.size()) +
                      " hostile name(s) refused, " + std::to_string(listing.unreadable.size()) +
                      " folder(s) unreadable" + (listing.truncated ? ", entry limit reached" : "");
        odd.data = {{"refused", listing.refused},
                    {"unreadable", listing.unreadable},
                    {"truncated", listing.truncated}};
        odd.hint = "ask the host to fix the permissions or remove the odd files, then verify again";
        facts.leading_checks.push_back(odd);
    }
    if (shop_root) {
        Check version = prestashop_root_check(client, root);
        if (request.core)
            facts.core_check =
                core_integrity_remote(client, root, version.data.value("version", ""), core_lists,
                                      request.url.display(), exec_session);
        facts.leading_checks.insert(facts.leading_checks.begin(), std::move(version));
        facts.class_overrides = remote_class_overrides(client, root, id.name);
        facts.theme_overrides = remote_theme_overrides(client, root, id.name);
        facts.shop_root = request.url.display();
    }
    facts.extra = {{"transport",
                    {{"kind", "sftp"},
                     {"host", session->label()},
                     {"hashing", method},
                     {"files_fetched", fetched},
                     {"bytes", client.bytes_received()}}}};
    return assemble_verify_report(facts);
}

}  // namespace mps
