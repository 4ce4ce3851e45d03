#pragma once
// RemoteFiles over FTP with TLS (explicit AUTH TLS, or implicit ftps://), on libcurl's multi
// interface: up to `connections` control connections at once (each kept open and reused by
// libcurl for the next request), one request per folder listing (MLSD when the server offers
// MLST in FEAT, else `LIST -a`), one per file read (from an offset with REST), many in flight.
//
// Errors: a server without TLS (and no allow_plain) is Error(auth) with a hint naming
// --allow-plain-ftp; a refused login Error(auth); no connection, a TLS or certificate failure or
// a stall longer than timeout_seconds Error(unreachable) naming the host. A server answering
// "421 too many connections" (or ProFTPD's "maximum number of clients") makes the client use
// fewer connections and retry that request later, not fail. The password is never logged or
// shown in a message.
//
// Digests: when FEAT offers HASH with SHA-256 (ProFTPD's mod_digest, FileZilla Server...) and
// listings use MLSD, a read whose sink has wants_content asks HASH first (one round trip on the
// control connection) and reads the file only when the sink wants it.
//
// Paths: absolute ("/var/www/shop") or relative to the login folder ("shop", "." for the login
// folder itself), as FtpUrl::path holds them.
//
// stat: answered from a listing of the path's parent folder (one request shared by every stat of
// that folder queued together). With `follow`, a symbolic link is then tried as a folder (a
// listing of it): a folder if that works, else a regular file of unknown size (a broken link
// included).
#include <memory>
#include <string>

#include "files/remote_files.hpp"
#include "net/tls_options.hpp"

namespace mps {

struct FtpOptions {
    std::string host;
    int port = 21;
    std::string user;
    std::string password;       // never logged
    bool implicit_tls = false;  // ftps://: TLS from the first byte (port 990)
    bool allow_plain = false;   // --allow-plain-ftp: TLS when offered, else clear-text FTP
    int connections = 4;        // --connections: at most this many control connections at once
    int timeout_seconds = 30;   // --timeout: connect, each server answer, and a stalled transfer
    TlsOptions tls;             // certificate checks (MPSUPPORT_CA_BUNDLE, --insecure)
    bool stat_listings = true;  // list folders with STAT where the server allows (see below)
};

class FtpFiles final : public RemoteFiles {
  public:
    // connect: log in once (and ask FEAT whether MLSD is there); throws the Errors above.
    static std::unique_ptr<FtpFiles> connect(const FtpOptions& options);
    // FtpFiles: without connecting: the first run() logs in (same Errors, thrown by run()).
    explicit FtpFiles(FtpOptions options);
    ~FtpFiles() override;
    FtpFiles(const FtpFiles&) = delete;
    FtpFiles& operator=(const FtpFiles&) = delete;

    std::string kind() const override { return "ftp"; }
    std::string label() const override;  // user@host:port
    std::string connect_message() const override;
    void stat(const std::string& path, bool follow,
              std::function<void(std::optional<FileAttributes>)> done) override;
    std::unique_ptr<TreeListing> list(const std::string& root, ListLimits limits,
                                      TreeEvents events) override;
    std::unique_ptr<FileReads> read(const std::string& root, std::vector<RemoteEntry> files,
                                    FileSink sink, std::size_t max_open) override;
    void run() override;
    std::uint64_t bytes_received() const override;
    bool hashes_on_server() const override;

    // For tests and benchmarks: MLSD in use (else LIST), TLS in use, requests made (retries
    // included), connections the client still allows itself (fewer after a 421).
    bool uses_mlsd() const;
    bool uses_tls() const;
    std::size_t requests() const;
    std::size_t listed_with_stat() const;  // folders listed over the control connection
    // hashed_on_server: files whose SHA-256 the server gave (HASH) instead of their content.
    std::size_t hashed_on_server() const;
    int connection_limit() const;

    struct Impl;

  private:
    std::unique_ptr<Impl> impl_;
};

// ftp_url_path: a remote path in the form libcurl's FTP URLs need after "ftp://host:port/":
// relative paths as they are, absolute ones with their leading '/' as %2F, every byte outside
// [A-Za-z0-9-._~/] percent-encoded; a folder gets a trailing '/'.
std::string ftp_url_path(const std::string& path, bool folder);

}  // namespace mps
