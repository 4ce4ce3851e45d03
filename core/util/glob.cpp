#include "util/glob.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace mps {
namespace {

bool same_char(char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
}

// Token: one element of a compiled pattern.
struct Token {
    enum Kind : char { literal, any_char, star, double_star, folders } kind;
    char c = 0;  // for literal
};

// compile: `*` (any characters but '/'), `?` (one character but '/'), `**` (anything), `**/`
// (nothing, or anything ending with '/'), and literal characters.
std::vector<Token> compile(std::string_view p) {
    std::vector<Token> tokens;
    for (std::size_t i = 0; i < p.size();) {
        if (p.substr(i, 2) == "**") {
            i += 2;
            if (i < p.size() && p[i] == '/') {
                ++i;
                tokens.push_back({Token::folders});
            } else {
                tokens.push_back({Token::double_star});
            }
        } else if (p[i] == '*') {
            ++i;
            tokens.push_back({Token::star});
        } else {
            tokens.push_back(p[i] == '?' ? Token{Token::any_char} : Token{Token::literal, p[i]});
            ++i;
        }
    }
    return tokens;
}

// match_from: runs the pattern as a set of states over the path, once (Thompson's simulation):
// O(pattern × path) whatever the wildcards. The recursive matcher it replaces backtracked
// exponentially (7 '*' against a 60-character name: 10 s). at[i]: the first i tokens match
// what was read; inside[i]: token i, a `**/`, has read some characters not yet ending in '/'.
bool match_from(std::string_view pattern, std::string_view s) {
    std::vector<Token> tokens = compile(pattern);
    const std::size_t count = tokens.size();
    std::vector<char> at(count + 1, 0), inside(count + 1, 0), next_at(count + 1, 0),
        next_inside(count + 1, 0);
    // close: wildcards also match nothing, so their start lets the next token start.
    auto close = [&](std::vector<char>& states) {
        for (std::size_t i = 0; i < count; ++i)
            if (states[i] && tokens[i].kind != Token::literal && tokens[i].kind != Token::any_char)
                states[i + 1] = 1;
    };
    at[0] = 1;
    close(at);
    for (char c : s) {
        std::fill(next_at.begin(), next_at.end(), 0);
        std::fill(next_inside.begin(), next_inside.end(), 0);
        for (std::size_t i = 0; i < count; ++i) {
            if (tokens[i].kind == Token::folders && (at[i] || inside[i])) {
                // Anything ending with '/': after a '/', the next token may start.
                if (c == '/') next_at[i + 1] = 1;
                next_inside[i] = 1;
                continue;
            }
            if (!at[i]) continue;
            switch (tokens[i].kind) {
                case Token::literal:
                    if (same_char(tokens[i].c, c)) next_at[i + 1] = 1;
                    break;
                case Token::any_char:
                    if (c != '/') next_at[i + 1] = 1;
                    break;
                case Token::star:
                    if (c != '/') next_at[i] = 1;
                    break;
                case Token::double_star:
                    next_at[i] = 1;
                    break;
                case Token::folders:
                    break;
            }
        }
        close(next_at);
        bool alive = false;
        for (std::size_t i = 0; i <= count; ++i) alive = alive || next_at[i] || next_inside[i];
        if (!alive) return false;
        at.swap(next_at);
        inside.swap(next_inside);
    }
    return at[count] != 0;
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
