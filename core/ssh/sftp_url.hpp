#pragma once
// sftp://user@host[:port]/path/to/shop, as SPEC.md writes remote shops.
#include <optional>
#include <string>
#include <string_view>

#include "files/remote_address.hpp"

namespace mps {

struct SftpUrl : RemoteAddress {
    SftpUrl() { port = 22; }
    // display: the URL as written (sftp://h/~/x stays so), without secrets (a password in the
    // URL is never kept).
    std::string display() const;
};

// is_sftp_url: does `text` start with sftp://?
bool is_sftp_url(std::string_view text);

// parse_sftp_url: the parts of `text`; Error(usage) naming what is wrong. A password written in
// the URL (user:pass@) is refused: it would end up in shell history and logs.
SftpUrl parse_sftp_url(std::string_view text);

}  // namespace mps
