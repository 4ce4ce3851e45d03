#pragma once
// RemoteFiles over this machine's own file system: for a shop owner who runs mpsupport on the
// shop's server (`--files /var/www/shop`), and for tests of the remote checks without a server.
// Work queued is done in run(), in order, with the same limits and name checks as a server's.
#include <deque>
#include <functional>
#include <string>

#include "files/remote_files.hpp"

namespace mps {

class LocalFiles final : public RemoteFiles {
  public:
    LocalFiles() = default;

    std::string kind() const override { return "local"; }
    std::string label() const override { return "this machine"; }
    std::string connect_message() const override { return "reading the files on this machine"; }
    void stat(const std::string& path, bool follow,
              std::function<void(std::optional<FileAttributes>)> done) override;
    std::unique_ptr<TreeListing> list(const std::string& root, ListLimits limits,
                                      TreeEvents events) override;
    std::unique_ptr<FileReads> read(const std::string& root, std::vector<RemoteEntry> files,
                                    FileSink sink, std::size_t max_open) override;
    void run() override;
    std::uint64_t bytes_received() const override { return bytes_; }

  private:
    std::deque<std::function<void()>> queue_;
    std::uint64_t bytes_ = 0;
};

// local_attributes: the attributes of a local path (lstat, or stat with `follow`), or nothing.
std::optional<FileAttributes> local_attributes(const std::string& path, bool follow);

}  // namespace mps
