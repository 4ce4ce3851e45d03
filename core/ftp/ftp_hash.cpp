#include "ftp/ftp_hash.hpp"

#include <cctype>
#include <sstream>

#include "util/text.hpp"

namespace mps {
namespace {

bool is_final_line(const std::string& line) {
    return line.size() >= 4 && std::isdigit(static_cast<unsigned char>(line[0])) &&
           std::isdigit(static_cast<unsigned char>(line[1])) &&
           std::isdigit(static_cast<unsigned char>(line[2])) && line[3] == ' ';
}

const std::string* final_line(const std::vector<std::string>& lines) {
    for (auto it = lines.rbegin(); it != lines.rend(); ++it)
        if (is_final_line(*it)) return &*it;
    return nullptr;
}

// The words of a 213 final line after the code: algorithm, range, digest.
bool hash_words(const std::vector<std::string>& lines, std::string& algorithm, std::string& range,
                std::string& digest) {
    const std::string* line = final_line(lines);
    if (!line || line->compare(0, 4, "213 ") != 0) return false;
    std::istringstream words(line->substr(4));
    return static_cast<bool>(words >> algorithm >> range >> digest);
}

}  // namespace

HashFeature hash_feature(const std::vector<std::string>& feat_lines) {
    HashFeature feature;
    for (const auto& line : feat_lines) {
        if (line.size() < 6 || line[0] != ' ') continue;
        std::string text = to_upper(line.substr(1));
        if (text.compare(0, 5, "HASH ") != 0) continue;
        std::istringstream list(text.substr(5));
        std::string item;
        while (std::getline(list, item, ';')) {
            while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back())))
                item.pop_back();
            if (item == "SHA-256") feature.sha256 = true;
            if (item == "SHA-256*") feature.sha256 = feature.sha256_selected = true;
        }
    }
    return feature;
}

int final_reply_code(const std::vector<std::string>& lines) {
    const std::string* line = final_line(lines);
    return line ? std::stoi(line->substr(0, 3)) : 0;
}

std::string hash_reply_algorithm(const std::vector<std::string>& lines) {
    std::string algorithm, range, digest;
    return hash_words(lines, algorithm, range, digest) ? to_upper(algorithm) : "";
}

std::optional<std::string> hash_reply_digest(const std::vector<std::string>& lines,
                                             std::optional<std::uint64_t> size) {
    std::string algorithm, range, digest;
    if (!hash_words(lines, algorithm, range, digest) || to_upper(algorithm) != "SHA-256")
        return std::nullopt;
    auto dash = range.find('-');
    if (dash == std::string::npos || range.substr(0, dash) != "0") return std::nullopt;
    std::string end = range.substr(dash + 1);
    if (end.empty() || end.size() > 19 || end.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    if (size && std::stoull(end) != *size) return std::nullopt;
    if (digest.size() != 64) return std::nullopt;
    for (char& c : digest) {
        if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return digest;
}

}  // namespace mps
