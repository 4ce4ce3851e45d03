#include "integrity/zip_archive.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <numeric>

#include "integrity/entry_name.hpp"
#include "util/error.hpp"

namespace fs = std::filesystem;

namespace mps {
namespace {

constexpr std::uint32_t kLocalSig = 0x04034b50;
constexpr std::uint32_t kCentralSig = 0x02014b50;
constexpr std::uint32_t kEndSig = 0x06054b50;
constexpr std::uint32_t kZip64EndSig = 0x06064b50;
constexpr std::uint32_t kZip64LocatorSig = 0x07064b50;
constexpr std::size_t kEndSize = 22;
constexpr std::size_t kCentralSize = 46;
constexpr std::size_t kLocalSize = 30;
constexpr std::size_t kZip64EndSize = 56;
constexpr std::size_t kZip64LocatorSize = 20;
constexpr std::size_t kBlock = 1 << 16;

std::uint16_t u16(const unsigned char* p) {
    return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}
std::uint32_t u32(const unsigned char* p) {
    return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
           (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}
std::uint64_t u64(const unsigned char* p) {
    return u32(p) | (static_cast<std::uint64_t>(u32(p + 4)) << 32);
}

std::string quoted(const ZipEntryInfo& entry) {
    return "'" + escaped_name(entry.name) + "'";
}

}  // namespace

ZipArchive::ZipArchive(const fs::path& path, std::string source, const ZipLimits& limits)
    : source_(std::move(source)) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0)
        throw Error(ErrorKind::usage, "cannot open " + source_ + ": " + std::strerror(errno),
                    "give a module release .zip or its unpacked folder");
    struct stat st {};
    if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd_);
        throw Error(ErrorKind::usage, "cannot open " + source_ + ": not a regular file",
                    "give a module release .zip or its unpacked folder");
    }
    file_size_ = static_cast<std::uint64_t>(st.st_size);
    try {
        read_directory(limits);
        check_layout();
    } catch (...) {
        ::close(fd_);
        throw;
    }
}

ZipArchive::~ZipArchive() {
    if (fd_ >= 0) ::close(fd_);
}

void ZipArchive::fail(const std::string& what) const {
    throw Error(ErrorKind::usage, source_ + " is not a readable zip archive (" + what + ")",
                "the file is truncated, damaged or crafted; download the release again");
}

void ZipArchive::read_at(std::uint64_t offset, void* buffer, std::size_t size) const {
    if (offset > file_size_ || size > file_size_ - offset) fail("it ends early: truncated");
    char* out = static_cast<char*>(buffer);
    while (size > 0) {
        ssize_t got = ::pread(fd_, out, size, static_cast<off_t>(offset));
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) fail(std::string("read error: ") + std::strerror(errno));
        if (got == 0) fail("it ends early: truncated");
        out += got;
        offset += static_cast<std::uint64_t>(got);
        size -= static_cast<std::size_t>(got);
    }
}

