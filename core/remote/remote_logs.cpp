#include "remote/remote_logs.hpp"

#include <map>
#include <memory>

#include "files/remote_files.hpp"
#include "util/error.hpp"

namespace mps {

std::vector<LogTail> collect_remote_logs(RemoteFiles& files, const std::string& shop_root,
                                         std::int64_t now, int since_days, std::size_t tail_bytes) {
    // Both folders listed in one round of requests.
    std::vector<std::pair<std::string, std::unique_ptr<TreeListing>>> listers;
    for (const auto& folder : log_folders()) {
        listers.emplace_back(folder, files.list(remote_join(shop_root, folder), {10000, 0}, {}));
    }
    files.run();
    std::vector<LogTail> candidates;
    for (auto& [folder, lister] : listers) {
        RemoteListing listing;
        try {
            listing = lister->take();
        } catch (const Error& e) {
            if (e.kind() == ErrorKind::not_found) continue;
            throw;
        }
        for (const auto& entry : listing.files) {
            if (!entry.attrs.is_regular() || !is_log_file_name(entry.path)) continue;
            LogTail log;
            log.path = folder + "/" + entry.path;
            log.size = entry.attrs.size.value_or(0);
            log.mtime = entry.attrs.mtime.value_or(0);
            candidates.push_back(std::move(log));
        }
    }
    std::vector<LogTail> logs = select_recent_logs(std::move(candidates), now, since_days);
    std::vector<RemoteEntry> tails;
    std::map<std::string, LogTail*> by_path;
    for (auto& log : logs) {
        RemoteEntry entry{log.path, {}};
        entry.attrs.size = log.size;
        entry.offset = log.size > tail_bytes ? log.size - tail_bytes : 0;
        log.truncated = entry.offset > 0;
        tails.push_back(entry);
        by_path[log.path] = &log;
    }
    FileSink sink{[&](const RemoteEntry& e, FetchedFile& file) {
                      by_path[e.path]->tail = std::move(file.content);
                  },
                  [&](const RemoteEntry& e, const std::string& error) {
                      by_path[e.path]->tail.clear();
                      by_path[e.path]->path += " (unreadable: " + error + ")";
                  }};
    fetch_remote_files(files, shop_root, tails, sink);
    return logs;
}

}  // namespace mps
