#include "files/local_files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "util/error.hpp"

namespace mps {
namespace {

FileAttributes attributes_of(const struct stat& st) {
    FileAttributes attrs;
    attrs.size = static_cast<std::uint64_t>(st.st_size);
    attrs.permissions = static_cast<std::uint32_t>(st.st_mode);
    attrs.mtime = static_cast<std::uint32_t>(st.st_mtime);
    return attrs;
}

struct LocalListing final : TreeListing {
    std::string root;
    ListLimits limits;
    TreeEvents events;
    RemoteListing listing;
    std::optional<std::string> root_error;
    std::size_t seen = 0;

    // walk: one folder (relative to the root) and, level by level, what it holds.
    void walk() {
        std::deque<std::pair<std::string, int>> folders = {{"", 0}};
        while (!folders.empty() && !listing.truncated) {
            auto [relative, depth] = folders.front();
            folders.pop_front();
            std::string path = relative.empty() ? root : remote_join(root, relative);
            DIR* dir = ::opendir(path.c_str());
            if (!dir) {
                std::string why = std::strerror(errno);
                if (relative.empty())
                    root_error = why;
                else
                    listing.unreadable.push_back(relative + ": " + why);
                continue;
            }
            std::unique_ptr<DIR, int (*)(DIR*)> closer(dir, ::closedir);
            while (dirent* entry = ::readdir(dir)) {
                std::string name = entry->d_name;
                if (name == "." || name == "..") continue;
                if (++seen > limits.max_entries) {
                    listing.truncated = true;
                    break;
                }
                std::string child = relative.empty() ? name : relative + "/" + name;
                if (!acceptable_remote_name(name)) {
                    listing.refused.push_back((relative.empty() ? "" : relative + "/") +
                                              printable_remote_name(name));
                    continue;
                }
                auto attrs = local_attributes(remote_join(root, child), false);
                if (!attrs) continue;  // gone since it was listed
                if (attrs->is_dir()) {
                    if (depth + 1 > limits.max_depth)
                        listing.unreadable.push_back(child + ": nested too deeply");
                    else
                        folders.emplace_back(child, depth + 1);
                } else if (attrs->is_regular() || attrs->is_link()) {
                    listing.files.push_back(RemoteEntry{child, *attrs});
                    if (events.on_file) events.on_file(listing.files.back());
                }
            }
        }
        if (events.on_done) events.on_done();
    }

    RemoteListing take() override {
        if (root_error)
            throw Error(ErrorKind::not_found, "cannot list " + root + ": " + *root_error,
                        "check the path and that this account may read it");
        return std::move(listing);
    }
};

// read_local: one file from its entry's offset, never through a symbolic link, never blocking
// on a FIFO put where a file was.
void read_local(const std::string& path, const RemoteEntry& entry, const FileSink& sink,
                std::uint64_t& bytes) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) return sink.on_error(entry, std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return sink.on_error(entry, "not a regular file");
    }
    RemoteEntry sized = entry;
    if (!sized.attrs.size) sized.attrs.size = static_cast<std::uint64_t>(st.st_size);
    FileAccumulator file(sized);
    char buffer[64 * 1024];
    auto offset = static_cast<off_t>(entry.offset);
    for (;;) {
        ssize_t got = ::pread(fd, buffer, sizeof buffer, offset);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            std::string why = std::strerror(errno);
            ::close(fd);
            return sink.on_error(entry, why);
        }
        if (got == 0) break;
        offset += got;
        bytes += static_cast<std::uint64_t>(got);
        if (!file.append(std::string_view(buffer, static_cast<std::size_t>(got)))) break;
    }
    ::close(fd);
    if (!file.error().empty()) return sink.on_error(entry, file.error());
    FetchedFile done = file.finish();
    sink.on_file(entry, done);
}

struct LocalReads final : FileReads {
    struct State {
        std::string root;
        FileSink sink;
        std::size_t pending = 0;
    };
    std::shared_ptr<State> state = std::make_shared<State>();
    std::deque<std::function<void()>>* queue = nullptr;
    std::uint64_t* bytes = nullptr;

    void add(RemoteEntry file) override {
        ++state->pending;
        queue->push_back([s = state, file = std::move(file), bytes = bytes] {
            read_local(remote_join(s->root, file.path), file, s->sink, *bytes);
            --s->pending;
        });
    }
    std::size_t pending() const override { return state->pending; }
};

}  // namespace

std::optional<FileAttributes> local_attributes(const std::string& path, bool follow) {
    struct stat st {};
    int rc = follow ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st);
    if (rc != 0) return std::nullopt;
    return attributes_of(st);
}

void LocalFiles::stat(const std::string& path, bool follow,
                      std::function<void(std::optional<FileAttributes>)> done) {
    queue_.push_back(
        [path, follow, done = std::move(done)] { done(local_attributes(path, follow)); });
}

std::unique_ptr<TreeListing> LocalFiles::list(const std::string& root, ListLimits limits,
                                              TreeEvents events) {
    auto listing = std::make_unique<LocalListing>();
    listing->root = root;
    listing->limits = limits;
    listing->events = std::move(events);
    queue_.push_back([l = listing.get()] { l->walk(); });
    return listing;
}

std::unique_ptr<FileReads> LocalFiles::read(const std::string& root, std::vector<RemoteEntry> files,
                                            FileSink sink, std::size_t) {
    auto reads = std::make_unique<LocalReads>();
    reads->state->root = root;
    reads->state->sink = std::move(sink);
    reads->queue = &queue_;
    reads->bytes = &bytes_;
    for (auto& file : files) reads->add(std::move(file));
    return reads;
}

void LocalFiles::run() {
    // A job that throws ends the run: the work still queued belongs to it and is dropped.
    try {
        while (!queue_.empty()) {
            auto job = std::move(queue_.front());
            queue_.pop_front();
            job();
        }
    } catch (...) {
        queue_.clear();
        throw;
    }
}

}  // namespace mps
