#pragma once
// An installed module folder on the local disk, listed and hashed.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "integrity/compare.hpp"

namespace mps {

struct LocalScan {
    std::vector<InstalledFile> files;     // unreadable ones carry the reason in `unreadable`
    std::vector<std::string> unreadable;  // sub-folders that could not be listed: "path: reason"
};

// scan_local_module: every file below `dir` with its SHA-256 and size, hashed on `threads`
// threads. Symbolic links are listed (is_link) but never followed; junk (.DS_Store...) is
// skipped. A file or sub-folder that cannot be read is reported, as over SFTP, and the rest is
// still scanned; only an unreadable `dir` itself throws Error(usage).
// `same_size` (when set) says whether the release has a file of that path and size: only those
// are hashed, others are known to differ (sha256 left empty), so that a huge changed file costs
// no read at all.
LocalScan scan_local_module(
    const std::filesystem::path& dir, unsigned threads,
    const std::function<bool(const std::string& path, std::uint64_t size)>& same_size = {});

}  // namespace mps
