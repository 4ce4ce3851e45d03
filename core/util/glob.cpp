#include "util/glob.hpp"

#include <cctype>

namespace mps {
namespace {

bool same_char(char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
}

// match_from: classic backtracking matcher; `**` may cross '/', `*` and `?` may not.
bool match_from(std::string_view p, std::string_view s) {
    while (!p.empty()) {
        if (p.substr(0, 2) == "**") {
            p.remove_prefix(2);
            if (!p.empty() && p.front() == '/') {
                // "**/" also matches zero folders.
                if (match_from(p.substr(1), s)) return true;
            }
            for (std::size_t i = 0; i <= s.size(); ++i)
                if (match_from(p, s.substr(i))) return true;
            return false;
        }
        if (p.front() == '*') {
            p.remove_prefix(1);
            for (std::size_t i = 0; i <= s.size(); ++i) {
                if (match_from(p, s.substr(i))) return true;
                if (i < s.size() && s[i] == '/') break;
            }
            return false;
        }
        if (s.empty()) return false;
        if (p.front() == '?') {
            if (s.front() == '/') return false;
        } else if (!same_char(p.front(), s.front())) {
            return false;
        }
        p.remove_prefix(1);
        s.remove_prefix(1);
    }
    return s.empty();
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
    if (pattern.find('/') == std::string_view::npos) {
        auto slash = path.rfind('/');
        if (slash != std::string_view::npos) path.remove_prefix(slash + 1);
    }
    return match_from(pattern, path);
}

bool glob_match_any(const std::vector<std::string>& patterns, std::string_view path) {
    for (const auto& pattern : patterns)
        if (glob_match(pattern, path)) return true;
    return false;
}

}  // namespace mps
