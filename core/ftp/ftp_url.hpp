#pragma once
// ftp://user@host[:port]/path (explicit TLS, AUTH TLS, port 21) and ftps://user@host[:port]/path
// (implicit TLS, port 990), as a shop's FTP access is written.
#include <string>
#include <string_view>

#include "files/remote_address.hpp"

namespace mps {

struct FtpUrl : RemoteAddress {
    FtpUrl() { port = 21; }
    bool implicit_tls = false;  // ftps://

    // display: the URL as written (ftp://h/~/x stays so), never with a password.
    std::string display() const;
};

// is_ftp_url: does `text` start with ftp:// or ftps://?
bool is_ftp_url(std::string_view text);

// parse_ftp_url: the parts of `text`; Error(usage) naming what is wrong. A password written in
// the URL (user:pass@) is refused (it would end up in shell history and logs): the hint names
// MPSUPPORT_FTP_PASSWORD.
FtpUrl parse_ftp_url(std::string_view text);

}  // namespace mps
