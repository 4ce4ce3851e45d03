#pragma once
// A pristine release as stored: which files a module version holds and their digests.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace mps {

struct ManifestFile {
    std::string path;  // relative to the module folder
    std::string sha256;
    std::uint64_t size = 0;
};

struct Manifest {
    std::string module;
    std::string version;
    std::string digest;    // sha256 over the sorted (path, sha256) list: the release's identity
    std::string source;    // file name the release came from
    std::string added_at;  // ISO 8601 UTC
    std::vector<ManifestFile> files;  // sorted by path

    std::uint64_t total_bytes() const;
    // find: the entry for `path`, or nullptr.
    const ManifestFile* find(const std::string& path) const;
};

// release_digest: the identity of a file list (order-independent).
std::string release_digest(const std::vector<ManifestFile>& files);

// manifest_to_json / manifest_from_json: the on-disk form. Parsing validates every field
// (names, versions, paths, digests) and throws Error(usage) naming `origin` when it is damaged.
std::string manifest_to_json(const Manifest& manifest);
Manifest manifest_from_json(const std::string& text, const std::string& origin);

}  // namespace mps
