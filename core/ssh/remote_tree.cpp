#include "ssh/remote_tree.hpp"

#include <map>
#include <memory>
#include <set>

#include "ssh/sftp_url.hpp"
#include "util/error.hpp"
#include "util/sha256.hpp"

namespace mps {
namespace {

constexpr std::uint32_t kChunk = 64 * 1024;

struct ListerState {
    SftpClient& client;
    std::string root;
    std::size_t max_entries;
    int max_depth;
    TreeEvents events;
    RemoteListing listing;
    std::size_t seen = 0;
    std::optional<std::string> root_error;
    std::size_t outstanding = 0;  // OPENDIR, READDIR and LSTAT requests not answered yet

    // A folder read ahead (prefetch) before its parent named it: used only once the parent's
    // listing names it as a folder (adopted), so the listing is what it would be without.
    struct Ahead {
        bool done = false, adopted = false, overflow = false;
        int depth = 0;
        std::optional<std::string> error;    // OPENDIR failed
        std::vector<sftp::NameEntry> names;  // as READDIR sent them
    };
    std::map<std::string, Ahead> ahead;
    std::set<std::string> opened;  // folders opened the ordinary way

    // counted: `on_reply`, then one answer fewer outstanding; the last one tells on_done. (Not
    // when on_reply throws: the run is over then.)
    SftpClient::Callback counted(SftpClient::Callback on_reply) {
        ++outstanding;
        return [this, on_reply = std::move(on_reply)](SftpClient::Reply& reply) {
            on_reply(reply);
            if (--outstanding == 0 && events.on_done) events.on_done();
        };
    }

    void close_handle(const std::string& handle) {
        client.send(
            sftp::CLOSE, [&](sftp::Writer& w) { w.str(handle); }, [](SftpClient::Reply&) {});
    }

    void open_dir(const std::string& relative, int depth) {
        if (listing.truncated) return;
        if (auto it = ahead.find(relative); it != ahead.end() && !it->second.adopted) {
            it->second.adopted = true;
            it->second.depth = depth;
            if (it->second.done) deliver(relative);
            return;
        }
        opened.insert(relative);
        client.send(
            sftp::OPENDIR,
            [&](sftp::Writer& w) { w.str(relative.empty() ? root : remote_join(root, relative)); },
            counted([this, relative, depth](SftpClient::Reply& reply) {
                if (reply.type == sftp::HANDLE) {
                    std::string handle = client.take_handle(reply);
                    if (listing.truncated) return close_handle(handle);
                    read_dir(relative, handle, depth);
                    return;
                }
                std::string why =
                    reply.type == sftp::STATUS ? sftp::status_text(reply.body.u32()) : "bad reply";
                if (relative.empty())
                    root_error = why;
                else
                    listing.unreadable.push_back(relative + ": " + why);
            }));
    }

    // add: one named entry of a folder, once its type is known.
    void add(const std::string& path, const sftp::Attributes& attrs, int depth) {
        if (attrs.is_dir()) {
            if (depth + 1 > max_depth)
                listing.unreadable.push_back(path + ": nested too deeply");
            else
                open_dir(path, depth + 1);
        } else if (attrs.is_regular() || attrs.is_link()) {
            listing.files.push_back(RemoteEntry{path, attrs});
            if (events.on_file) events.on_file(listing.files.back());
        }
    }

    // lstat: READDIR may send names without attributes (SFTP v3 allows it): ask for the type.
    void lstat(const std::string& path, int depth) {
        client.send(
            sftp::LSTAT, [&](sftp::Writer& w) { w.str(remote_join(root, path)); },
            counted([this, path, depth](SftpClient::Reply& reply) {
                if (reply.type == sftp::STATUS) {
                    std::uint32_t code = reply.body.u32();
                    if (code == sftp::NO_SUCH_FILE) return;  // gone since it was listed
                    listing.unreadable.push_back(path + ": " + sftp::status_text(code));
                    return;
                }
                sftp::Attributes attrs = reply.body.attrs();
                if (reply.type != sftp::ATTRS || reply.body.failed() || !attrs.has_type())
                    client.protocol_error("it does not say whether " + printable_remote_name(path) +
                                          " is a file or a folder (no type in READDIR or LSTAT)");
                add(path, attrs, depth);
            }));
    }

