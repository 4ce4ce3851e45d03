#include "remote/verify_remote.hpp"

#include <functional>
#include <map>
#include <optional>
#include <set>

#include "files/remote_files.hpp"
#include "integrity/core_integrity.hpp"
#include "integrity/module_info.hpp"
#include "integrity/verify.hpp"
#include "remote/core_integrity_remote.hpp"
#include "remote/remote_hashes.hpp"
#include "remote/remote_shop.hpp"
#include "shop/prestashop_version.hpp"
#include "shop/shop_tree.hpp"
#include "ssh/sftp_files.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "util/progress.hpp"
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
// queues every request, so they are listed and read in the same run as the module; each
// override file is read as soon as its folder names it, and each theme's modules/<module>/ is
// listed as soon as themes/ is. finish() after the run.
class ShopExtras {
  public:
    ShopExtras(RemoteFiles& files, std::string root, std::string module)
        : files_(files), root_(std::move(root)), module_(std::move(module)) {}

    void start() {
        std::vector<RemoteEntry> version_files;
        for (const auto& path : prestashop_version_files()) version_files.push_back({path, {}});
        versions_ = files_.read(root_, std::move(version_files),
                                FileSink{[this](const RemoteEntry& e, FetchedFile& file) {
                                             version_contents_[e.path] = std::move(file.content);
                                         },
                                         [](const RemoteEntry&, const std::string&) {}});

        std::string overrides = remote_join(root_, "override");
        override_files_ =
            files_.read(overrides, {},
                        FileSink{[this](const RemoteEntry& e, FetchedFile& file) {
                                     if (names_module_in_override(file.content, module_))
                                         class_overrides_.push_back("override/" + e.path);
                                 },
                                 [](const RemoteEntry&, const std::string&) {}});
        override_lister_ = files_.list(overrides, {20000, 16},
                                       TreeEvents{[this](const RemoteEntry& e) {
                                                      if (is_override_php(e))
                                                          override_files_->add(e);
                                                  },
                                                  {}});
        override_lister_->prefetch(override_skeleton());

        // classic, PrestaShop's default theme, is in nearly every shop: its modules/<module>/ is
        // listed at once, and used only if themes/ lists classic as a folder.
        add_theme("classic");
        themes_ = files_.list(remote_join(root_, "themes"), {200000, 0},
                              TreeEvents{{}, [this] { list_themes(); }});
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
            {name, prefix, files_.list(remote_join(root_, prefix), {20000, 16}, {}), false});
        theme_listers_.back().lister->prefetch(theme_folders_);
    }

    struct Theme {
        std::string name, prefix;
        std::unique_ptr<TreeListing> lister;
        bool listed = false;  // themes/ lists it as a folder
    };

    RemoteFiles& files_;
    std::string root_, module_;
    std::unique_ptr<FileReads> versions_, override_files_;
    std::unique_ptr<TreeListing> override_lister_, themes_;
    std::vector<Theme> theme_listers_;
    std::vector<std::string> theme_folders_;
    std::map<std::string, std::string> version_contents_;
    std::vector<std::string> class_overrides_;
};

// server_phrase: "the SFTP server on u@h" and the like, for messages.
std::string server_phrase(const RemoteFiles& files) {
    if (files.kind() == "local") return "the file system of " + files.label();
    return "the " + to_upper(files.kind()) + " server on " + files.label();
}

// RemoteVerify: one verify of a module on a server, in the order the answers allow: locate the
// module (one round trip), then either the exec path (digests computed on the server, only
// differing files read) or the files path (list and read everything in one run), then the
// comparison with the pristine release.
class RemoteVerify {
  public:
    RemoteVerify(RemoteFiles& files, std::string path, std::string where,
                 const RemoteVerifyOptions& options, const PristineStore& store,
                 const PolicyConfig& policy)
        : files_(files),
          root_(std::move(path)),
          where_(std::move(where)),
          options_(options),
          store_(store),
          policy_(policy),
          core_lists_(store.core_lists_dir()) {}

