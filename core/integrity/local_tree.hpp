#pragma once
// An installed module folder on the local disk, listed and hashed.
#include <filesystem>
#include <string>
#include <vector>

#include "integrity/compare.hpp"

namespace mps {

// scan_local_module: every file below `dir` with its SHA-256, hashed on `threads` threads.
// Symbolic links are listed (is_link) but never followed; junk (.DS_Store...) is skipped.
std::vector<InstalledFile> scan_local_module(const std::filesystem::path& dir, unsigned threads);

}  // namespace mps