    std::optional<std::vector<sftp::NameEntry>> parse_names(SftpClient::Reply& reply) {
        auto entries = sftp::parse_names(reply.body);
        if (!entries)
            throw Error(ErrorKind::unreachable, "the SFTP server on " + client.label() +
                                                    " sent a malformed directory listing");
        return entries;
    }

    // take_names: the names of one READDIR answer of `relative`; false once the entry limit
    // is reached (reading stops there).
    bool take_names(const std::string& relative, std::vector<sftp::NameEntry>& entries, int depth) {
        for (auto& entry : entries) {
            if (entry.name == "." || entry.name == "..") continue;
            if (++seen > max_entries) {
                // Stop here: a listing that never ends must not be read forever.
                listing.truncated = true;
                return false;
            }
            std::string path = relative.empty() ? entry.name : relative + "/" + entry.name;
            if (!acceptable_remote_name(entry.name)) {
                listing.refused.push_back((relative.empty() ? "" : relative + "/") +
                                          printable_remote_name(entry.name));
                continue;
            }
            if (!entry.attrs.has_type())
                lstat(path, depth);
            else
                add(path, entry.attrs, depth);
        }
        return true;
    }

    void prefetch(const std::string& relative) {
        if (relative.empty() || listing.truncated || ahead.count(relative) ||
            opened.count(relative))
            return;
        ahead[relative];
        client.send(
            sftp::OPENDIR, [&](sftp::Writer& w) { w.str(remote_join(root, relative)); },
            counted([this, relative](SftpClient::Reply& reply) {
                if (reply.type == sftp::HANDLE)
                    return read_ahead(relative, client.take_handle(reply));
                ahead[relative].error =
                    reply.type == sftp::STATUS ? sftp::status_text(reply.body.u32()) : "bad reply";
                ahead_done(relative);
            }));
    }

    void read_ahead(const std::string& relative, const std::string& handle) {
        client.send(
            sftp::READDIR, [&](sftp::Writer& w) { w.str(handle); },
            counted([this, relative, handle](SftpClient::Reply& reply) {
                Ahead& folder = ahead[relative];
                if (reply.type != sftp::NAME || listing.truncated) {
                    close_handle(handle);
                    return ahead_done(relative);
                }
                auto entries = parse_names(reply);
                folder.names.insert(folder.names.end(), entries->begin(), entries->end());
                if (folder.names.size() > max_entries) {
                    // Not worth holding: read it again the ordinary way if it is adopted.
                    folder.overflow = true;
                    folder.names.clear();
                    close_handle(handle);
                    return ahead_done(relative);
                }
                read_ahead(relative, handle);
            }));
    }

    void ahead_done(const std::string& relative) {
        Ahead& folder = ahead[relative];
        folder.done = true;
        if (folder.adopted) deliver(relative);
    }

    // deliver: an adopted folder that was read ahead, as if it had just been read.
    void deliver(const std::string& relative) {
        Ahead& folder = ahead[relative];
        if (listing.truncated) return;
        if (folder.overflow) {
            int depth = folder.depth;
            ahead.erase(relative);
            return open_dir(relative, depth);
        }
        if (folder.error) {
            listing.unreadable.push_back(relative + ": " + *folder.error);
            return;
        }
        std::vector<sftp::NameEntry> names = std::move(folder.names);
        take_names(relative, names, folder.depth);
    }

