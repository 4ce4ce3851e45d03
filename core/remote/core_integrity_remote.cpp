#include "remote/core_integrity_remote.hpp"

#include <algorithm>
#include <memory>
#include <set>

#include "files/remote_files.hpp"
#include "integrity/core_integrity.hpp"
#include "remote/hash_listing.hpp"
#include "ssh/ssh_session.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "util/md5.hpp"
#include "util/safe_path.hpp"
#include "util/text.hpp"

namespace mps {
namespace {

bool clean_path(const std::string& raw, std::string& clean) {
    if (raw.size() < 3 || raw.compare(0, 2, "./") != 0) return false;
    std::string why;
    clean = normalize_relative_path(raw.substr(2), why);
    return !clean.empty() && clean == raw.substr(2);
}

}  // namespace

std::string remote_core_md5_command(const std::string& root, const std::vector<std::string>& tops) {
    std::string folders;
    for (const auto& top : tops) folders += " " + shell_quote("./" + top);
    std::string lookup = [&](const char* type) {
        std::string find = "find . -maxdepth 1 -type " + std::string(type) + " -print0";
        if (!tops.empty()) find += "; find" + folders + " -type " + type + " -print0";
        return "{ " + find + "; }";
    }("f");
    std::string links = "{ find . -maxdepth 1 -type l -print0" +
                        (tops.empty() ? std::string() : "; find" + folders + " -type l -print0") +
                        "; }";
    return "cd -- " + shell_quote(root) + " && printf 'MPS-FILES\\0' && " + lookup +
           " | LC_ALL=C xargs -0 -r md5sum -z -- && printf 'MPS-LINKS\\0' && " + links +
           " && printf 'MPS-END\\0'";
}

std::optional<RemoteCoreHashes> parse_remote_core_md5(const std::string& output) {
    auto listing = parse_hash_listing(output, 32);
    if (!listing) return std::nullopt;
    RemoteCoreHashes hashes;
    for (const auto& [digest, raw] : listing->files) {
        std::string clean;
        if (!clean_path(raw, clean) || !hashes.md5.emplace(clean, digest).second)
            return std::nullopt;
    }
    for (const auto& raw : listing->links) {
        std::string clean;
        if (!clean_path(raw, clean)) return std::nullopt;
        hashes.links.push_back(clean);
    }
    return hashes;
}

namespace {

// RemotePlan: which core files to check on the server, and what its root holds.
struct RemotePlan {
    CorePlan plan;
    std::map<std::string, RemoteEntry> present;  // shop path -> entry (the root's files so far)
    std::set<std::string> tops;                  // top-level folders holding checked files
};

// plan_remote: list the shop root and the admin folder candidates, and plan the check.
RemotePlan plan_remote(RemoteFiles& files, const std::string& shop_root,
                       const CoreChecksumList& list, const std::string& where) {
    auto root_entries = list_remote_folder(files, shop_root);
    if (!root_entries)
        throw Error(ErrorKind::not_found, where + ": the shop root cannot be listed",
                    "check the path and that the account may read it");
    RemotePlan out;
    std::vector<std::string> root_folders;
    for (const auto& entry : *root_entries) {
        if (entry.attrs.is_dir())
            root_folders.push_back(entry.path);
        else
            out.present[entry.path] = entry;
    }
    std::map<std::string, std::set<std::string>> candidates;
    for (const auto& folder : admin_candidates(list, root_folders)) {
        auto& children = candidates[folder];
        if (auto entries = list_remote_folder(files, remote_join(shop_root, folder)))
            for (const auto& entry : *entries) children.insert(entry.path);
    }
    out.plan = plan_core_check(list, choose_admin_folder(list, candidates));
    for (const auto& file : out.plan.files)
        if (auto slash = file.shop_path.find('/'); slash != std::string::npos)
            out.tops.insert(file.shop_path.substr(0, slash));
    std::erase_if(out.tops, [&](const std::string& top) {
        return std::find(root_folders.begin(), root_folders.end(), top) == root_folders.end();
    });
    return out;
}

// hashed_on_server: the fast path: the server hashes its own files and only digests travel;
// nothing when it refuses or its output is not usable.
std::optional<std::map<std::string, CoreFileState>> hashed_on_server(
    SshConnection& session, const std::string& shop_root, const std::set<std::string>& tops) {
    auto result =
        session.exec(remote_core_md5_command(shop_root, {tops.begin(), tops.end()}), 64u << 20);
    std::optional<RemoteCoreHashes> hashes;
    if (result && result->exit_status == 0 && !result->truncated)
        hashes = parse_remote_core_md5(result->out);
    if (!hashes) return std::nullopt;
    std::map<std::string, CoreFileState> states;
    for (const auto& [path, md5] : hashes->md5) states[path] = CoreFileState{true, md5};
    for (const auto& path : hashes->links) states[path] = CoreFileState{true, "symbolic link"};
    return states;
}

// read_core_files: the states of the planned files, from listings of their top-level folders
// (all at once) and reads of the files (MD5-hashed as they arrive).
std::map<std::string, CoreFileState> read_core_files(RemoteFiles& files,
                                                     const std::string& shop_root,
                                                     RemotePlan& remote) {
    const CorePlan& plan = remote.plan;
    std::map<std::string, RemoteEntry>& present = remote.present;
    std::vector<std::pair<std::string, std::unique_ptr<TreeListing>>> listers;
    for (const auto& top : remote.tops)
        listers.emplace_back(top, files.list(remote_join(shop_root, top), {}, {}));
    files.run();
    std::map<std::string, CoreFileState> states;
    std::vector<std::string> unreadable_folders;  // "top/sub: why"
    for (auto& [top, lister] : listers) {
        RemoteListing listing;
        try {
            listing = lister->take();
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::not_found) throw;
            unreadable_folders.push_back(top + ": " + e.what());
            continue;
        }
        for (auto& entry : listing.files) present[top + "/" + entry.path] = entry;
        for (const auto& note : listing.unreadable) unreadable_folders.push_back(top + "/" + note);
    }

