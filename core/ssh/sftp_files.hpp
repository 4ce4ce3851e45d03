#pragma once
// RemoteFiles over SFTP: one SSH connection (libssh2 or the system ssh) and one pipelined SFTP
// channel; its exec connection hashes files on the server.
#include <memory>

#include "files/remote_files.hpp"
#include "ssh/ssh_session.hpp"

namespace mps {

class SftpClient;

class SftpFiles final : public RemoteFiles {
  public:
    // connect: log in (host key verified) and open the SFTP channel. Errors as connect_ssh.
    static std::unique_ptr<SftpFiles> connect(const SshOptions& options);
    // SftpFiles: over an open connection.
    explicit SftpFiles(std::unique_ptr<SshConnection> session);
    ~SftpFiles() override;

    std::string kind() const override { return "sftp"; }
    std::string label() const override;
    std::string connect_message() const override;
    void stat(const std::string& path, bool follow,
              std::function<void(std::optional<FileAttributes>)> done) override;
    std::unique_ptr<TreeListing> list(const std::string& root, ListLimits limits,
                                      TreeEvents events) override;
    std::unique_ptr<FileReads> read(const std::string& root, std::vector<RemoteEntry> files,
                                    FileSink sink, std::size_t max_open) override;
    void run() override;
    std::uint64_t bytes_received() const override;
    SshConnection* exec_connection() override { return session_.get(); }

    SftpClient& client() { return *client_; }

  private:
    std::unique_ptr<SshConnection> session_;
    std::unique_ptr<SftpClient> client_;
};

}  // namespace mps