ZipArchive::DirectoryPlace ZipArchive::find_directory() {
    if (file_size_ < kEndSize) fail("too short to be a zip");
    // The end record: 22 bytes plus a comment of up to 65,535 bytes, at the very end.
    std::size_t tail_size =
        static_cast<std::size_t>(std::min<std::uint64_t>(file_size_, kEndSize + 0xFFFF));
    std::vector<unsigned char> tail(tail_size);
    std::uint64_t tail_start = file_size_ - tail_size;
    read_at(tail_start, tail.data(), tail_size);
    std::size_t end_pos = std::string::npos;
    for (std::size_t pos = tail_size - kEndSize + 1; pos-- > 0;) {
        const unsigned char* p = tail.data() + pos;
        if (u32(p) != kEndSig || pos + kEndSize + u16(p + 20) != tail_size) continue;
        if (end_pos != std::string::npos) fail("two end of central directory records");
        end_pos = pos;
    }
    if (end_pos == std::string::npos)
        fail("no end of central directory record: not a zip, or truncated");
    const unsigned char* end = tail.data() + end_pos;
    std::uint64_t end_offset = tail_start + end_pos;
    DirectoryPlace place{u16(end + 10), u32(end + 12), u32(end + 16), end_offset};
    if (u16(end + 4) != 0 || u16(end + 6) != 0 || u16(end + 8) != u16(end + 10))
        fail("a multi-part archive");

    bool zip64 = false;
    if (end_offset >= kZip64LocatorSize) {
        unsigned char locator[kZip64LocatorSize];
        read_at(end_offset - kZip64LocatorSize, locator, sizeof locator);
        zip64 = u32(locator) == kZip64LocatorSig;
        if (zip64) {
            std::uint64_t record_offset = u64(locator + 8);
            if (u32(locator + 4) != 0 || u32(locator + 16) > 1) fail("a multi-part archive");
            if (record_offset > end_offset - kZip64LocatorSize ||
                end_offset - kZip64LocatorSize - record_offset < kZip64EndSize)
                fail("bad ZIP64 end record location");
            unsigned char record[kZip64EndSize];
            read_at(record_offset, record, sizeof record);
            if (u32(record) != kZip64EndSig) fail("no ZIP64 end record where its locator points");
            if (u32(record + 16) != 0 || u32(record + 20) != 0 ||
                u64(record + 24) != u64(record + 32))
                fail("a multi-part archive");
            place = {u64(record + 32), u64(record + 40), u64(record + 48), record_offset};
        }
    }
    if (!zip64 &&
        (place.count == 0xFFFF || place.size == 0xFFFFFFFFu || place.offset == 0xFFFFFFFFu))
        fail("ZIP64 values without a ZIP64 end record");
    return place;
}

void ZipArchive::read_directory(const ZipLimits& limits) {
    DirectoryPlace place = find_directory();
    if (place.count > limits.max_entries)
        throw Error(
            ErrorKind::usage,
            source_ + " lists " + std::to_string(place.count) + " entries, more than " +
                std::to_string(limits.max_entries) + "; refusing it",
            "a module release holds far fewer files; get the release again from the vendor");
    if (place.size > limits.max_directory_bytes) fail("central directory too large");
    if (place.offset > place.end || place.end - place.offset != place.size)
        fail(
            "the central directory is not where the end record says: truncated, or bytes were "
            "added");
    directory_offset_ = place.offset;

    std::vector<unsigned char> directory(static_cast<std::size_t>(place.size));
    read_at(place.offset, directory.data(), directory.size());
    std::size_t pos = 0;
    entries_.reserve(static_cast<std::size_t>(place.count));
    for (std::uint64_t i = 0; i < place.count; ++i)
        pos += read_entry(directory.data() + pos, directory.size() - pos, i, place.count);
    if (pos != directory.size()) fail("the central directory holds more than the entries it lists");
}

