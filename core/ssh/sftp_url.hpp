#pragma once
// sftp://user@host[:port]/path/to/shop, as SPEC.md writes remote shops.
#include <optional>
#include <string>
#include <string_view>

namespace mps {

struct SftpUrl {
    std::string user;
    std::string host;
    int port = 22;
    std::string path;  // absolute, or relative to the login folder when written sftp://h/~/x

    // display: the URL as written (sftp://h/~/x stays so), without secrets (a password in the
    // URL is never kept).
    std::string display() const;
};

// display_remote_path: a path as sent to the SFTP server, for messages: absolute ones as they
// are, relative ones (to the login folder) as ~/path, "." as ~.
std::string display_remote_path(const std::string& path);

// is_sftp_url: does `text` start with sftp://?
bool is_sftp_url(std::string_view text);

// parse_sftp_url: the parts of `text`; Error(usage) naming what is wrong. A password written in
// the URL (user:pass@) is refused: it would end up in shell history and logs.
SftpUrl parse_sftp_url(std::string_view text);

}  // namespace mps
