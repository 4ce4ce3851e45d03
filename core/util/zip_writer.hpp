#pragma once
// zip_bytes: a zip archive (deflated members, as unzip, libarchive and PHP read them) built in
// memory. The support bundle is its only user; it replaced libarchive, whose libraries (libxml2,
// ICU, lzma, ...) every command paid for at start-up.
#include <ctime>
#include <string>
#include <vector>

namespace mps {

struct ZipMember {
    std::string name;  // '/'-separated, relative
    std::string content;
};

// zip_bytes: the archive of `members` in order, each a regular file with mode 0644 and
// modification time `mtime` (local time, as zip's DOS dates are). Error(internal) for a member
// or an archive past 4 GiB (no ZIP64) or more than 65,535 members.
std::string zip_bytes(const std::vector<ZipMember>& members, std::time_t mtime);

}  // namespace mps
