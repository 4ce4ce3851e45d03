#include "util/safe_path.hpp"

namespace mps {

std::string normalize_relative_path(std::string_view raw, std::string& why) {
    if (raw.empty()) {
        why = "empty name";
        return {};
    }
    if (raw.front() == '/' || raw.front() == '\\' || (raw.size() >= 2 && raw[1] == ':')) {
        why = "absolute path";
        return {};
    }
    std::string out;
    std::size_t start = 0;
    while (start <= raw.size()) {
        std::size_t end = raw.find_first_of("/\\", start);
        if (end == std::string_view::npos) end = raw.size();
        std::string_view part = raw.substr(start, end - start);
        start = end + 1;
        if (part.empty() || part == ".") continue;
        if (part == "..") {
            why = "'..' leaves the folder";
            return {};
        }
        for (char c : part) {
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
                why = "control character in name";
                return {};
            }
        }
        if (!out.empty()) out += '/';
        out += part;
    }
    if (out.empty()) why = "empty name";
    return out;
}

bool is_ignored_junk(std::string_view path) {
    if (path.substr(0, 9) == "__MACOSX/") return true;
    std::size_t slash = path.rfind('/');
    std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
    return base == ".DS_Store" || base == "Thumbs.db" || base.substr(0, 2) == "._";
}

}  // namespace mps
