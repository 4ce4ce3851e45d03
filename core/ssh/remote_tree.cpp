#include "ssh/remote_tree.hpp"

#include <memory>

#include "util/error.hpp"

namespace mps {
namespace {

constexpr std::uint32_t kChunk = 64 * 1024;

bool acceptable_name(const std::string& name) {
    if (name.empty() || name == "." || name == ".." || name.size() > 255) return false;
    for (char c : name)
        if (c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
    return true;
}

std::string printable(const std::string& name) {
    std::string out;
    for (char c : name.substr(0, 100)) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
    return out;
}

struct ListerState {
    SftpClient& client;
    std::string root;
    std::size_t max_entries;
    int max_depth;
    RemoteListing listing;
    std::size_t seen = 0;
    std::optional<std::string> root_error;

    void open_dir(const std::string& relative, int depth) {
        client.send(
            sftp::OPENDIR, [&](sftp::Writer& w) { w.str(relative.empty() ? root : remote_join(root, relative)); },
            [this, relative, depth](SftpClient::Reply& reply) {
                if (reply.type == sftp::HANDLE) {
                    read_dir(relative, reply.body.str(), depth);
                    return;
                }
                std::string why = reply.type == sftp::STATUS ? sftp::status_text(reply.body.u32()) : "bad reply";
                if (relative.empty()) root_error = why;
                else listing.unreadable.push_back(relative + ": " + why);
            });
    }

    void read_dir(const std::string& relative, const std::string& handle, int depth) {
        client.send(sftp::READDIR, [&](sftp::Writer& w) { w.str(handle); },
                    [this, relative, handle, depth](SftpClient::Reply& reply) {
                        if (reply.type != sftp::NAME) {
                            client.send(sftp::CLOSE, [&](sftp::Writer& w) { w.str(handle); }, [](SftpClient::Reply&) {});
                            return;
                        }
                        auto entries = sftp::parse_names(reply.body);
                        if (!entries)
                            throw Error(ErrorKind::unreachable, "the SFTP server on " + client.label() +
                                                                    " sent a malformed directory listing");
                        for (auto& entry : *entries) {
                            if (entry.name == "." || entry.name == "..") continue;
                            std::string path = relative.empty() ? entry.name : relative + "/" + entry.name;
                            if (!acceptable_name(entry.name)) {
                                listing.refused.push_back((relative.empty() ? "" : relative + "/") + printable(entry.name));
                                continue;
                            }
                            if (++seen > max_entries) {
                                listing.truncated = true;
                                continue;
                            }
                            if (entry.attrs.is_dir()) {
                                if (depth + 1 > max_depth) listing.unreadable.push_back(path + ": nested too deeply");
                                else open_dir(path, depth + 1);
                            } else if (entry.attrs.is_regular() || entry.attrs.is_link()) {
                                listing.files.push_back(RemoteEntry{path, entry.attrs});
                            }
                        }
                        read_dir(relative, handle, depth);
                    });
    }
};

// FileReader: reads one open file with all its chunks requested at once. The size from the
// listing tells how many chunks to ask for; reading goes on only if the file turns out longer
// or the server answers short in the middle.
struct FileReader : std::enable_shared_from_this<FileReader> {
    SftpClient& client;
    RemoteEntry entry;
    std::string handle;
    std::string collected;
    std::string error;
    std::vector<std::string> chunks;
    std::vector<bool> at_eof;
    std::size_t outstanding = 0;
    std::uint64_t offset = 0;  // where the current batch starts in the file
    std::function<void(std::shared_ptr<FileReader>)> finished;

    FileReader(SftpClient& c, RemoteEntry e) : client(c), entry(std::move(e)) { offset = entry.offset; }

    void request_batch() {
        std::uint64_t expected = entry.attrs.size.value_or(0);
        std::uint64_t left = expected > offset ? expected - offset : 0;
        std::size_t count = std::min<std::size_t>(static_cast<std::size_t>(left / kChunk) + 1, 64);
        chunks.assign(count, {});
        at_eof.assign(count, false);
        outstanding = count;
        auto self = shared_from_this();
        for (std::size_t i = 0; i < count; ++i)
            client.send(sftp::READ, [&](sftp::Writer& w) { w.str(handle).u64(offset + i * kChunk).u32(kChunk); },
                        [self, i](SftpClient::Reply& reply) { self->on_chunk(i, reply); });
    }

    void on_chunk(std::size_t i, SftpClient::Reply& reply) {
        if (reply.type == sftp::DATA) {
            chunks[i] = reply.body.str();
        } else if (reply.type == sftp::STATUS) {
            std::uint32_t code = reply.body.u32();
            if (code == sftp::END_OF_FILE) at_eof[i] = true;
            else if (error.empty()) error = sftp::status_text(code);
        }
        if (--outstanding > 0) return;
        if (!error.empty()) return close();
        for (std::size_t k = 0; k < chunks.size(); ++k) {
            if (at_eof[k]) return close();  // the end, exactly where the data stopped
            collected += chunks[k];
            offset += chunks[k].size();
            if (chunks[k].size() < kChunk) {
                // A short answer is the end when the listing's size is reached.
                if (offset >= entry.attrs.size.value_or(0)) return close();
                return request_batch();  // short in the middle: read on from here
            }
        }
        request_batch();  // every chunk full: the file is longer than listed
    }

    void close() {
        // The content is complete: hand it over now and let the CLOSE answer arrive whenever,
        // so the next file starts a round trip earlier.
        client.send(sftp::CLOSE, [&](sftp::Writer& w) { w.str(handle); }, [](SftpClient::Reply&) {});
        finished(shared_from_this());
    }
};

}  // namespace

std::string remote_join(const std::string& root, const std::string& relative) {
    if (root.empty() || root == ".") return relative;
    if (root.back() == '/') return root + relative;
    return root + "/" + relative;
}

struct TreeLister::State {
    ListerState inner;
};

TreeLister::TreeLister(SftpClient& client, std::string root, std::size_t max_entries, int max_depth)
    : state_(std::make_shared<State>(State{ListerState{client, std::move(root), max_entries, max_depth}})) {}
TreeLister::~TreeLister() = default;

void TreeLister::start() { state_->inner.open_dir("", 0); }

RemoteListing TreeLister::take() {
    const auto& s = state_->inner;
    if (s.root_error)
        throw Error(ErrorKind::not_found, "cannot open " + s.root + " on " + s.client.label() + ": " + *s.root_error,
                    "check the path in the sftp:// address");
    return std::move(state_->inner.listing);
}

struct FileFetcher::State : std::enable_shared_from_this<FileFetcher::State> {
    SftpClient& client;
    std::string root;
    std::vector<RemoteEntry> files;
    FileSink sink;
    std::size_t max_open;
    std::size_t next = 0, open_now = 0;

