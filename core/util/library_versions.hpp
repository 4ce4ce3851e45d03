#pragma once
// The versions of the libraries mpsupport runs with, for `mpsupport --json --version` and bug
// reports.
#include <string>
#include <utility>
#include <vector>

namespace mps {

// library_versions: (name, version) of libcurl, libssh2, SQLite, zlib and OpenSSL: the versions
// loaded at run time.
std::vector<std::pair<std::string, std::string>> library_versions();

}  // namespace mps
