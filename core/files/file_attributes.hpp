#pragma once
// What a server tells about one file: every field may be missing (SFTP v3 and FTP listings may
// leave any out).
#include <cstdint>
#include <optional>

namespace mps {

struct FileAttributes {
    std::optional<std::uint64_t> size;
    std::optional<std::uint32_t> permissions;  // includes the S_IFMT type bits
    std::optional<std::uint32_t> mtime;        // seconds since the epoch
    // has_type: the permissions carry the S_IFMT file type.
    bool has_type() const;
    bool is_dir() const;
    bool is_regular() const;
    bool is_link() const;
};

}  // namespace mps
