#include "files/remote_files.hpp"

#include <sys/stat.h>

#include <algorithm>

#include "util/error.hpp"

namespace mps {

bool FileAttributes::has_type() const {
    return permissions && (*permissions & S_IFMT) != 0;
}
bool FileAttributes::is_dir() const {
    return permissions && S_ISDIR(*permissions);
}
bool FileAttributes::is_regular() const {
    return permissions && S_ISREG(*permissions);
}
bool FileAttributes::is_link() const {
    return permissions && S_ISLNK(*permissions);
}

bool acceptable_remote_name(std::string_view name) {
    if (name.empty() || name == "." || name == ".." || name.size() > 255) return false;
    for (char c : name)
        if (c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            return false;
    return true;
}

std::string printable_remote_name(const std::string& name) {
    std::string out;
    for (char c : name.substr(0, 100))
        out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
    return out;
}

std::string remote_join(const std::string& root, const std::string& relative) {
    if (root.empty() || root == ".") return relative;
    if (root.back() == '/') return root + relative;
    return root + "/" + relative;
}

FileAccumulator::FileAccumulator(const RemoteEntry& entry) : listed_(entry.attrs.size) {
    if (listed_) {
        std::uint64_t left = *listed_ > entry.offset ? *listed_ - entry.offset : 0;
        limit_ = left + std::max<std::uint64_t>(1u << 20, left / 8);
    } else {
        limit_ = kMaxUnlisted;
    }
}

bool FileAccumulator::append(std::string_view data) {
    if (!error_.empty()) return false;
    hash_.update(data);
    file_.size += data.size();
    if (file_.content.size() < FetchedFile::kMaxKeptBytes) {
        std::size_t room = FetchedFile::kMaxKeptBytes - file_.content.size();
        file_.content.append(data.substr(0, std::min(room, data.size())));
        if (data.size() > room) file_.complete = false;
    } else if (!data.empty()) {
        file_.complete = false;
    }
    if (file_.size > limit_) {
        error_ = "kept growing while it was read (" + std::to_string(file_.size) + " bytes read, " +
                 (listed_ ? std::to_string(*listed_) + " listed" : std::string("no size listed")) +
                 ")";
        return false;
    }
    return true;
}

FetchedFile FileAccumulator::finish() {
    if (!error_.empty()) return FetchedFile{};
    file_.sha256 = hash_.hex_digest();
    return std::move(file_);
}

RemoteListing list_remote_tree(RemoteFiles& files, const std::string& root, ListLimits limits) {
    auto listing = files.list(root, limits, {});
    files.run();
    return listing->take();
}

void fetch_remote_files(RemoteFiles& files, const std::string& root,
                        const std::vector<RemoteEntry>& entries, const FileSink& sink,
                        std::size_t max_open) {
    auto reads = files.read(root, entries, sink, max_open);
    files.run();
}

std::optional<std::vector<RemoteEntry>> list_remote_folder(RemoteFiles& files,
                                                           const std::string& path) {
    // A depth-0 listing still reads the folder itself; its sub-folders come back as notes.
    RemoteListing listing;
    try {
        listing = list_remote_tree(files, path, {200000, 0});
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::not_found) return std::nullopt;
        throw;
    }
    return folder_entries(std::move(listing));
}

std::vector<RemoteEntry> folder_entries(RemoteListing listing) {
    std::vector<RemoteEntry> out = std::move(listing.files);
    for (const auto& note : listing.unreadable) {
        const std::string suffix = ": nested too deeply";
        if (note.size() > suffix.size() &&
            note.compare(note.size() - suffix.size(), suffix.size(), suffix) == 0) {
            RemoteEntry folder{note.substr(0, note.size() - suffix.size()), {}};
            folder.attrs.permissions = 0040755;
            out.push_back(std::move(folder));
        }
    }
    return out;
}

}  // namespace mps
