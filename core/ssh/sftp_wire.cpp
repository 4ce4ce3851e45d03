#include "ssh/sftp_wire.hpp"

#include <sys/stat.h>

namespace mps::sftp {

Writer::Writer(Type type, std::optional<std::uint32_t> id) {
    bytes_.assign(4, '\0');
    bytes_.push_back(static_cast<char>(type));
    if (id) u32(*id);
}

Writer& Writer::u32(std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
        bytes_.push_back(static_cast<char>((v >> shift) & 0xff));
    return *this;
}

Writer& Writer::u64(std::uint64_t v) {
    u32(static_cast<std::uint32_t>(v >> 32));
    return u32(static_cast<std::uint32_t>(v));
}

Writer& Writer::str(std::string_view v) {
    u32(static_cast<std::uint32_t>(v.size()));
    bytes_.append(v);
    return *this;
}

std::string Writer::finish() {
    auto length = static_cast<std::uint32_t>(bytes_.size() - 4);
    for (int i = 0; i < 4; ++i) bytes_[i] = static_cast<char>((length >> (24 - 8 * i)) & 0xff);
    return std::move(bytes_);
}

std::string_view Reader::take(std::size_t n) {
    if (failed_ || rest_.size() < n) {
        failed_ = true;
        return {};
    }
    auto out = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return out;
}

std::uint8_t Reader::u8() {
    auto b = take(1);
    return b.empty() ? 0 : static_cast<std::uint8_t>(b[0]);
}

std::uint32_t Reader::u32() {
    auto b = take(4);
    if (b.size() != 4) return 0;
    return (std::uint32_t(std::uint8_t(b[0])) << 24) | (std::uint32_t(std::uint8_t(b[1])) << 16) |
           (std::uint32_t(std::uint8_t(b[2])) << 8) | std::uint32_t(std::uint8_t(b[3]));
}

std::uint64_t Reader::u64() {
    std::uint64_t high = u32();
    return (high << 32) | u32();
}

std::string Reader::str() {
    std::uint32_t n = u32();
    return std::string(take(n));
}

Attributes Reader::attrs() {
    Attributes a;
    std::uint32_t flags = u32();
    if (flags & 0x1) a.size = u64();
    if (flags & 0x2) u32(), u32();  // uid, gid
    if (flags & 0x4) a.permissions = u32();
    if (flags & 0x8) {
        u32();  // atime
        a.mtime = u32();
    }
    if (flags & 0x80000000u) {
        std::uint32_t count = u32();
        for (std::uint32_t i = 0; i < count && !failed_; ++i) str(), str();
    }
    return a;
}

std::optional<std::vector<NameEntry>> parse_names(Reader& reader) {
    std::uint32_t count = reader.u32();
    if (reader.failed() || count > 100000) return std::nullopt;
    std::vector<NameEntry> entries;
    entries.reserve(count);
    for (std::uint32_t i = 0; i < count; ++i) {
        NameEntry entry;
        entry.name = reader.str();
        reader.str();  // longname (ls -l style), not used
        entry.attrs = reader.attrs();
        if (reader.failed()) return std::nullopt;
        entries.push_back(std::move(entry));
    }
    return entries;
}

std::string status_text(std::uint32_t code) {
    switch (code) {
        case OK:
            return "ok";
        case END_OF_FILE:
            return "end of file";
        case NO_SUCH_FILE:
            return "no such file";
        case PERMISSION_DENIED:
            return "permission denied";
        case FAILURE:
            return "failure";
        default:
            return "error " + std::to_string(code);
    }
}

}  // namespace mps::sftp
