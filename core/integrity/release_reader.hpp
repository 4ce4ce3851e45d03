#pragma once
// Reads a module release (a zip archive or a folder) into a staging folder, file by file,
// hashing as it copies. Every entry is checked first: names that leave the folder, hold a NUL
// or control character or are not UTF-8, links, duplicates, a name that is both a file and a
// folder, devices, truncated, damaged (CRC-32) or non-zip data, zips whose central directory
// does not match their local entries (integrity/zip_archive.hpp), and folders that cannot be
// listed are refused with Error(usage), and the caller discards the staging folder, so nothing
// half-read is ever kept.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace mps {

struct StagedFile {
    std::string path;    // relative, '/'-separated, as in the release
    std::string sha256;  // content digest
    std::uint64_t size = 0;
    std::filesystem::path staged;  // the copy in the staging folder
};

// read_zip_release: every regular file of `zip`, copied under `staging`.
std::vector<StagedFile> read_zip_release(const std::filesystem::path& zip,
                                         const std::filesystem::path& staging);

// read_dir_release: every regular file below `dir`, copied under `staging`. Symbolic links
// and special files are refused.
std::vector<StagedFile> read_dir_release(const std::filesystem::path& dir,
                                         const std::filesystem::path& staging);

// strip_common_folder: when every path starts with the same folder ("mymodule/..."), remove
// it and return its name; otherwise return "" and leave the paths alone.
std::string strip_common_folder(std::vector<StagedFile>& files);

}  // namespace mps
