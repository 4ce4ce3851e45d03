#include "util/zip_writer.hpp"

#include <zlib.h>

#include <cstdint>
#include <limits>

#include "util/error.hpp"

namespace mps {
namespace {

void put16(std::string& out, std::uint32_t value) {
    out += static_cast<char>(value & 0xFF);
    out += static_cast<char>((value >> 8) & 0xFF);
}

void put32(std::string& out, std::uint32_t value) {
    put16(out, value & 0xFFFF);
    put16(out, value >> 16);
}

// deflated: `data` as a raw deflate stream (zip method 8).
std::string deflated(const std::string& data) {
    z_stream z{};
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK)
        throw Error(ErrorKind::internal, "zip: cannot start deflating");
    std::string out(deflateBound(&z, static_cast<uLong>(data.size())), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    int status = deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    if (status != Z_STREAM_END) throw Error(ErrorKind::internal, "zip: deflate failed");
    return out;
}

struct DosTime {
    std::uint16_t time = 0, date = (1 << 5) | 1;  // 1980-01-01 00:00
};

DosTime dos_time(std::time_t when) {
    std::tm local{};
    DosTime out;
    if (!localtime_r(&when, &local) || local.tm_year < 80) return out;
    out.time = static_cast<std::uint16_t>((local.tm_hour << 11) | (local.tm_min << 5) |
                                          (local.tm_sec / 2));
    out.date = static_cast<std::uint16_t>(((local.tm_year - 80) << 9) | ((local.tm_mon + 1) << 5) |
                                          local.tm_mday);
    return out;
}

}  // namespace

std::string zip_bytes(const std::vector<ZipMember>& members, std::time_t mtime) {
    constexpr std::uint64_t kMax = std::numeric_limits<std::uint32_t>::max();
    if (members.size() >= 0xFFFF) throw Error(ErrorKind::internal, "zip: too many members");
    DosTime when = dos_time(mtime);
    std::string out, directory;
    for (const auto& member : members) {
        if (member.content.size() >= kMax || member.name.size() >= 0xFFFF)
            throw Error(ErrorKind::internal, "zip: member " + member.name + " is too large");
        std::uint32_t crc = static_cast<std::uint32_t>(
            crc32_z(crc32(0, nullptr, 0), reinterpret_cast<const Bytef*>(member.content.data()),
                    member.content.size()));
        std::string data = deflated(member.content);
        std::uint16_t method = 8;
        if (data.size() >= member.content.size()) data = member.content, method = 0;
        std::uint64_t offset = out.size();
        if (offset >= kMax) throw Error(ErrorKind::internal, "zip: archive past 4 GiB");
        auto common = [&](std::string& header) {
            put16(header, 20);       // version needed: 2.0
            put16(header, 1 << 11);  // flags: UTF-8 names
            put16(header, method);
            put16(header, when.time);
            put16(header, when.date);
            put32(header, crc);
            put32(header, static_cast<std::uint32_t>(data.size()));
            put32(header, static_cast<std::uint32_t>(member.content.size()));
            put16(header, static_cast<std::uint32_t>(member.name.size()));
            put16(header, 0);  // extra field
        };
        put32(out, 0x04034b50);
        common(out);
        out += member.name;
        out += data;

        put32(directory, 0x02014b50);
        put16(directory, (3 << 8) | 20);  // made by: Unix, zip 2.0 (the mode below counts)
        common(directory);
        put16(directory, 0);  // comment
        put16(directory, 0);  // disk
        put16(directory, 0);  // internal attributes
        put32(directory, 0100644u << 16);
        put32(directory, static_cast<std::uint32_t>(offset));
        directory += member.name;
    }
    std::uint64_t directory_offset = out.size();
    if (directory_offset + directory.size() >= kMax)
        throw Error(ErrorKind::internal, "zip: archive past 4 GiB");
    out += directory;
    put32(out, 0x06054b50);
    put16(out, 0);  // this disk
    put16(out, 0);  // disk of the directory
    put16(out, static_cast<std::uint32_t>(members.size()));
    put16(out, static_cast<std::uint32_t>(members.size()));
    put32(out, static_cast<std::uint32_t>(directory.size()));
    put32(out, static_cast<std::uint32_t>(directory_offset));
    put16(out, 0);  // comment
    return out;
}

}  // namespace mps