    void read_dir(const std::string& relative, const std::string& handle, int depth) {
        client.send(
            sftp::READDIR, [&](sftp::Writer& w) { w.str(handle); },
            counted([this, relative, handle, depth](SftpClient::Reply& reply) {
                if (reply.type != sftp::NAME || listing.truncated) return close_handle(handle);
                auto entries = parse_names(reply);
                if (!take_names(relative, *entries, depth)) return close_handle(handle);
                read_dir(relative, handle, depth);
            }));
    }
};

// FileReader: reads one open file with many chunks requested at once. The size from the
// listing tells how many chunks to ask for; reading goes on only if the file turns out longer
// or the server answers short in the middle. Chunks are hashed in order as they arrive and
// only the first FetchedFile::kMaxKeptBytes are kept.
struct FileReader : std::enable_shared_from_this<FileReader> {
    struct Piece {
        std::string data;
        bool eof = false;
        std::string error;
    };

    SftpClient& client;
    RemoteEntry entry;
    std::string handle;
    FileAccumulator file;
    std::string error;
    std::vector<std::optional<Piece>> pieces;  // of the current batch, until consumed
    std::size_t next_piece = 0;                // the next to consume, in file order
    bool batch_stopped = false;                // an end, error or short read was consumed
    bool at_eof = false;
    std::size_t outstanding = 0;
    std::uint64_t offset = 0;  // file offset after the bytes consumed so far
    std::function<void(std::shared_ptr<FileReader>)> finished;

    FileReader(SftpClient& c, RemoteEntry e) : client(c), entry(std::move(e)), file(entry) {
        offset = entry.offset;
    }

    void request_batch() {
        std::uint64_t expected = entry.attrs.size.value_or(0);
        std::uint64_t left = expected > offset ? expected - offset : 0;
        std::size_t count = std::min<std::size_t>(static_cast<std::size_t>(left / kChunk) + 1, 64);
        pieces.assign(count, std::nullopt);
        next_piece = 0;
        batch_stopped = false;
        outstanding = count;
        auto self = shared_from_this();
        for (std::size_t i = 0; i < count; ++i)
            client.send(
                sftp::READ,
                [&](sftp::Writer& w) { w.str(handle).u64(offset + i * kChunk).u32(kChunk); },
                [self, i](SftpClient::Reply& reply) { self->on_chunk(i, reply); });
    }

    void on_chunk(std::size_t i, SftpClient::Reply& reply) {
        Piece piece;
        if (reply.type == sftp::DATA) {
            piece.data = reply.body.str();
            if (reply.body.failed())
                client.protocol_error("a DATA reply for " + printable_remote_name(entry.path) +
                                      " whose length runs past its packet");
            if (piece.data.size() > kChunk)
                client.protocol_error("a DATA reply for " + printable_remote_name(entry.path) +
                                      " of " + std::to_string(piece.data.size()) + " bytes where " +
                                      std::to_string(kChunk) + " were asked for");
        } else if (reply.type == sftp::STATUS) {
            std::uint32_t code = reply.body.u32();
            if (code == sftp::END_OF_FILE)
                piece.eof = true;
            else
                piece.error = sftp::status_text(code);
        } else {
            client.protocol_error("a reply of type " + std::to_string(reply.type) + " to a READ");
        }
        pieces[i] = std::move(piece);
        --outstanding;
        while (!batch_stopped && next_piece < pieces.size() && pieces[next_piece]) {
            consume(*pieces[next_piece]);
            pieces[next_piece++].reset();
        }
        if (outstanding > 0) return;
        pieces.clear();
        if (!error.empty() || at_eof) return close();
        if (offset >= entry.attrs.size.value_or(0) && batch_stopped)
            return close();  // short at the end
        request_batch();     // short in the middle, or every chunk full: read on from here
    }

