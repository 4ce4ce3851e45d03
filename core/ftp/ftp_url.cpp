#include "ftp/ftp_url.hpp"

#include "util/error.hpp"

namespace mps {

std::string FtpUrl::display() const {
    return display_remote_address(implicit_tls ? "ftps://" : "ftp://", *this,
                                  implicit_tls ? 990 : 21);
}

bool is_ftp_url(std::string_view text) {
    return text.substr(0, 6) == "ftp://" || text.substr(0, 7) == "ftps://";
}

FtpUrl parse_ftp_url(std::string_view text) {
    bool implicit = text.substr(0, 7) == "ftps://";
    AddressRules rules{implicit ? "ftps://" : "ftp://", implicit ? 990 : 21, "FTP",
                       "write it as ftp://user@host[:port]/path/to/shop (ftps:// for implicit TLS)",
                       "remove it from the address and set MPSUPPORT_FTP_PASSWORD (or type it "
                       "when asked)"};
    if (!is_ftp_url(text))
        throw Error(ErrorKind::usage, "bad FTP address: it must start with ftp:// or ftps://",
                    std::string(rules.form));
    FtpUrl url;
    static_cast<RemoteAddress&>(url) = parse_remote_address(text, rules);
    url.implicit_tls = implicit;
    return url;
}

}  // namespace mps
