#pragma once
// Folder trees and file contents over a pipelined SftpClient: every directory of a level is
// read at once, and many files are open and read at once.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ssh/sftp_client.hpp"

namespace mps {

struct RemoteEntry {
    std::string path;  // relative to the listed root, '/'-separated
    sftp::Attributes attrs;
    std::uint64_t offset = 0;  // FileFetcher reads from here (a log's tail)
};

struct RemoteListing {
    std::vector<RemoteEntry> files;    // regular files and symbolic links (never followed)
    std::vector<std::string> refused;  // names refused as hostile ("..", "/", control characters)
    std::vector<std::string> unreadable;  // folders that could not be opened, with the reason
    bool truncated = false;               // more than the entry limit: listing stopped there
};

// TreeEvents: what a TreeLister tells while it lists (inside run()). `on_file` gets each file as
// soon as the READDIR answer that names it arrives (so its fetch can start before the rest of
// the tree is listed); `on_done` runs once, when the last answer of the listing arrived (also
// when the root could not be opened: take() then throws). Either may send further requests.
struct TreeEvents {
    std::function<void(const RemoteEntry& file)> on_file;
    std::function<void()> on_done;
};

// TreeLister: lists everything below `root` (absolute or login-relative). start() queues the
// requests; the caller runs the client (possibly with other work in flight), then take().
// Every name counts towards `max_entries` (refused ones too); past it, reading stops and the
// listing is `truncated`. Entries listed without a type are asked for with LSTAT; a server that
// will not tell a file from a folder is a protocol error (Error(unreachable)).
class TreeLister {
  public:
    TreeLister(SftpClient& client, std::string root, std::size_t max_entries = 200000,
               int max_depth = 32, TreeEvents events = {});
    ~TreeLister();
    void start();
    // prefetch: folders (relative to the root) expected to be there, e.g. those of a module's
    // release: each is opened and read at once instead of a round trip or two after its parent
    // was listed, which takes the depth of the tree out of the time. One is used only when its
    // parent's listing names it as a folder (never through a link, never past max_depth), so
    // the listing is the same as without; the others are just dropped.
    void prefetch(const std::vector<std::string>& folders);
    // take: the listing; Error(not_found) when `root` itself could not be opened.
    RemoteListing take();

  private:
    struct State;
    std::shared_ptr<State> state_;
};

// FetchedFile: one file read to its end. Its digest covers every byte read; only the first
// kMaxKeptBytes are kept (enough to classify a changed file, bounded whatever the server sends).
struct FetchedFile {
    static constexpr std::size_t kMaxKeptBytes = 8u << 20;
    std::string content;     // the first bytes (all of them when `complete`)
    bool complete = true;    // false: the file is longer than kMaxKeptBytes
    std::uint64_t size = 0;  // bytes read
    std::string sha256;      // of all `size` bytes
};

// FileSink: receives each fetched file (or an error text); called inside run(). A file that keeps
// growing while it is read (past its listed size and a margin, or past 64 MiB when no size was
// listed) ends with an error, not with partial content.
struct FileSink {
    std::function<void(const RemoteEntry& entry, FetchedFile& file)> on_file;
    std::function<void(const RemoteEntry& entry, const std::string& error)> on_error;
};

// FileFetcher: reads files (paths relative to `root`), up to `max_open` at once. start()
// queues the first requests; the caller runs the client. add() queues one more file, also while
// the client runs (from a TreeEvents::on_file): it is opened at once when fewer than `max_open`
// are. The fetcher must outlive run().
class FileFetcher {
  public:
    FileFetcher(SftpClient& client, std::string root, std::vector<RemoteEntry> files, FileSink sink,
                std::size_t max_open = 128);
    ~FileFetcher();
    void start();
    void add(RemoteEntry file);
    // pending: files added or given but not yet handed to the sink.
    std::size_t pending() const;

  private:
    struct State;
    std::shared_ptr<State> state_;
};

// list_remote_tree: TreeLister, run to the end.
RemoteListing list_remote_tree(SftpClient& client, const std::string& root,
                               std::size_t max_entries = 200000, int max_depth = 32);

// fetch_remote_files: FileFetcher, run to the end.
void fetch_remote_files(SftpClient& client, const std::string& root,
                        const std::vector<RemoteEntry>& files, const FileSink& sink,
                        std::size_t max_open = 128);

// list_remote_folder: the entries of one folder (folders included), or nothing when it cannot
// be opened.
std::optional<std::vector<RemoteEntry>> list_remote_folder(SftpClient& client,
                                                           const std::string& path);

// folder_entries: the entries of a listing made with max_depth 0: its files and, from the
// "nested too deeply" notes, its folders (with a folder type).
std::vector<RemoteEntry> folder_entries(RemoteListing listing);

// printable_remote_name: a name from the server as it may be shown: control characters become
// '?', at most 100 bytes.
std::string printable_remote_name(const std::string& name);

// remote_join: root + "/" + relative, without doubling slashes.
std::string remote_join(const std::string& root, const std::string& relative);

}  // namespace mps
