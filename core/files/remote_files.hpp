#pragma once
// RemoteFiles: a shop's files wherever they are (an SFTP server, an FTP server, a folder on this
// machine, an in-memory fake in tests). Listings and reads are queued, then run() does them all
// together, so a transport with round trips keeps many requests in flight while the caller's
// callbacks (run inside run()) queue more. verify, diagnose's files and logs checks and the
// core-integrity check are written against this interface only.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "files/file_attributes.hpp"
#include "util/sha256.hpp"

namespace mps {

class SshConnection;

struct RemoteEntry {
    std::string path;  // relative to the listed or read root, '/'-separated
    FileAttributes attrs;
    std::uint64_t offset = 0;  // a read starts here (a log's tail)
};

struct RemoteListing {
    std::vector<RemoteEntry> files;       // regular files and symbolic links (never followed)
    std::vector<std::string> refused;     // names refused as hostile (see acceptable_remote_name)
    std::vector<std::string> unreadable;  // "folder: reason" for folders that could not be read
    bool truncated = false;               // more than the entry limit: listing stopped there
};

// TreeEvents: what a listing tells while it runs (inside run()). `on_file` gets each file as
// soon as the answer naming it arrives (so its read can start before the rest of the tree is
// listed); `on_done` runs once, when the listing is complete (also when the root could not be
// opened: take() then throws). Either may queue further work.
struct TreeEvents {
    std::function<void(const RemoteEntry& file)> on_file;
    std::function<void()> on_done;
};

// ListLimits: every name counts towards `max_entries` (refused ones too); past it, listing stops
// and is `truncated`. A folder deeper than `max_depth` below the root is not opened: it is noted
// in `unreadable` as "path: nested too deeply" (so max_depth 0 lists one folder).
struct ListLimits {
    std::size_t max_entries = 200000;
    int max_depth = 32;
};

// FetchedFile: one file read to its end. Its digest covers every byte read; only the first
// kMaxKeptBytes are kept (enough to classify a changed file, bounded whatever the server sends).
struct FetchedFile {
    static constexpr std::size_t kMaxKeptBytes = 8u << 20;
    std::string content;     // the first bytes (all of them when `complete`)
    bool complete = true;    // false: the file is longer than kMaxKeptBytes
    std::uint64_t size = 0;  // bytes read
    std::string sha256;      // of all `size` bytes
    // digest_from_server: the server computed `sha256` (FTP HASH) and, as the sink's
    // wants_content said, the content was not read: `content` is empty, `complete` false.
    bool digest_from_server = false;
};

// FileSink: receives each read file (or an error text); called inside run(). A file that keeps
// growing while it is read (past its listed size and a margin, or past 64 MiB when no size was
// listed) ends with an error, not with partial content.
//
// wants_content (optional): a transport that can ask the server for a file's SHA-256 (FTP's
// HASH) asks it first and reads the content only when this says so (a file whose digest is the
// release's need not travel). Without it, or when the server cannot hash, files are read.
struct FileSink {
    std::function<void(const RemoteEntry& entry, FetchedFile& file)> on_file;
    std::function<void(const RemoteEntry& entry, const std::string& error)> on_error;
    std::function<bool(const RemoteEntry& entry, const std::string& sha256)> wants_content;
};

// TreeListing: one queued listing of everything below a root.
class TreeListing {
  public:
    virtual ~TreeListing() = default;
    // prefetch: folders (relative to the root) expected to be there: a transport with round
    // trips may read them ahead; one is used only when its parent's listing names it as a
    // folder, so the listing is the same as without.
    virtual void prefetch(const std::vector<std::string>& folders) { (void)folders; }
    // take: the listing, after run(); Error(not_found) when the root itself could not be read.
    virtual RemoteListing take() = 0;
};

// FileReads: queued reads of files below one root.
class FileReads {
  public:
    virtual ~FileReads() = default;
    // add: one more file, also from a callback while run() runs.
    virtual void add(RemoteEntry file) = 0;
    // pending: files given but not yet handed to the sink.
    virtual std::size_t pending() const = 0;
};

class RemoteFiles {
  public:
    virtual ~RemoteFiles() = default;

