#pragma once
// The versions of the libraries mpsupport runs with, for `mpsupport --json --version` and bug
// reports.
#include <string>
#include <utility>
#include <vector>

namespace mps {

// library_versions: (name, version) of libcurl (the version built against), libssh2, SQLite,
// libarchive and OpenSSL (the versions loaded).
std::vector<std::pair<std::string, std::string>> library_versions();

}  // namespace mps
