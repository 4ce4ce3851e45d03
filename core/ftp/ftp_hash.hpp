#pragma once
// Server-side file digests over FTP: the HASH command (draft-bryan-ftpext-hash, offered by
// ProFTPD's mod_digest, FileZilla Server, Serv-U...). One control-connection round trip gives a
// file's SHA-256, so a file whose digest is the release's need not travel over a data
// connection.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mps {

// HashFeature: what FEAT says of HASH (" HASH CRC32;MD5;SHA-1*;SHA-256;SHA-512;").
struct HashFeature {
    bool sha256 = false;           // SHA-256 offered
    bool sha256_selected = false;  // and already the selected one ('*'): no OPTS HASH needed
};

// hash_feature: from FEAT's reply lines (as received, "211-..." first).
HashFeature hash_feature(const std::vector<std::string>& feat_lines);

// hash_reply_digest: the SHA-256 in the final reply of `lines` ("213 SHA-256 0-SIZE HEX NAME"),
// lower-case; nothing when the final reply is not a 213, names another algorithm, covers a
// range other than the whole file (0 to `size`, when the size is known) or is malformed.
std::optional<std::string> hash_reply_digest(const std::vector<std::string>& lines,
                                             std::optional<std::uint64_t> size);

// hash_reply_algorithm: the algorithm a 213 final reply names ("SHA-1"), else "".
std::string hash_reply_algorithm(const std::vector<std::string>& lines);

// final_reply_code: the code of the last complete reply line ("213 ..." -> 213), 0 if none.
int final_reply_code(const std::vector<std::string>& lines);

}  // namespace mps
