#include "remote/hash_listing.hpp"

namespace mps {
namespace {

bool lower_hex(std::string_view text) {
    for (char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

}  // namespace

std::optional<HashListing> parse_hash_listing(std::string_view output, std::size_t digest_size) {
    std::vector<std::string_view> records;
    for (std::size_t start = 0; start < output.size();) {
        std::size_t end = output.find('\0', start);
        if (end == std::string_view::npos) return std::nullopt;  // unterminated record
        records.push_back(output.substr(start, end - start));
        start = end + 1;
    }
    if (records.size() < 3 || records.front() != "MPS-FILES" || records.back() != "MPS-END")
        return std::nullopt;
    HashListing listing;
    bool in_links = false;
    for (std::size_t i = 1; i + 1 < records.size(); ++i) {
        std::string_view record = records[i];
        if (record == "MPS-LINKS") {
            if (in_links) return std::nullopt;
            in_links = true;
        } else if (in_links) {
            listing.links.emplace_back(record);
        } else {
            if (record.size() < digest_size + 3 || record.compare(digest_size, 2, "  ") != 0 ||
                !lower_hex(record.substr(0, digest_size)))
                return std::nullopt;
            listing.files.emplace_back(std::string(record.substr(0, digest_size)),
                                       std::string(record.substr(digest_size + 2)));
        }
    }
    if (!in_links) return std::nullopt;
    return listing;
}

}  // namespace mps