    void consume(const Piece& piece) {
        if (!piece.error.empty()) {
            error = piece.error;
            batch_stopped = true;
            return;
        }
        if (piece.eof) {
            at_eof = true;  // the end, exactly where the data stopped
            batch_stopped = true;
            return;
        }
        offset += piece.data.size();
        if (!file.append(piece.data)) {
            error = file.error();
            batch_stopped = true;
            return;
        }
        if (piece.data.size() < kChunk)
            batch_stopped = true;  // short: the end, or read on from here
    }

    void close() {
        // The content is complete: hand it over now and let the CLOSE answer arrive whenever,
        // so the next file starts a round trip earlier.
        client.send(
            sftp::CLOSE, [&](sftp::Writer& w) { w.str(handle); }, [](SftpClient::Reply&) {});
        finished(shared_from_this());
    }
};

}  // namespace

struct TreeLister::State {
    ListerState inner;
};

TreeLister::TreeLister(SftpClient& client, std::string root, std::size_t max_entries, int max_depth,
                       TreeEvents events)
    : state_(std::make_shared<State>(
          State{ListerState{client, std::move(root), max_entries, max_depth, std::move(events)}})) {
}
TreeLister::~TreeLister() = default;

void TreeLister::start() {
    state_->inner.open_dir("", 0);
}

void TreeLister::prefetch(const std::vector<std::string>& folders) {
    for (const auto& folder : folders) state_->inner.prefetch(folder);
}

RemoteListing TreeLister::take() {
    const auto& s = state_->inner;
    if (s.root_error)
        throw Error(ErrorKind::not_found,
                    "cannot open " + display_remote_path(s.root) + " on " + s.client.label() +
                        ": " + *s.root_error,
                    "check the path in the sftp:// address");
    return std::move(state_->inner.listing);
}

struct FileFetcher::State : std::enable_shared_from_this<FileFetcher::State> {
    SftpClient& client;
    std::string root;
    std::vector<RemoteEntry> files;
    FileSink sink;
    std::size_t max_open;
    std::size_t next = 0, open_now = 0, done = 0;

    State(SftpClient& c, std::string r, std::vector<RemoteEntry> f, FileSink s, std::size_t m)
        : client(c), root(std::move(r)), files(std::move(f)), sink(std::move(s)), max_open(m) {}

    void start_more() {
        auto self = shared_from_this();
        while (open_now < max_open && next < files.size()) {
            auto reader = std::make_shared<FileReader>(client, files[next++]);
            reader->finished = [self](std::shared_ptr<FileReader> done) {
                --self->open_now;
                ++self->done;
                if (done->error.empty()) {
                    FetchedFile file = done->file.finish();
                    self->sink.on_file(done->entry, file);
                } else
                    self->sink.on_error(done->entry, done->error);
                self->start_more();
            };
            ++open_now;
            client.send(
                sftp::OPEN,
                [&](sftp::Writer& w) {
                    w.str(remote_join(root, reader->entry.path)).u32(sftp::kOpenRead).empty_attrs();
                },
                [self, reader](SftpClient::Reply& reply) {
                    if (reply.type == sftp::HANDLE) {
                        reader->handle = self->client.take_handle(reply);
                        reader->request_batch();
                        return;
                    }
                    --self->open_now;
                    ++self->done;
                    std::string why = reply.type == sftp::STATUS
                                          ? sftp::status_text(reply.body.u32())
                                          : "bad reply";
                    self->sink.on_error(reader->entry, why);
                    self->start_more();
                });
        }
    }
};

FileFetcher::FileFetcher(SftpClient& client, std::string root, std::vector<RemoteEntry> files,
                         FileSink sink, std::size_t max_open)
    : state_(std::make_shared<State>(client, std::move(root), std::move(files), std::move(sink),
                                     max_open)) {}
FileFetcher::~FileFetcher() = default;

void FileFetcher::start() {
    state_->start_more();
}

void FileFetcher::add(RemoteEntry file) {
    state_->files.push_back(std::move(file));
    state_->start_more();
}

std::size_t FileFetcher::pending() const {
    return state_->files.size() - state_->done;
}

}  // namespace mps
