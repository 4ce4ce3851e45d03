#include "remote/verify_remote.hpp"

#include <functional>
#include <map>
#include <optional>
#include <set>

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

bool is_override_php(const RemoteEntry& entry) {
    bool is_php = entry.path.size() > 4 && entry.path.substr(entry.path.size() - 4) == ".php";
    return is_php && entry.attrs.is_regular() && basename_of(entry.path) != "index.php";
}

// The folders of PrestaShop's own override/ skeleton (each holds an index.php): read ahead, so
// override/ takes a few round trips whatever its depth.
const std::vector<std::string>& override_skeleton() {
    static const std::vector<std::string> folders = {"classes",
                                                     "classes/assets",
                                                     "classes/cache",
                                                     "classes/checkout",
                                                     "classes/controller",
                                                     "classes/db",
                                                     "classes/exception",
                                                     "classes/form",
                                                     "classes/helper",
                                                     "classes/log",
                                                     "classes/module",
                                                     "classes/order",
                                                     "classes/pdf",
                                                     "classes/range",
                                                     "classes/shop",
                                                     "classes/stock",
                                                     "classes/tax",
                                                     "classes/webservice",
                                                     "controllers",
                                                     "controllers/admin",
                                                     "controllers/admin/templates",
                                                     "controllers/front",
                                                     "controllers/front/listing",
                                                     "modules"};
    return folders;
}

// release_folders: every folder of a release (relative to the module folder).
std::vector<std::string> release_folders(const Manifest& release) {
    std::set<std::string> folders;
    for (const auto& file : release.files)
        for (auto slash = file.path.find('/'); slash != std::string::npos;
             slash = file.path.find('/', slash + 1))
            folders.insert(file.path.substr(0, slash));
    return {folders.begin(), folders.end()};
}

// ShopExtras: what a shop root adds to a module's verify: the PrestaShop version files, the
// class overrides that name the module and the themes' template overrides of the module. start()
// queues every request, so they are listed and read on the same channel while the module is;
// each override file is read as soon as its folder names it, and each theme's modules/<module>/
// is listed as soon as themes/ is. finish() after the run.
class ShopExtras {
  public:
    ShopExtras(SftpClient& client, std::string root, std::string module)
        : client_(client), root_(std::move(root)), module_(std::move(module)) {}

    void start() {
        std::vector<RemoteEntry> version_files;
        for (const auto& path : prestashop_version_files()) version_files.push_back({path, {}});
        versions_ = std::make_unique<FileFetcher>(
            client_, root_, std::move(version_files),
            FileSink{[this](const RemoteEntry& e, FetchedFile& file) {
                         version_contents_[e.path] = std::move(file.content);
                     },
                     [](const RemoteEntry&, const std::string&) {}});
        versions_->start();

        std::string overrides = remote_join(root_, "override");
        override_files_ = std::make_unique<FileFetcher>(
            client_, overrides, std::vector<RemoteEntry>{},
            FileSink{[this](const RemoteEntry& e, FetchedFile& file) {
                         if (names_module_in_override(file.content, module_))
                             class_overrides_.push_back("override/" + e.path);
                     },
                     [](const RemoteEntry&, const std::string&) {}});
        override_lister_ = std::make_unique<TreeLister>(client_, overrides, 20000, 16,
                                                        TreeEvents{[this](const RemoteEntry& e) {
                                                                       if (is_override_php(e))
                                                                           override_files_->add(e);
                                                                   },
                                                                   {}});
        override_lister_->start();
        override_lister_->prefetch(override_skeleton());

        // classic, PrestaShop's default theme, is in nearly every shop: its modules/<module>/ is
        // listed at once, and used only if themes/ lists classic as a folder.
        add_theme("classic");
        themes_ = std::make_unique<TreeLister>(client_, remote_join(root_, "themes"), 200000, 0,
                                               TreeEvents{{}, [this] { list_themes(); }});
        themes_->start();
    }

