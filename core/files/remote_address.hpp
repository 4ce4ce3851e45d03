#pragma once
// SCHEME://[USER@]HOST[:PORT]/PATH, the one parser behind sftp://, ftp:// and ftps:// addresses:
// the same rules for users, hosts ([IPv6]), ports and paths, and a password written in the
// address always refused (it would end up in shell history and logs).
#include <string>
#include <string_view>

namespace mps {

struct RemoteAddress {
    std::string user;
    std::string host;
    int port = 0;
    std::string path;  // absolute, or relative to the login folder when written /~/x ("." for /~)
};

struct AddressRules {
    std::string_view scheme;  // "sftp://"
    int default_port = 0;
    std::string_view name;           // "SFTP": "bad SFTP address ..."
    std::string_view form;           // the hint: "write it as sftp://user@host[:port]/path"
    std::string_view password_hint;  // what to do instead of a password in the address
};

// parse_remote_address: the parts of `text` (which starts with rules.scheme); Error(usage)
// naming what is wrong, with the address echoed without any password and control characters.
RemoteAddress parse_remote_address(std::string_view text, const AddressRules& rules);

// display_remote_address: the address as written: no default port, login-relative paths as
// /~/path.
std::string display_remote_address(std::string_view scheme, const RemoteAddress& address,
                                   int default_port);

// display_remote_path: a path as sent to the server, for messages: absolute ones as they are,
// relative ones (to the login folder) as ~/path, "." as ~.
std::string display_remote_path(const std::string& path);

}  // namespace mps
