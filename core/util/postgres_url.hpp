#pragma once

#include <string_view>

namespace mps {

// postgres_url_has_password: whether a postgresql:// URL carries a password, as libpq would
// read it: "user:secret@" before the host, or a "password" parameter (libpq percent-decodes
// parameter names, so "?%70assword=" counts). The config file and the command line refuse
// such URLs: the password would show in files, the environment and process lists.
bool postgres_url_has_password(std::string_view url);

}  // namespace mps