    // prefetch_theme_folders: a theme overrides a module's templates and assets in the module's
    // own layout (views/...): those folders of the release are read ahead in every theme.
    void prefetch_theme_folders(const std::vector<std::string>& folders) {
        for (const auto& folder : folders)
            if (folder == "views" || folder.rfind("views/", 0) == 0)
                theme_folders_.push_back(folder);
        for (auto& theme : theme_listers_) theme.lister->prefetch(theme_folders_);
    }

    Check version_check() const { return prestashop_root_check_from(version_contents_, root_); }

    std::vector<std::string> class_overrides() {
        try {
            override_lister_->take();  // a shop without override/ has none
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::not_found) throw;
        }
        std::sort(class_overrides_.begin(), class_overrides_.end());
        return class_overrides_;
    }

    std::vector<std::string> theme_overrides() {
        std::vector<std::string> out;
        for (auto& theme : theme_listers_) {
            if (!theme.listed) continue;  // read ahead, but not a theme folder
            try {
                for (const auto& entry : theme.lister->take().files)
                    out.push_back(theme.prefix + "/" + entry.path);
            } catch (const Error& e) {
                if (e.kind() != ErrorKind::not_found) throw;
            }
        }
        std::sort(out.begin(), out.end());
        return out;
    }

  private:
    // list_themes: themes/ is listed: one lister per theme, all in flight together.
    void list_themes() {
        std::vector<RemoteEntry> themes;
        try {
            themes = folder_entries(themes_->take());
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::not_found) throw;
            return;
        }
        for (const auto& theme : themes) {
            if (!theme.attrs.is_dir()) continue;
            auto known = std::find_if(theme_listers_.begin(), theme_listers_.end(),
                                      [&](const Theme& t) { return t.name == theme.path; });
            if (known == theme_listers_.end()) {
                add_theme(theme.path);
                known = std::prev(theme_listers_.end());
            }
            known->listed = true;
        }
    }

    void add_theme(const std::string& name) {
        std::string prefix = "themes/" + name + "/modules/" + module_;
        theme_listers_.push_back(
            {name, prefix,
             std::make_unique<TreeLister>(client_, remote_join(root_, prefix), 20000, 16), false});
        theme_listers_.back().lister->start();
        theme_listers_.back().lister->prefetch(theme_folders_);
    }

    struct Theme {
        std::string name, prefix;
        std::unique_ptr<TreeLister> lister;
        bool listed = false;  // themes/ lists it as a folder
    };

    SftpClient& client_;
    std::string root_, module_;
    std::unique_ptr<FileFetcher> versions_, override_files_;
    std::unique_ptr<TreeLister> override_lister_, themes_;
    std::vector<Theme> theme_listers_;
    std::vector<std::string> theme_folders_;
    std::map<std::string, std::string> version_contents_;
    std::vector<std::string> class_overrides_;
};

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
    // The named module's folder is asked for in the same round trip as the shop root's marks.
    bool named = !request.module.empty() && is_valid_module_name(request.module);
    std::string named_dir = remote_join(root, "modules/" + request.module);
    std::vector<std::string> probe = {root, remote_join(root, "modules"),
                                      remote_join(root, "classes"), remote_join(root, "config")};
    if (named) probe.push_back(named_dir);
    auto kinds = stat_kinds(client, probe);
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
        module_dir = named_dir;
        if (!kinds[module_dir])
            throw Error(
                ErrorKind::not_found,
                "module " + request.module + " is not installed in " + request.url.display(),
                "check the module name (its folder under modules/)");
    }

    std::string name_hint = request.module.empty() ? basename_of(module_dir) : request.module;
    const std::vector<std::string> identity_names = {name_hint + ".php", "config.xml"};
    std::string location = request.url.display() + (shop_root ? "/modules/" + request.module : "");
    std::map<std::string, std::string> identity_files;
    std::optional<VerifiedModule> module;
    std::optional<Manifest> release;
    // resolve: which module and release, from the identity files read so far.
    auto resolve = [&] {
        FileLookup lookup = [&](const std::string& path) -> std::optional<std::string> {
            if (auto it = identity_files.find(path); it != identity_files.end()) return it->second;
            return std::nullopt;
        };
        module = identify_for_verify(lookup, name_hint, request.module, request.version, location);
        release.emplace(require_release(store, module->id, request.fetch_missing));
    };
    // read_identity: LSTAT the identity files, then read those that are regular files (a
    // config.xml that is a link is never followed); `done` runs when the last one is in.
    std::size_t identity_waiting = 0;
    std::optional<FileFetcher> identity_reader;
    auto read_identity = [&](std::function<void()> done) {
        identity_waiting = identity_names.size();
        auto one_done = [&identity_waiting, done] {
            if (--identity_waiting == 0 && done) done();
        };
        identity_reader.emplace(
            client, module_dir, std::vector<RemoteEntry>{},
            FileSink{[&identity_files, one_done](const RemoteEntry& e, FetchedFile& file) {
                         if (file.complete) identity_files[e.path] = std::move(file.content);
                         one_done();
                     },
                     [one_done](const RemoteEntry&, const std::string&) { one_done(); }});
        for (const std::string& name : identity_names)
            client.send(
                sftp::LSTAT, [&](sftp::Writer& w) { w.str(remote_join(module_dir, name)); },
                [&identity_waiting, &identity_reader, name, one_done](SftpClient::Reply& reply) {
                    if (reply.type == sftp::ATTRS) {
                        sftp::Attributes attrs = reply.body.attrs();
                        if (!reply.body.failed() && attrs.is_regular()) {
                            ++identity_waiting;  // its read
                            identity_reader->add({name, attrs});
                        }
                    }
                    one_done();
                });
    };

    std::vector<InstalledFile> installed;
    std::map<std::string, std::string> kept;
    RemoteListing listing;
    std::string method = "sftp";
    std::size_t fetched = 0;
    bool try_exec = request.exec_hash != ExecHash::never;
    std::optional<std::vector<InstalledFile>> hashed;
    if (try_exec) {
        // The exec fast path: digests and identity files in one command round trip.
        std::string how;
        std::map<std::string, std::string> found;
        hashed = hash_remotely(*session, module_dir, listing.refused, how, identity_names, found);
        if (hashed) {
            method = "exec " + how;
            identity_files = std::move(found);
        } else if (request.exec_hash == ExecHash::only) {
            // Which module and release first (a missing release is the answer), as always.
            read_identity({});
            client.run();
            resolve();
            throw Error(ErrorKind::unreachable,
                        session->label() +
                            " cannot hash files remotely (commands refused, or no sha256sum or "
                            "php)",
                        "use --exec-hash auto or never to fetch the files over SFTP");
        }
    }

    std::optional<ShopExtras> extras;
    if (shop_root) extras.emplace(client, root, request.module);
    std::optional<TreeLister> lister;
    std::optional<FileFetcher> fetcher;
    try {
        if (hashed) {
            resolve();
            // Only files whose digest differs from the release travel: their content decides
            // the class. The shop root's overrides and version are read in the same run.
            installed = std::move(*hashed);
            std::vector<RemoteEntry> to_fetch;
            for (const auto& file : installed) {
                const ManifestFile* expected = release->find(file.path);
                if (!file.is_link && expected && expected->sha256 != file.sha256)
                    to_fetch.push_back({file.path, {}});
            }
            std::map<std::string, std::string> errors;
            fetched = to_fetch.size();
            fetcher.emplace(client, module_dir, std::move(to_fetch),
                            FileSink{[&](const RemoteEntry& e, FetchedFile& file) {
                                         kept[e.path] = std::move(file.content);
                                     },
                                     [&](const RemoteEntry& e, const std::string& error) {
                                         errors[e.path] = error;
                                     }});
            fetcher->start();
            if (extras) {
                extras->start();
                extras->prefetch_theme_folders(release_folders(*release));
            }
            client.run();
            for (auto& file : installed)
                if (auto it = errors.find(file.path); it != errors.end())
                    file.unreadable = it->second;
        } else {
            // SFTP: one run lists the module, reads each file as soon as its folder names it,
            // reads the identity files and (shop root) lists and reads the overrides. Until the
            // identity files tell the release, fetched contents wait in `early`.
            std::map<std::string, std::pair<std::string, std::string>> early;  // sha, content
            auto differs = [&](const std::string& path, const std::string& sha) {
                const ManifestFile* expected = release->find(path);
                return !expected || expected->sha256 != sha;
            };
            read_identity([&] {
                resolve();
                // The release tells the folders to expect: read them all ahead.
                auto folders = release_folders(*release);
                lister->prefetch(folders);
                if (extras) extras->prefetch_theme_folders(folders);
                for (auto& [path, held] : early)
                    if (differs(path, held.first)) kept[path] = std::move(held.second);
                early.clear();
            });
            fetcher.emplace(
                client, module_dir, std::vector<RemoteEntry>{},
                FileSink{[&](const RemoteEntry& e, FetchedFile& file) {
                             if (!release)
                                 early[e.path] = {file.sha256, std::move(file.content)};
                             else if (differs(e.path, file.sha256))
                                 kept[e.path] = std::move(file.content);
                             installed.push_back(InstalledFile{e.path, std::move(file.sha256)});
                         },
                         [&](const RemoteEntry& e, const std::string& error) {
                             installed.push_back(InstalledFile{e.path, "", false, error});
                         }});
            lister.emplace(
                client, module_dir, kMaxModuleEntries, 32,
                TreeEvents{[&](const RemoteEntry& entry) {
                               if (is_ignored_junk(entry.path)) return;
                               if (entry.attrs.is_link())
                                   installed.push_back(InstalledFile{entry.path, "", true});
                               else
                                   fetcher->add(entry);
                           },
                           {}});
            lister->start();
            if (extras) extras->start();
            client.run();
            if (!release) resolve();  // not reached: the identity answers are part of the run
            listing = lister->take();
            // Files past the entry limit are unknown: calling the release files there
            // "missing" would void support on a guess.
            if (listing.truncated)
                throw Error(ErrorKind::unreachable,
                            "the SFTP server on " + session->label() + " listed more than " +
                                std::to_string(kMaxModuleEntries) + " entries in " + location +
                                "; listing stopped there",
                            "a module folder this large is not a module: check the path, or ask "
                            "the host why the listing never ends");
            fetched = 0;
            for (const auto& file : installed)
                if (!file.is_link) ++fetched;
            // Release files inside folders we could not open are unknown, not missing.
            for (const auto& note : listing.unreadable) {
                std::string folder = note.substr(0, note.find(": "));
                std::string why =
                    note.size() > folder.size() + 2 ? note.substr(folder.size() + 2) : "unreadable";
                for (const auto& file : release->files)
                    if (file.path.compare(0, folder.size() + 1, folder + "/") == 0)
                        installed.push_back(
                            InstalledFile{file.path, "", false, "folder " + folder + ": " + why});
            }
        }
    } catch (const Error& e) {
        // The connection broke half way: say what was finished instead of only failing.
        if (e.kind() != ErrorKind::unreachable || !module || !release) throw;
        return partial_report(*module, location, *session, e, installed.size(),
                              release->files.size(), method);
    }
    log::info("{}: {} files hashed by {}, {} fetched ({} bytes over SFTP)", session->label(),
              installed.size(), method, fetched, client.bytes_received());
    log::debug("{}: {} SFTP requests in {} runs", session->label(), client.requests_sent(),
               client.runs());

    IntegrityResult result = compare_with_pristine(
        *release, installed, [&](const std::string& path) { return kept.at(path); },
        [&](const std::string& sha) { return store.read_object(sha); }, policy, request.want_diffs,
        2);

    VerifyFacts facts{*module, location, *release, result, request.strict};
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
    if (extras) {
        Check version = extras->version_check();
        if (request.core)
            facts.core_check =
                core_integrity_remote(client, root, version.data.value("version", ""), core_lists,
                                      request.url.display(), exec_session);
        facts.leading_checks.insert(facts.leading_checks.begin(), std::move(version));
        facts.class_overrides = extras->class_overrides();
        facts.theme_overrides = extras->theme_overrides();
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
