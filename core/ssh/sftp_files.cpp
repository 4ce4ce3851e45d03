#include "ssh/sftp_files.hpp"

#include "ssh/remote_tree.hpp"
#include "ssh/sftp_client.hpp"
#include "util/log.hpp"

namespace mps {

std::unique_ptr<SftpFiles> SftpFiles::connect(const SshOptions& options) {
    return std::make_unique<SftpFiles>(connect_ssh(options));
}

SftpFiles::SftpFiles(std::unique_ptr<SshConnection> session)
    : session_(std::move(session)), client_(std::make_unique<SftpClient>(*session_)) {}

SftpFiles::~SftpFiles() {
    if (client_)
        log::debug("{}: {} SFTP requests in {} runs", session_->label(), client_->requests_sent(),
                   client_->runs());
}

std::string SftpFiles::label() const {
    return session_->label();
}

std::string SftpFiles::connect_message() const {
    return "connected to " + session_->label() + " (" + session_->auth_method() + "), host key " +
           session_->host_key_fingerprint();
}

void SftpFiles::stat(const std::string& path, bool follow,
                     std::function<void(std::optional<FileAttributes>)> done) {
    SftpClient& client = *client_;
    client.send(
        follow ? sftp::STAT : sftp::LSTAT, [&](sftp::Writer& w) { w.str(path); },
        [&client, path, done = std::move(done)](SftpClient::Reply& reply) {
            if (reply.type != sftp::ATTRS) return done(std::nullopt);
            sftp::Attributes attrs = reply.body.attrs();
            if (reply.body.failed() || !attrs.has_type())
                client.protocol_error("it does not say whether " + printable_remote_name(path) +
                                      " is a file or a folder (no type in STAT)");
            done(attrs);
        });
}

std::unique_ptr<TreeListing> SftpFiles::list(const std::string& root, ListLimits limits,
                                             TreeEvents events) {
    auto lister = std::make_unique<TreeLister>(*client_, root, limits.max_entries, limits.max_depth,
                                               std::move(events));
    lister->start();
    return lister;
}

std::unique_ptr<FileReads> SftpFiles::read(const std::string& root, std::vector<RemoteEntry> files,
                                           FileSink sink, std::size_t max_open) {
    auto fetcher =
        std::make_unique<FileFetcher>(*client_, root, std::move(files), std::move(sink), max_open);
    fetcher->start();
    return fetcher;
}

void SftpFiles::run() {
    client_->run();
}

std::uint64_t SftpFiles::bytes_received() const {
    return client_->bytes_received();
}

}  // namespace mps
