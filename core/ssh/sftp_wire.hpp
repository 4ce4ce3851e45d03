#pragma once
// The SFTP version 3 wire format (draft-ietf-secsh-filexfer-02), the version OpenSSH speaks:
// packet building and parsing, with every length checked against the bytes received.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "files/file_attributes.hpp"

namespace mps::sftp {

enum Type : std::uint8_t {
    INIT = 1,
    VERSION = 2,
    OPEN = 3,
    CLOSE = 4,
    READ = 5,
    LSTAT = 7,
    FSTAT = 8,
    OPENDIR = 11,
    READDIR = 12,
    REALPATH = 16,
    STAT = 17,
    READLINK = 19,
    STATUS = 101,
    HANDLE = 102,
    DATA = 103,
    NAME = 104,
    ATTRS = 105,
};

enum StatusCode : std::uint32_t {
    OK = 0,
    END_OF_FILE = 1,
    NO_SUCH_FILE = 2,
    PERMISSION_DENIED = 3,
    FAILURE = 4
};

constexpr std::uint32_t kOpenRead = 0x01;
constexpr std::uint32_t kMaxPacket = 256 * 1024 + 1024;  // OpenSSH's SFTP_MAX_MSG_LENGTH
constexpr std::size_t kMaxHandle =
    256;  // "handles MUST NOT be longer than 256 bytes" (filexfer-02)

// Attributes: the SFTP ATTRS fields mpsupport reads (size, permissions with the type, mtime).
using Attributes = FileAttributes;

struct NameEntry {
    std::string name;
    Attributes attrs;
};

// Writer: builds one packet (length prefix filled in by finish()).
class Writer {
  public:
    Writer(Type type, std::optional<std::uint32_t> id);
    Writer& u32(std::uint32_t value);
    Writer& u64(std::uint64_t value);
    Writer& str(std::string_view value);
    Writer& empty_attrs() { return u32(0); }
    std::string finish();

  private:
    std::string bytes_;
};

// Reader: reads fields of one packet body; any read past the end sets failed().
class Reader {
  public:
    explicit Reader(std::string_view body) : rest_(body) {}
    std::uint8_t u8();
    std::uint32_t u32();
    std::uint64_t u64();
    std::string str();
    Attributes attrs();
    bool failed() const { return failed_; }
    bool at_end() const { return rest_.empty(); }

  private:
    std::string_view take(std::size_t n);
    std::string_view rest_;
    bool failed_ = false;
};

// parse_names: the entries of a NAME reply body (after the request id).
std::optional<std::vector<NameEntry>> parse_names(Reader& reader);

// status_text: "no such file" and the like, for messages.
std::string status_text(std::uint32_t code);

}  // namespace mps::sftp
