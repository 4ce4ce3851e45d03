#include "ssh/sftp_url.hpp"

namespace mps {

std::string SftpUrl::display() const {
    return display_remote_address("sftp://", *this, 22);
}

bool is_sftp_url(std::string_view text) {
    return text.substr(0, 7) == "sftp://";
}

SftpUrl parse_sftp_url(std::string_view text) {
    static const AddressRules rules{
        "sftp://", 22, "SFTP", "write it as sftp://user@host[:port]/path/to/shop",
        "remove it from the address and set MPSUPPORT_SFTP_PASSWORD, or use a key"};
    SftpUrl url;
    static_cast<RemoteAddress&>(url) = parse_remote_address(text, rules);
    return url;
}

}  // namespace mps
