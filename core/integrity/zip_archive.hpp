#pragma once
// A strict reader of release zips, built on the central directory as unzip and PHP read it.
// Opening checks the whole layout before any content is read: the end record (anywhere in the
// last 64 KiB, so long archive comments are fine), ZIP64, every central entry, and that the
// local streams they point at follow one another without overlapping and without bytes no
// entry accounts for (a second, hidden release inside the same file). Reading an entry checks
// its size and CRC-32. Anything else throws Error(usage) naming the archive.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace mps {

struct ZipEntryInfo {
    std::string name;  // raw bytes of the central directory name (may hold NUL or non-UTF-8)
    enum Kind { file, directory, symlink, special } kind = file;
    std::uint16_t method = 0;  // 0 stored, 8 deflate
    std::uint16_t flags = 0;
    std::uint32_t crc32 = 0;
    std::uint64_t compressed_size = 0;
    std::uint64_t size = 0;
    std::uint64_t local_offset = 0;
    std::uint64_t data_offset = 0;  // first byte of the compressed data
};

struct ZipLimits {
    std::size_t max_entries = 200000;
    std::uint64_t max_directory_bytes = 128ull << 20;
};

class ZipArchive {
  public:
    // ZipArchive: open `path` and check its layout; `source` names it in errors.
    ZipArchive(const std::filesystem::path& path, std::string source, const ZipLimits& limits = {});
    ~ZipArchive();
    ZipArchive(const ZipArchive&) = delete;
    ZipArchive& operator=(const ZipArchive&) = delete;

    // entries: in central directory order.
    const std::vector<ZipEntryInfo>& entries() const { return entries_; }

    // read: the contents of `entry` in blocks to `sink`; Error(usage) when they are not what
    // the central directory says (size, CRC-32) or the compressed data is damaged.
    void read(const ZipEntryInfo& entry,
              const std::function<void(const char*, std::size_t)>& sink) const;

  private:
    [[noreturn]] void fail(const std::string& what) const;
    void read_at(std::uint64_t offset, void* buffer, std::size_t size) const;
    // DirectoryPlace: where the end record (or the ZIP64 one) says the central directory is.
    struct DirectoryPlace {
        std::uint64_t count = 0, size = 0, offset = 0, end = 0;
    };
    DirectoryPlace find_directory();
    void read_directory(const ZipLimits& limits);
    // read_entry: the central directory entry `index` (of `count`) at `p`, with `available`
    // bytes left in the directory; returns its size.
    std::size_t read_entry(const unsigned char* p, std::size_t available, std::uint64_t index,
                           std::uint64_t count);
    void check_layout();

    std::string source_;
    int fd_ = -1;
    std::uint64_t file_size_ = 0;
    std::uint64_t directory_offset_ = 0;
    std::vector<ZipEntryInfo> entries_;
};

}  // namespace mps
