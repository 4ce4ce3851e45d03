#pragma once
// Where a shop's files are, as the user wrote it: sftp://user@host[:port]/path, a folder on this
// machine (/var/www/shop or file:///var/www/shop); one parser for every command that takes one
// (verify TARGET, diagnose --files, the store profile's `files`).
#include <memory>
#include <string>
#include <string_view>

#include "ssh/sftp_url.hpp"

namespace mps {

class RemoteFiles;

enum class FilesTransport { sftp, local };

struct FilesTarget {
    FilesTransport transport = FilesTransport::local;
    std::string path;     // the folder: on the server (absolute or login-relative) or here
    std::string written;  // as the user wrote it (without secrets), for messages and reports
    SftpUrl sftp;         // the parts of an sftp:// address

    const std::string& display() const { return written; }
};

// is_files_url: `text` names a transport (sftp:// or file://), not a plain folder.
bool is_files_url(std::string_view text);

// parse_files_target: sftp:// and file:// addresses and absolute folders; Error(usage) naming
// what is wrong (a relative folder, an unknown scheme, a password in the address).
FilesTarget parse_files_target(std::string_view text);

}  // namespace mps