    Report run() {
        locate();
        if (options_.core && options_.module.empty()) return core_only();
        choose_module_dir();
        name_hint_ = options_.module.empty() ? basename_of(module_dir_) : options_.module;
        identity_names_ = {name_hint_ + ".php", "config.xml"};
        location_ = where_ + (shop_root_ ? "/modules/" + options_.module : "");
        method_ = files_.kind();
        task_.emplace(options_.progress, "verify " + name_hint_, "files");
        try_exec();
        if (shop_root_) extras_.emplace(files_, root_, options_.module);
        try {
            if (hashed_)
                exec_path();
            else
                files_path();
        } catch (const Error& e) {
            // The connection broke half way: say what was finished instead of only failing.
            if (e.kind() != ErrorKind::unreachable || !module_ || !release_) throw;
            return partial_report(e);
        }
        log::info("{}: {} files hashed by {}, {} fetched ({} bytes over {})", files_.label(),
                  installed_.size(), method_, fetched_, files_.bytes_received(), files_.kind());
        return assemble();
    }

  private:
    SshConnection* exec_connection() const {
        // --exec-hash never: nothing runs on the server, not even for the core check.
        return options_.exec_hash == ExecHash::never ? nullptr : files_.exec_connection();
    }

    Check connect_check() const {
        return Check{"files.connect", Status::pass, files_.connect_message()};
    }

    nlohmann::json transport() const { return {{"kind", files_.kind()}, {"host", files_.label()}}; }

    // locate: is the path a folder, a shop root, and is the named module there (one round trip).
    void locate() {
        named_dir_ = remote_join(root_, "modules/" + options_.module);
        std::vector<std::string> probe = {root_, remote_join(root_, "modules"),
                                          remote_join(root_, "classes"),
                                          remote_join(root_, "config")};
        if (!options_.module.empty() && is_valid_module_name(options_.module))
            probe.push_back(named_dir_);
        kinds_ = stat_kinds(files_, probe);
        if (!kinds_.count(root_) || !kinds_[root_])
            throw Error(ErrorKind::not_found, where_ + " is not a folder on the server",
                        "give the path of the shop root or of the module folder");
        shop_root_ =
            kinds_[remote_join(root_, "modules")] &&
            (kinds_[remote_join(root_, "classes")] || kinds_[remote_join(root_, "config")]);
        if (options_.core && !shop_root_)
            throw Error(ErrorKind::usage, "--core needs a shop root: " + where_ + " is not one",
                        "give the folder that holds modules/, classes/ and config/");
    }

    Report core_only() {
        Check version = prestashop_root_check(files_, root_);
        Check core = core_integrity_remote(files_, root_, version.data.value("version", ""),
                                           core_lists_, where_, exec_connection());
        nlohmann::json t = transport();
        t["bytes"] = files_.bytes_received();
        return core_only_report(where_, std::move(version), std::move(core), {connect_check()},
                                {{"transport", t}});
    }

    void choose_module_dir() {
        module_dir_ = root_;
        if (!shop_root_) return;
        if (options_.module.empty()) {
            std::vector<std::string> modules;
            if (auto entries = list_remote_folder(files_, remote_join(root_, "modules")))
                for (const auto& entry : *entries)
                    if (entry.attrs.is_dir()) modules.push_back(entry.path);
            std::sort(modules.begin(), modules.end());
            throw Error(ErrorKind::usage,
                        where_ + " is a shop root: name the module with --module NAME",
                        modules.empty() ? std::string("no modules found under modules/")
                                        : "installed modules: " + join(modules, ", "));
        }
        if (!is_valid_module_name(options_.module))
            throw Error(ErrorKind::usage, "'" + options_.module + "' is not a module name",
                        "use the module folder name");
        module_dir_ = named_dir_;
        if (!kinds_[module_dir_])
            throw Error(ErrorKind::not_found,
                        "module " + options_.module + " is not installed in " + where_,
                        "check the module name (its folder under modules/)");
    }

    // resolve: which module and release, from the identity files read so far.
    void resolve() {
        FileLookup lookup = [&](const std::string& path) -> std::optional<std::string> {
            if (auto it = identity_files_.find(path); it != identity_files_.end())
                return it->second;
            return std::nullopt;
        };
        module_ =
            identify_for_verify(lookup, name_hint_, options_.module, options_.version, location_);
        release_.emplace(require_release(store_, module_->id, options_.fetch_missing));
        if (!listed_) {
            // Until the listing is complete, the release tells how much to expect.
            std::uint64_t bytes = 0;
            for (const auto& file : release_->files) bytes += file.size;
            set_total(release_->files.size(), bytes);
        }
    }

