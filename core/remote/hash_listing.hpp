#pragma once
// The framed output of the remote hashing commands (remote_hashes for module files,
// core_integrity_remote for PrestaShop's core): NUL-terminated records "MPS-FILES", one
// "<hex digest>  ./path" per file, "MPS-LINKS", one "./path" per symbolic link, "MPS-END".
// Parsed once here; each caller checks the paths its own way.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mps {

struct HashListing {
    std::vector<std::pair<std::string, std::string>> files;  // (digest, "./path" as sent)
    std::vector<std::string> links;                          // "./path" as sent
};

// parse_hash_listing: the records of `output`; nothing when the framing is broken (an
// unterminated record, a marker missing or twice, anything after "MPS-END") or a file record is
// not `digest_size` lower-case hex digits, two spaces and a path.
std::optional<HashListing> parse_hash_listing(std::string_view output, std::size_t digest_size);

}  // namespace mps