    std::vector<RemoteEntry> to_fetch;
    for (const auto& file : plan.files) {
        auto it = present.find(file.shop_path);
        if (it == present.end()) {
            for (const auto& note : unreadable_folders) {
                std::string folder = note.substr(0, note.find(": "));
                if (file.shop_path.compare(0, folder.size() + 1, folder + "/") == 0) {
                    states[file.shop_path] = CoreFileState{true, "", "folder " + note};
                    break;
                }
            }
            continue;
        }
        CoreFileState& state = states[file.shop_path];
        state.present = true;
        if (it->second.attrs.is_link()) {
            state.md5 = "symbolic link";
        } else if (!it->second.attrs.is_regular()) {
            state.md5 = "not a regular file";
        } else {
            RemoteEntry entry = it->second;
            entry.path = file.shop_path;
            to_fetch.push_back(entry);
        }
    }
    FileSink sink{
        [&](const RemoteEntry& e, FetchedFile& file) {
            // Core files are small: one too large to keep whole is not compared.
            if (file.complete)
                states[e.path].md5 = md5_hex(file.content);
            else
                states[e.path].unreadable =
                    "larger than " + std::to_string(FetchedFile::kMaxKeptBytes >> 20) + " MiB";
        },
        [&](const RemoteEntry& e, const std::string& error) { states[e.path].unreadable = error; }};
    fetch_remote_files(files, shop_root, to_fetch, sink);
    log::info("{}: {} core files read to compare", files.label(), to_fetch.size());
    return states;
}

}  // namespace

Check core_integrity_remote(RemoteFiles& files, const std::string& shop_root,
                            const std::string& ps_version, const CoreListStore& lists,
                            const std::string& where, SshConnection* exec_session) {
    auto list = ps_version.empty() ? std::nullopt : lists.load(ps_version);
    if (!list) return core_check_without_list(lists, ps_version, where);
    RemotePlan remote = plan_remote(files, shop_root, *list, where);
    if (exec_session) {
        if (auto states = hashed_on_server(*exec_session, shop_root, remote.tops)) {
            Check check = core_check_from(*list, remote.plan, *states, where);
            check.data["hashing"] = "exec md5sum";
            log::info("{}: core files hashed on the server (md5sum)", where);
            return check;
        }
        log::info(
            "{}: hashing core files on the server failed or was refused; reading them over {}",
            where, files.kind());
    }
    Check check =
        core_check_from(*list, remote.plan, read_core_files(files, shop_root, remote), where);
    check.data["hashing"] = files.kind();
    return check;
}

}  // namespace mps
