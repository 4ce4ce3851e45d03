#include "remote/core_integrity_remote.hpp"

#include <algorithm>
#include <memory>
#include <set>

#include "integrity/core_integrity.hpp"
#include "ssh/remote_tree.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "util/md5.hpp"

namespace mps {

Check core_integrity_remote(SftpClient& client, const std::string& shop_root, const std::string& ps_version,
                            const CoreListStore& lists, const std::string& where) {
    auto list = ps_version.empty() ? std::nullopt : lists.load(ps_version);
    if (!list) return core_check_without_list(lists, ps_version, where);

    auto root_entries = list_remote_folder(client, shop_root);
    if (!root_entries)
        throw Error(ErrorKind::not_found, where + ": the shop root cannot be listed",
                    "check the path and that the account may read it");
    std::vector<std::string> root_folders;
    std::map<std::string, RemoteEntry> present;  // shop path -> entry
    for (const auto& entry : *root_entries) {
        if (entry.attrs.is_dir()) root_folders.push_back(entry.path);
        else present[entry.path] = entry;
    }
    std::map<std::string, std::set<std::string>> candidates;
    for (const auto& folder : admin_candidates(*list, root_folders)) {
        auto& children = candidates[folder];
        if (auto entries = list_remote_folder(client, remote_join(shop_root, folder)))
            for (const auto& entry : *entries) children.insert(entry.path);
    }
    CorePlan plan = plan_core_check(*list, choose_admin_folder(*list, candidates));

    // List every top-level folder that holds checked files, all at once.
    std::set<std::string> tops;
    for (const auto& file : plan.files)
        if (auto slash = file.shop_path.find('/'); slash != std::string::npos) tops.insert(file.shop_path.substr(0, slash));
    std::vector<std::pair<std::string, std::unique_ptr<TreeLister>>> listers;
    for (const auto& top : tops) {
        if (std::find(root_folders.begin(), root_folders.end(), top) == root_folders.end()) continue;
        listers.emplace_back(top, std::make_unique<TreeLister>(client, remote_join(shop_root, top)));
        listers.back().second->start();
    }
    client.run();
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
    FileSink sink{[&](const RemoteEntry& e, std::string& content) { states[e.path].md5 = md5_hex(content); },
                  [&](const RemoteEntry& e, const std::string& error) { states[e.path].unreadable = error; }};
    fetch_remote_files(client, shop_root, to_fetch, sink);
    log::info("{}: {} core files read to compare with PrestaShop {}", where, to_fetch.size(), list->version);
    return core_check_from(*list, plan, states, where);
}

}  // namespace mps