    State(SftpClient& c, std::string r, std::vector<RemoteEntry> f, FileSink s, std::size_t m)
        : client(c), root(std::move(r)), files(std::move(f)), sink(std::move(s)), max_open(m) {}

    void start_more() {
        auto self = shared_from_this();
        while (open_now < max_open && next < files.size()) {
            auto reader = std::make_shared<FileReader>(client, files[next++]);
            reader->finished = [self](std::shared_ptr<FileReader> done) {
                --self->open_now;
                if (done->error.empty()) self->sink.on_file(done->entry, done->collected);
                else self->sink.on_error(done->entry, done->error);
                self->start_more();
            };
            ++open_now;
            client.send(
                sftp::OPEN,
                [&](sftp::Writer& w) { w.str(remote_join(root, reader->entry.path)).u32(sftp::kOpenRead).empty_attrs(); },
                [self, reader](SftpClient::Reply& reply) {
                    if (reply.type == sftp::HANDLE) {
                        reader->handle = reply.body.str();
                        reader->request_batch();
                        return;
                    }
                    --self->open_now;
                    std::string why = reply.type == sftp::STATUS ? sftp::status_text(reply.body.u32()) : "bad reply";
                    self->sink.on_error(reader->entry, why);
                    self->start_more();
                });
        }
    }
};

FileFetcher::FileFetcher(SftpClient& client, std::string root, std::vector<RemoteEntry> files, FileSink sink,
                         std::size_t max_open)
    : state_(std::make_shared<State>(client, std::move(root), std::move(files), std::move(sink), max_open)) {}
FileFetcher::~FileFetcher() = default;

void FileFetcher::start() { state_->start_more(); }

RemoteListing list_remote_tree(SftpClient& client, const std::string& root, std::size_t max_entries, int max_depth) {
    TreeLister lister(client, root, max_entries, max_depth);
    lister.start();
    client.run();
    return lister.take();
}

void fetch_remote_files(SftpClient& client, const std::string& root, const std::vector<RemoteEntry>& files,
                        const FileSink& sink, std::size_t max_open) {
    FileFetcher fetcher(client, root, files, sink, max_open);
    fetcher.start();
    client.run();
}

std::optional<std::vector<RemoteEntry>> list_remote_folder(SftpClient& client, const std::string& path) {
    // A depth-0 lister still reads the folder itself; its sub-folders come back as notes.
    TreeLister lister(client, path, 200000, 0);
    lister.start();
    client.run();
    RemoteListing listing;
    try {
        listing = lister.take();
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::not_found) return std::nullopt;
        throw;
    }
    std::vector<RemoteEntry> out = std::move(listing.files);
    for (const auto& note : listing.unreadable) {
        const std::string suffix = ": nested too deeply";
        if (note.size() > suffix.size() && note.compare(note.size() - suffix.size(), suffix.size(), suffix) == 0) {
            RemoteEntry folder{note.substr(0, note.size() - suffix.size()), {}};
            folder.attrs.permissions = 0040755;
            out.push_back(std::move(folder));
        }
    }
    return out;
}

}  // namespace mps