    // kind: "sftp", "ftp" or "local": the reports' transport.kind.
    virtual std::string kind() const = 0;
    // label: where the files are, for messages ("user@[host]:port", a folder).
    virtual std::string label() const = 0;
    // connect_message: the files.connect check's message (how it logged in, host key...).
    virtual std::string connect_message() const = 0;

    // stat: the attributes of `path` (absolute, or relative to the login folder), of a final
    // symbolic link's target with `follow`, of the link itself without; nothing when it does not
    // exist or cannot be asked. `done` runs inside run(). Attributes without a type are a
    // protocol error (Error(unreachable)).
    virtual void stat(const std::string& path, bool follow,
                      std::function<void(std::optional<FileAttributes>)> done) = 0;
    // list: a listing of everything below `root`, started at once (it runs in run()).
    virtual std::unique_ptr<TreeListing> list(const std::string& root, ListLimits limits,
                                              TreeEvents events) = 0;
    // read: reads of `files` (paths relative to `root`), each from its entry's offset, up to
    // `max_open` at once; more with FileReads::add. The FileReads must outlive run().
    virtual std::unique_ptr<FileReads> read(const std::string& root, std::vector<RemoteEntry> files,
                                            FileSink sink, std::size_t max_open = 128) = 0;
    // run: everything queued, and what the callbacks queue meanwhile, until nothing is left.
    // Error(unreachable) when the connection breaks.
    virtual void run() = 0;

    // bytes_received: payload bytes received so far (reports' transport.bytes).
    virtual std::uint64_t bytes_received() const = 0;
    // hashes_on_server: reads whose sink has wants_content ask the server for the digest first
    // (FTP HASH): a caller may hold files back until it knows which contents it wants.
    virtual bool hashes_on_server() const { return false; }
    // exec_connection: the SSH connection that can run commands on the server (server-side
    // hashing), or nullptr when the transport runs none.
    virtual SshConnection* exec_connection() { return nullptr; }
};

// acceptable_remote_name: a name a server may give for an entry of a folder: not empty, not
// "." or "..", at most 255 bytes, no '/', '\\' or control character.
bool acceptable_remote_name(std::string_view name);

// printable_remote_name: a name from the server as it may be shown: control characters become
// '?', at most 100 bytes.
std::string printable_remote_name(const std::string& name);

// remote_join: root + "/" + relative, without doubling slashes ("" and "." add nothing).
std::string remote_join(const std::string& root, const std::string& relative);

// FileAccumulator: builds a FetchedFile from a file's bytes in order: hashes all of them, keeps
// the first FetchedFile::kMaxKeptBytes, and stops a file that keeps growing past its listed
// size (plus a margin) or 64 MiB when no size was listed.
class FileAccumulator {
  public:
    static constexpr std::uint64_t kMaxUnlisted = 64u << 20;
    explicit FileAccumulator(const RemoteEntry& entry);
    // append: the next bytes; false once the file grew too much (error() says how).
    bool append(std::string_view data);
    const std::string& error() const { return error_; }
    // finish: the file (empty when there was an error).
    FetchedFile finish();

  private:
    std::optional<std::uint64_t> listed_;
    std::uint64_t limit_ = 0;
    FetchedFile file_;
    Sha256 hash_;
    std::string error_;
};

// list_remote_tree: one listing, run to the end.
RemoteListing list_remote_tree(RemoteFiles& files, const std::string& root, ListLimits limits = {});

// fetch_remote_files: reads, run to the end.
void fetch_remote_files(RemoteFiles& files, const std::string& root,
                        const std::vector<RemoteEntry>& entries, const FileSink& sink,
                        std::size_t max_open = 128);

// list_remote_folder: the entries of one folder (folders included, with a folder type), or
// nothing when it cannot be read.
std::optional<std::vector<RemoteEntry>> list_remote_folder(RemoteFiles& files,
                                                           const std::string& path);

// folder_entries: the entries of a listing made with max_depth 0: its files and, from the
// "nested too deeply" notes, its folders (with a folder type).
std::vector<RemoteEntry> folder_entries(RemoteListing listing);

}  // namespace mps