    void advance(std::uint64_t files, std::uint64_t bytes) {
        if (task_) task_->advance(files, bytes);
    }
    void set_total(std::uint64_t files, std::uint64_t bytes) {
        if (task_) task_->set_total(files, bytes);
    }

    // read_identity: the identity files that are regular files (a config.xml that is a link is
    // never followed); `done` runs when the last one is in.
    void read_identity(std::function<void()> done) {
        identity_waiting_ = identity_names_.size();
        auto one_done = [this, done] {
            if (--identity_waiting_ == 0 && done) done();
        };
        identity_reader_ = files_.read(
            module_dir_, {},
            FileSink{[this, one_done](const RemoteEntry& e, FetchedFile& file) {
                         if (file.complete) identity_files_[e.path] = std::move(file.content);
                         one_done();
                     },
                     [one_done](const RemoteEntry&, const std::string&) { one_done(); }});
        for (const std::string& name : identity_names_)
            files_.stat(remote_join(module_dir_, name), false,
                        [this, name, one_done](std::optional<FileAttributes> attrs) {
                            if (attrs && attrs->is_regular()) {
                                ++identity_waiting_;  // its read
                                identity_reader_->add({name, *attrs});
                            }
                            one_done();
                        });
    }

    // try_exec: the exec fast path: digests and identity files in one command round trip.
    void try_exec() {
        if (options_.exec_hash == ExecHash::never) return;
        SshConnection* session = exec_connection();
        if (session) {
            std::string how;
            std::map<std::string, std::string> found;
            hashed_ =
                hash_remotely(*session, module_dir_, listing_.refused, how, identity_names_, found);
            if (hashed_) {
                method_ = "exec " + how;
                identity_files_ = std::move(found);
                return;
            }
        }
        if (options_.exec_hash != ExecHash::only) return;
        // Which module and release first (a missing release is the answer), as always.
        read_identity({});
        files_.run();
        resolve();
        if (!session)
            throw Error(
                ErrorKind::usage,
                "--exec-hash only: " + files_.label() + " runs no commands over " + files_.kind(),
                "use --exec-hash auto or never");
        throw Error(ErrorKind::unreachable,
                    files_.label() +
                        " cannot hash files remotely (commands refused, or no sha256sum or php)",
                    "use --exec-hash auto or never to fetch the files over SFTP");
    }

    // exec_path: only files whose digest differs from the release travel: their content
    // decides the class. The shop root's overrides and version are read in the same run.
    void exec_path() {
        resolve();
        installed_ = std::move(*hashed_);
        std::vector<RemoteEntry> to_fetch;
        for (const auto& file : installed_) {
            const ManifestFile* expected = release_->find(file.path);
            if (!file.is_link && expected && expected->sha256 != file.sha256)
                to_fetch.push_back({file.path, {}});
        }
        std::map<std::string, std::string> errors;
        fetched_ = to_fetch.size();
        // Every file is hashed already: what is left are the differing files to read.
        listed_ = true;
        set_total(installed_.size(), 0);
        advance(installed_.size() - to_fetch.size(), 0);
        fetcher_ = files_.read(module_dir_, std::move(to_fetch),
                               FileSink{[&](const RemoteEntry& e, FetchedFile& file) {
                                            advance(1, file.size);
                                            kept_[e.path] = std::move(file.content);
                                        },
                                        [&](const RemoteEntry& e, const std::string& error) {
                                            advance(1, 0);
                                            errors[e.path] = error;
                                        }});
        if (extras_) {
            extras_->start();
            extras_->prefetch_theme_folders(release_folders(*release_));
        }
        files_.run();
        for (auto& file : installed_)
            if (auto it = errors.find(file.path); it != errors.end()) file.unreadable = it->second;
    }

    bool differs(const std::string& path, const std::string& sha) const {
        const ManifestFile* expected = release_->find(path);
        return !expected || expected->sha256 != sha;
    }

