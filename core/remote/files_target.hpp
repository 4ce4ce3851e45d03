#pragma once
// Where a shop's files are, as the user wrote it: sftp://user@host[:port]/path,
// ftp://user@host[:port]/path (explicit TLS), ftps://... (implicit TLS), a folder on this machine
// (/var/www/shop or file:///var/www/shop); one parser for every command that takes one
// (verify TARGET, diagnose --files, the store profile's `files`).
#include <memory>
#include <string>
#include <string_view>

#include "ftp/ftp_url.hpp"
#include "ssh/sftp_url.hpp"

namespace mps {

class RemoteFiles;

enum class FilesTransport { sftp, ftp, local };

struct FilesTarget {
    FilesTransport transport = FilesTransport::local;
    std::string path;     // the folder: on the server (absolute or login-relative) or here
    std::string written;  // as the user wrote it (without secrets), for messages and reports
    SftpUrl sftp;         // the parts of an sftp:// address
    FtpUrl ftp;           // the parts of an ftp:// or ftps:// address

    const std::string& display() const { return written; }
};

// is_files_url: `text` names a transport (sftp://, ftp://, ftps://, file://), not a folder.
bool is_files_url(std::string_view text);

// parse_files_target: those addresses and absolute folders; Error(usage) naming
// what is wrong (a relative folder, an unknown scheme, a password in the address).
FilesTarget parse_files_target(std::string_view text);

}  // namespace mps
