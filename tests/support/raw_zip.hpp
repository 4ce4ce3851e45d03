#pragma once
// raw_zip: zip bytes written by hand, for the hostile archives libarchive's writer will not
// make: a wrong CRC-32, central-directory entries that share one local stream, a NUL or
// CP1252 byte in a name, a long archive comment. Entries are stored (method 0).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace testing {

struct RawZipEntry {
    std::string name;  // raw bytes, written as given
    std::string data;
    bool bad_crc = false;  // write a CRC-32 that does not match the data
    int alias_of = -1;     // >= 0: no local stream of its own, the central entry points at
                           // the local stream of entry `alias_of`
};

inline std::uint32_t raw_zip_crc32(const std::string& data) {
    std::uint32_t crc = 0xFFFFFFFFu;
    for (unsigned char byte : data) {
        crc ^= byte;
        for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

inline std::string raw_zip(const std::vector<RawZipEntry>& entries,
                           const std::string& comment = "") {
    auto u16 = [](std::string& out, std::uint32_t v) {
        out += static_cast<char>(v & 0xFF);
        out += static_cast<char>((v >> 8) & 0xFF);
    };
    auto u32 = [&](std::string& out, std::uint32_t v) {
        u16(out, v & 0xFFFF);
        u16(out, v >> 16);
    };
    std::string out;
    std::vector<std::uint32_t> offsets(entries.size()), crcs(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto& e = entries[i];
        crcs[i] = raw_zip_crc32(e.data) ^ (e.bad_crc ? 0x00010000u : 0u);
        if (e.alias_of >= 0) continue;
        offsets[i] = static_cast<std::uint32_t>(out.size());
        u32(out, 0x04034b50);
        u16(out, 20);    // version needed
        u16(out, 0);     // flags
        u16(out, 0);     // stored
        u16(out, 0);     // time
        u16(out, 0x21);  // date
        u32(out, crcs[i]);
        u32(out, static_cast<std::uint32_t>(e.data.size()));
        u32(out, static_cast<std::uint32_t>(e.data.size()));
        u16(out, static_cast<std::uint32_t>(e.name.size()));
        u16(out, 0);
        out += e.name;
        out += e.data;
    }
    std::uint32_t cd_start = static_cast<std::uint32_t>(out.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
        std::size_t source =
            entries[i].alias_of >= 0 ? static_cast<std::size_t>(entries[i].alias_of) : i;
        const auto& e = entries[source];
        u32(out, 0x02014b50);
        u16(out, 0x0314);  // made by: Unix, 2.0
        u16(out, 20);
        u16(out, 0);
        u16(out, 0);
        u16(out, 0);
        u16(out, 0x21);
        u32(out, crcs[source]);
        u32(out, static_cast<std::uint32_t>(e.data.size()));
        u32(out, static_cast<std::uint32_t>(e.data.size()));
        u16(out, static_cast<std::uint32_t>(entries[i].name.size()));
        u16(out, 0);  // extra
        u16(out, 0);  // comment
        u16(out, 0);  // disk
        u16(out, 0);  // internal attributes
        u32(out, 0100644u << 16);
        u32(out, offsets[source]);
        out += entries[i].name;
    }
    std::uint32_t cd_size = static_cast<std::uint32_t>(out.size()) - cd_start;
    u32(out, 0x06054b50);
    u16(out, 0);
    u16(out, 0);
    u16(out, static_cast<std::uint32_t>(entries.size()));
    u16(out, static_cast<std::uint32_t>(entries.size()));
    u32(out, cd_size);
    u32(out, cd_start);
    u16(out, static_cast<std::uint32_t>(comment.size()));
    out += comment;
    return out;
}

// raw_zip_of: the files as stored entries under `folder/`.
inline std::vector<RawZipEntry> raw_zip_entries(const std::map<std::string, std::string>& files,
                                                const std::string& folder) {
    std::vector<RawZipEntry> out;
    for (const auto& [path, content] : files) out.push_back({folder + "/" + path, content});
    return out;
}

}  // namespace testing