std::size_t ZipArchive::read_entry(const unsigned char* p, std::size_t available,
                                   std::uint64_t index, std::uint64_t count) {
    if (available < kCentralSize || u32(p) != kCentralSig)
        fail("central directory entry " + std::to_string(index + 1) + " of " +
             std::to_string(count) + " is missing or damaged");
    std::size_t name_size = u16(p + 28), extra_size = u16(p + 30), comment_size = u16(p + 32);
    if (available - kCentralSize < name_size + extra_size + comment_size)
        fail("central directory entry " + std::to_string(index + 1) + " runs past the directory");
    ZipEntryInfo entry;
    entry.flags = u16(p + 8);
    entry.method = u16(p + 10);
    entry.crc32 = u32(p + 16);
    entry.compressed_size = u32(p + 20);
    entry.size = u32(p + 24);
    entry.local_offset = u32(p + 42);
    std::uint32_t disk = u16(p + 34);
    entry.name.assign(reinterpret_cast<const char*>(p + kCentralSize), name_size);
    // ZIP64 extra field: the 64-bit values of the fields that hold all ones, in order.
    const unsigned char* extra = p + kCentralSize + name_size;
    for (std::size_t at = 0; at + 4 <= extra_size;) {
        std::uint16_t id = u16(extra + at), size = u16(extra + at + 2);
        if (at + 4 + size > extra_size) fail("damaged extra field in entry " + quoted(entry));
        if (id == 0x0001) {
            const unsigned char* v = extra + at + 4;
            std::size_t left = size;
            auto take64 = [&](std::uint64_t& field) {
                if (left < 8) fail("short ZIP64 extra field in entry " + quoted(entry));
                field = u64(v);
                v += 8;
                left -= 8;
            };
            if (entry.size == 0xFFFFFFFFu) take64(entry.size);
            if (entry.compressed_size == 0xFFFFFFFFu) take64(entry.compressed_size);
            if (entry.local_offset == 0xFFFFFFFFu) take64(entry.local_offset);
            if (disk == 0xFFFF) {
                if (left < 4) fail("short ZIP64 extra field in entry " + quoted(entry));
                disk = u32(v);
            }
        }
        at += 4 + size;
    }
    if (disk != 0) fail("a multi-part archive");
    unsigned host = u16(p + 4) >> 8;
    std::uint32_t attributes = u32(p + 38);
    std::uint32_t mode = host == 3 ? attributes >> 16 : 0;  // 3: Unix
    if (!entry.name.empty() && (entry.name.back() == '/' || entry.name.back() == '\\'))
        entry.kind = ZipEntryInfo::directory;
    else if ((mode & S_IFMT) == S_IFLNK)
        entry.kind = ZipEntryInfo::symlink;
    else if ((mode & S_IFMT) == S_IFDIR || (host != 3 && (attributes & 0x10)))
        entry.kind = ZipEntryInfo::directory;
    else if ((mode & S_IFMT) != 0 && (mode & S_IFMT) != S_IFREG)
        entry.kind = ZipEntryInfo::special;
    if (entry.flags & 0x41) fail("entry " + quoted(entry) + " is encrypted");
    if (entry.kind == ZipEntryInfo::file && entry.method != 0 && entry.method != 8)
        fail("entry " + quoted(entry) + " uses compression method " + std::to_string(entry.method) +
             "; only stored and deflated entries are read");
    if (entry.kind == ZipEntryInfo::file && entry.method == 0 &&
        entry.compressed_size != entry.size)
        fail("stored entry " + quoted(entry) + " has two different sizes");
    entries_.push_back(std::move(entry));
    return kCentralSize + name_size + extra_size + comment_size;
}

void ZipArchive::check_layout() {
    // Local streams in file order must tile the bytes before the central directory: each one
    // starts where the previous one (and its data descriptor) ended.
    std::vector<std::size_t> order(entries_.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return entries_[a].local_offset < entries_[b].local_offset;
    });
    std::uint64_t expected = 0;
    const ZipEntryInfo* previous = nullptr;
    auto check_gap = [&](std::uint64_t offset, const std::string& before) {
        if (offset == expected) return;
        std::uint64_t gap = offset - expected;
        bool descriptor = previous && (previous->flags & 0x08) &&
                          (gap == 12 || gap == 16 || gap == 20 || gap == 24);
        if (!descriptor)
            fail(std::to_string(gap) + " bytes at offset " + std::to_string(expected) + " before " +
                 before + " are not listed in the central directory (a hidden entry?)");
    };
    for (std::size_t index : order) {
        ZipEntryInfo& entry = entries_[index];
        if (entry.local_offset < expected) {
            if (previous)
                fail("entries " + quoted(*previous) + " and " + quoted(entry) +
                     " overlap: they share or cross one local stream");
            fail("entry " + quoted(entry) + " overlaps another");
        }
        check_gap(entry.local_offset, "entry " + quoted(entry));
        if (entry.local_offset > directory_offset_ ||
            directory_offset_ - entry.local_offset < kLocalSize)
            fail("entry " + quoted(entry) + " overlaps the central directory");
        unsigned char local[kLocalSize];
        read_at(entry.local_offset, local, sizeof local);
        if (u32(local) != kLocalSig)
            fail("no local header for entry " + quoted(entry) + " where the directory says");
        std::size_t name_size = u16(local + 26), extra_size = u16(local + 28);
        std::uint64_t header_end = entry.local_offset + kLocalSize + name_size + extra_size;
        if (header_end > directory_offset_)
            fail("entry " + quoted(entry) + " overlaps the central directory");
        std::string local_name(name_size, '\0');
        read_at(entry.local_offset + kLocalSize, local_name.data(), name_size);
        if (local_name != entry.name)
            fail("the local header of entry " + quoted(entry) + " names '" +
                 escaped_name(local_name) + "'");
        if (u16(local + 8) != entry.method)
            fail("the local header of entry " + quoted(entry) +
                 " gives another compression method");
        entry.data_offset = header_end;
        if (entry.compressed_size > directory_offset_ - header_end)
            fail("entry " + quoted(entry) + " overlaps the central directory");
        expected = header_end + entry.compressed_size;
        previous = &entry;
    }
    check_gap(directory_offset_, "the central directory");
}