    // files_path: one run lists the module, reads each file as soon as its folder names it,
    // reads the identity files and (shop root) lists and reads the overrides. Until the
    // identity files tell the release, fetched contents wait in `early`.
    void files_path() {
        std::map<std::string, std::pair<std::string, std::string>> early;  // sha, content
        // A server that hashes is asked once the release tells which digests to expect.
        std::vector<RemoteEntry> held_back;
        read_identity([&] {
            resolve();
            // The release tells the folders to expect: read them all ahead.
            auto folders = release_folders(*release_);
            lister_->prefetch(folders);
            if (extras_) extras_->prefetch_theme_folders(folders);
            for (auto& [path, held] : early)
                if (differs(path, held.first)) kept_[path] = std::move(held.second);
            early.clear();
            for (auto& entry : held_back) fetcher_->add(std::move(entry));
            held_back.clear();
        });
        fetcher_ = files_.read(
            module_dir_, {},
            FileSink{[&](const RemoteEntry& e, FetchedFile& file) {
                         advance(1, file.size);
                         if (file.digest_from_server) ++server_hashed_;
                         if (!release_)
                             early[e.path] = {file.sha256, std::move(file.content)};
                         else if (differs(e.path, file.sha256))
                             kept_[e.path] = std::move(file.content);
                         installed_.push_back(InstalledFile{e.path, std::move(file.sha256)});
                     },
                     [&](const RemoteEntry& e, const std::string& error) {
                         advance(1, 0);
                         installed_.push_back(InstalledFile{e.path, "", false, error});
                     },
                     // A server that hashes (FTP HASH) sends only what differs.
                     [&](const RemoteEntry& e, const std::string& sha) {
                         return !release_ || differs(e.path, sha);
                     }});
        lister_ = files_.list(
            module_dir_, {kMaxModuleEntries, 32},
            TreeEvents{[&](const RemoteEntry& entry) {
                           if (is_ignored_junk(entry.path)) return;
                           ++listed_files_;
                           if (entry.attrs.is_link()) {
                               advance(1, 0);
                               installed_.push_back(InstalledFile{entry.path, "", true});
                               return;
                           }
                           listed_bytes_ += entry.attrs.size.value_or(0);
                           if (!release_ && files_.hashes_on_server())
                               held_back.push_back(entry);
                           else
                               fetcher_->add(entry);
                       },
                       [&] {
                           // The whole tree is known: the exact totals.
                           listed_ = true;
                           set_total(listed_files_, listed_bytes_);
                       }});
        if (extras_) extras_->start();
        files_.run();
        if (!release_) resolve();  // not reached: the identity answers are part of the run
        listing_ = lister_->take();
        // Files past the entry limit are unknown: calling the release files there "missing"
        // would void support on a guess.
        if (listing_.truncated)
            throw Error(ErrorKind::unreachable,
                        server_phrase(files_) + " listed more than " +
                            std::to_string(kMaxModuleEntries) + " entries in " + location_ +
                            "; listing stopped there",
                        "a module folder this large is not a module: check the path, or ask "
                        "the host why the listing never ends");
        fetched_ = 0;
        for (const auto& file : installed_)
            if (!file.is_link) ++fetched_;
        fetched_ -= server_hashed_;
        method_ = files_.kind() + (server_hashed_ ? " HASH" : "");
        // Release files inside folders we could not open are unknown, not missing.
        for (const auto& note : listing_.unreadable) {
            std::string folder = note.substr(0, note.find(": "));
            std::string why =
                note.size() > folder.size() + 2 ? note.substr(folder.size() + 2) : "unreadable";
            for (const auto& file : release_->files)
                if (file.path.compare(0, folder.size() + 1, folder + "/") == 0)
                    installed_.push_back(
                        InstalledFile{file.path, "", false, "folder " + folder + ": " + why});
        }
    }

    // partial_report: exit 4, with what was done before the connection broke.
    Report partial_report(const Error& error) const {
        Report report;
        report.schema = "mpsupport.verify/1";
        report.title = module_->id.name + " " + module_->id.version + " in " + location_;
        Check connect{"files.connect", Status::fail, error.what(), error.hint()};
        connect.outcome = ErrorKind::unreachable;
        report.checks.push_back(connect);
        report.checks.push_back(Check{"files.version", Status::pass, module_->note});
        report.checks.push_back(
            Check{"files.integrity", Status::skip,
                  "partial: " + std::to_string(installed_.size()) + " files of " +
                      module_->id.name + " were checked before the connection broke (the " +
                      "release has " + std::to_string(release_->files.size()) + ")",
                  "run verify again; with a flaky link, --exec-hash only moves the least data"});
        report.verdict = "could not tell: the connection to " + files_.label() +
                         " broke before every file was checked";
        nlohmann::json t = transport();
        t["hashing"] = method_;
        report.body = {{"module", module_->id.name},
                       {"version", module_->id.version},
                       {"path", location_},
                       {"support", "unknown"},
                       {"partial", true},
                       {"files_checked", installed_.size()},
                       {"transport", t}};
        return report;
    }

