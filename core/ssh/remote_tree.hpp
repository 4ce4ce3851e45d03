#pragma once
// Folder trees and file contents over a pipelined SftpClient: every directory of a level is
// read at once, and many files are open and read at once.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "files/remote_files.hpp"
#include "ssh/sftp_client.hpp"

namespace mps {

// TreeLister: lists everything below `root` (absolute or login-relative). start() queues the
// requests; the caller runs the client (possibly with other work in flight), then take().
// Every name counts towards `max_entries` (refused ones too); past it, reading stops and the
// listing is `truncated`. Entries listed without a type are asked for with LSTAT; a server that
// will not tell a file from a folder is a protocol error (Error(unreachable)).
class TreeLister final : public TreeListing {
  public:
    TreeLister(SftpClient& client, std::string root, std::size_t max_entries = 200000,
               int max_depth = 32, TreeEvents events = {});
    ~TreeLister() override;
    void start();
    // prefetch: folders (relative to the root) expected to be there, e.g. those of a module's
    // release: each is opened and read at once instead of a round trip or two after its parent
    // was listed, which takes the depth of the tree out of the time. One is used only when its
    // parent's listing names it as a folder (never through a link, never past max_depth), so
    // the listing is the same as without; the others are just dropped.
    void prefetch(const std::vector<std::string>& folders) override;
    // take: the listing; Error(not_found) when `root` itself could not be opened.
    RemoteListing take() override;

  private:
    struct State;
    std::shared_ptr<State> state_;
};

// FileFetcher: reads files (paths relative to `root`), up to `max_open` at once. start()
// queues the first requests; the caller runs the client. add() queues one more file, also while
// the client runs (from a TreeEvents::on_file): it is opened at once when fewer than `max_open`
// are. The fetcher must outlive run().
class FileFetcher final : public FileReads {
  public:
    FileFetcher(SftpClient& client, std::string root, std::vector<RemoteEntry> files, FileSink sink,
                std::size_t max_open = 128);
    ~FileFetcher() override;
    void start();
    void add(RemoteEntry file) override;
    // pending: files added or given but not yet handed to the sink.
    std::size_t pending() const override;

  private:
    struct State;
    std::shared_ptr<State> state_;
};

}  // namespace mps