void ZipArchive::read(const ZipEntryInfo& entry,
                      const std::function<void(const char*, std::size_t)>& sink) const {
    auto damaged = [&](const std::string& why) {
        throw Error(ErrorKind::usage,
                    source_ + ": entry " + quoted(entry) + " is damaged (" + why + ")",
                    "the file is truncated or corrupt; download the release again");
    };
    std::vector<char> in(kBlock), out(kBlock);
    uLong crc = ::crc32(0L, Z_NULL, 0);
    std::uint64_t produced = 0;
    std::uint64_t offset = entry.data_offset, left = entry.compressed_size;
    auto emit = [&](const char* data, std::size_t size) {
        produced += size;
        if (produced > entry.size) damaged("more data than its listed size");
        crc = ::crc32(crc, reinterpret_cast<const Bytef*>(data), static_cast<uInt>(size));
        sink(data, size);
    };
    if (entry.method == 0) {
        while (left > 0) {
            std::size_t chunk = static_cast<std::size_t>(std::min<std::uint64_t>(left, kBlock));
            read_at(offset, in.data(), chunk);
            offset += chunk;
            left -= chunk;
            emit(in.data(), chunk);
        }
    } else if (entry.method == 8) {
        z_stream z{};
        if (inflateInit2(&z, -MAX_WBITS) != Z_OK) damaged("cannot start inflating");
        struct Ender {
            z_stream* z;
            ~Ender() { inflateEnd(z); }
        } ender{&z};
        int status = Z_OK;
        while (status != Z_STREAM_END) {
            if (z.avail_in == 0 && left > 0) {
                std::size_t chunk = static_cast<std::size_t>(std::min<std::uint64_t>(left, kBlock));
                read_at(offset, in.data(), chunk);
                offset += chunk;
                left -= chunk;
                z.next_in = reinterpret_cast<Bytef*>(in.data());
                z.avail_in = static_cast<uInt>(chunk);
            }
            z.next_out = reinterpret_cast<Bytef*>(out.data());
            z.avail_out = static_cast<uInt>(out.size());
            status = inflate(&z, Z_NO_FLUSH);
            if (status == Z_BUF_ERROR && z.avail_in == 0 && left == 0)
                damaged("the compressed data ends early");
            if (status != Z_OK && status != Z_STREAM_END)
                damaged(std::string("bad compressed data: ") + (z.msg ? z.msg : "inflate error"));
            emit(out.data(), out.size() - z.avail_out);
        }
        if (z.avail_in != 0 || left != 0) damaged("bytes after the end of the compressed data");
    } else {
        damaged("unsupported compression method " + std::to_string(entry.method));
    }
    if (produced != entry.size) damaged("shorter than its listed size");
    if (static_cast<std::uint32_t>(crc) != entry.crc32)
        damaged("its CRC-32 does not match its data");
}

}  // namespace mps