    // listing_check: files.listing, when names were refused, folders unreadable or the listing
    // cut short.
    std::optional<Check> listing_check() const {
        if (listing_.refused.empty() && listing_.unreadable.empty() && !listing_.truncated)
            return std::nullopt;
        Check odd{"files.listing", Status::warn};
        odd.message = "listing of " + location_ +
                      " incomplete: " + std::to_string(listing_.refused.size()) +
                      " hostile name(s) refused, " + std::to_string(listing_.unreadable.size()) +
                      " folder(s) unreadable" + (listing_.truncated ? ", entry limit reached" : "");
        odd.data = {{"refused", listing_.refused},
                    {"unreadable", listing_.unreadable},
                    {"truncated", listing_.truncated}};
        odd.hint = "ask the host to fix the permissions or remove the odd files, then verify again";
        return odd;
    }

    Report assemble() {
        IntegrityResult result = compare_with_pristine(
            *release_, installed_, [&](const std::string& path) { return kept_.at(path); },
            [&](const std::string& sha) { return store_.read_object(sha); }, policy_,
            options_.want_diffs, 2);
        VerifyFacts facts{*module_, location_, *release_, result, options_.strict};
        facts.connection_checks.push_back(connect_check());
        if (auto odd = listing_check()) facts.leading_checks.push_back(*odd);
        if (extras_) {
            Check version = extras_->version_check();
            if (options_.core)
                facts.core_check =
                    core_integrity_remote(files_, root_, version.data.value("version", ""),
                                          core_lists_, where_, exec_connection());
            facts.leading_checks.insert(facts.leading_checks.begin(), std::move(version));
            facts.class_overrides = extras_->class_overrides();
            facts.theme_overrides = extras_->theme_overrides();
            facts.shop_root = where_;
        }
        nlohmann::json t = transport();
        t["hashing"] = method_;
        t["files_fetched"] = fetched_;
        t["bytes"] = files_.bytes_received();
        facts.extra = {{"transport", t}};
        return assemble_verify_report(facts);
    }

    RemoteFiles& files_;
    std::string root_, where_;
    const RemoteVerifyOptions& options_;
    const PristineStore& store_;
    const PolicyConfig& policy_;
    CoreListStore core_lists_;

    std::map<std::string, bool> kinds_;
    bool shop_root_ = false;
    std::string named_dir_, module_dir_, name_hint_, location_;
    std::vector<std::string> identity_names_;
    std::map<std::string, std::string> identity_files_;
    std::size_t identity_waiting_ = 0;
    std::unique_ptr<FileReads> identity_reader_;
    std::optional<VerifiedModule> module_;
    std::optional<Manifest> release_;

    std::optional<std::vector<InstalledFile>> hashed_;
    std::string method_;
    std::size_t server_hashed_ = 0;  // digests the server gave (the content did not travel)
    std::optional<ShopExtras> extras_;
    std::unique_ptr<TreeListing> lister_;
    std::unique_ptr<FileReads> fetcher_;
    std::vector<InstalledFile> installed_;
    std::map<std::string, std::string> kept_;
    RemoteListing listing_;
    std::size_t fetched_ = 0;
    // Progress: files and bytes checked, out of the release's until the listing is complete.
    std::optional<ProgressTask> task_;
    bool listed_ = false;
    std::uint64_t listed_files_ = 0, listed_bytes_ = 0;
};

}  // namespace

Report verify_files(RemoteFiles& files, const std::string& path, const std::string& where,
                    const RemoteVerifyOptions& options, const PristineStore& store,
                    const PolicyConfig& policy) {
    return RemoteVerify(files, path, where, options, store, policy).run();
}

std::unique_ptr<SftpFiles> connect_sftp(const RemoteVerifyRequest& request) {
    SshOptions options = request.ssh;
    options.user = request.url.user;
    options.host = request.url.host;
    options.port = request.url.port;
    return SftpFiles::connect(options);
}

Report verify_remote(const RemoteVerifyRequest& request, const PristineStore& store,
                     const PolicyConfig& policy) {
    auto files = connect_sftp(request);
    return verify_files(*files, request.url.path, request.url.display(), request, store, policy);
}

}  // namespace mps
