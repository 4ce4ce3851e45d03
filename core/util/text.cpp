#include "util/text.hpp"

#include <algorithm>

#include <cctype>
#include <cmath>

namespace mps {

bool looks_binary(std::string_view bytes) {
    return bytes.substr(0, 8192).find('\0') != std::string_view::npos;
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) {
            lines.push_back(text.substr(start));
            break;
        }
        std::size_t stop = end;
        if (stop > start && text[stop - 1] == '\r') --stop;
        lines.push_back(text.substr(start, stop - start));
        start = end + 1;
    }
    return lines;
}

std::string normalize_whitespace(std::string_view text) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    std::string out;
    out.reserve(text.size());
    std::size_t line_start = 0;  // index in `out` where the current line starts
    auto end_line = [&] {
        while (out.size() > line_start && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
        out.push_back('\n');
        line_start = out.size();
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\r') {
            if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
            end_line();
        } else if (c == '\n') {
            end_line();
        } else {
            out.push_back(c);
        }
    }
    if (out.size() > line_start) end_line();
    while (out.size() >= 2 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n')
        out.pop_back();
    if (out == "\n") out.clear();
    return out;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i) out += separator;
        out += parts[i];
    }
    return out;
}

std::string percent(double ratio) {
    return std::to_string(static_cast<int>(std::lround(ratio * 100.0))) + "%";
}

}  // namespace mps

namespace mps {

std::vector<std::string> split(std::string_view text, char separator) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        auto end = text.find(separator, start);
        parts.emplace_back(text.substr(
            start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos) return parts;
        start = end + 1;
    }
}

std::string_view trim_view(std::string_view text, std::string_view blanks) {
    auto begin = text.find_first_not_of(blanks);
    if (begin == std::string_view::npos) return {};
    auto end = text.find_last_not_of(blanks);
    return text.substr(begin, end - begin + 1);
}

std::string trim(std::string_view text, std::string_view blanks) {
    return std::string(trim_view(text, blanks));
}

namespace {
char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
}  // namespace

std::string to_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = ascii_lower(c);
    return out;
}

std::string to_upper(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return out;
}

bool contains_nocase(std::string_view text, std::string_view needle) {
    auto it = std::search(text.begin(), text.end(), needle.begin(), needle.end(),
                          [](char a, char b) { return ascii_lower(a) == ascii_lower(b); });
    return it != text.end();
}

std::string shell_quote(std::string_view text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

std::string plural(long long count, std::string_view word) {
    return std::to_string(count) + " " + std::string(word) + (count == 1 ? "" : "s");
}

}  // namespace mps

namespace mps {
namespace {

// utf8_length: length of the valid UTF-8 sequence at text[i], or 0 when it is not valid.
std::size_t utf8_length(std::string_view text, std::size_t i, char32_t& cp) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    unsigned char c = byte(i);
    if (c < 0x80) {
        cp = c;
        return 1;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, cp = c & 0x1F;
    else if (c == 0xE0)
        len = 3, lo = 0xA0, cp = c & 0x0F;
    else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF)
        len = 3, cp = c & 0x0F;
    else if (c == 0xED)
        len = 3, hi = 0x9F, cp = c & 0x0F;
    else if (c == 0xF0)
        len = 4, lo = 0x90, cp = c & 0x07;
    else if (c >= 0xF1 && c <= 0xF3)
        len = 4, cp = c & 0x07;
    else if (c == 0xF4)
        len = 4, hi = 0x8F, cp = c & 0x07;
    else
        return 0;
    if (i + len > text.size()) return 0;
    for (std::size_t k = 1; k < len; ++k) {
        unsigned char b = byte(i + k);
        if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return 0;
        cp = (cp << 6) | (b & 0x3F);
    }
    return len;
}

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

std::string sanitize(std::string_view text, bool multiline) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        char32_t cp = 0;
        std::size_t len = utf8_length(text, i, cp);
        if (len == 0) {
            out += kReplacement;
            ++i;
            continue;
        }
        if (cp == '\n' && multiline)
            out += '\n';
        else if (cp == '\t' && multiline)
            out += '\t';
        else if (cp == '\n')
            out += "\\n";
        else if (cp == '\r')
            out += "\\r";
        else if (cp == '\t')
            out += "\\t";
        else if (cp < 0x20 || cp == 0x7f) {
            out += "\\x";
            out += hex[cp >> 4];
            out += hex[cp & 0xF];
        } else if ((cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
                   (cp >= 0x2066 && cp <= 0x2069)) {
            out += "\\u";
            for (int shift = 12; shift >= 0; shift -= 4) out += hex[(cp >> shift) & 0xF];
        } else {
            out.append(text.substr(i, len));
        }
        i += len;
    }
    return out;
}

// LineCursor: the lines of normalize_whitespace(text), one at a time, as views into `text`
// (trailing empty lines are still returned; callers drop them).
struct LineCursor {
    std::string_view text;
    std::size_t pos = 0;

    explicit LineCursor(std::string_view t) : text(t) {
        if (text.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;
    }
    bool next(std::string_view& line) {
        if (pos >= text.size()) return false;
        std::size_t end = text.find_first_of("\r\n", pos);
        std::size_t stop = end == std::string_view::npos ? text.size() : end;
        std::size_t trimmed = stop;
        while (trimmed > pos && (text[trimmed - 1] == ' ' || text[trimmed - 1] == '\t')) --trimmed;
        line = text.substr(pos, trimmed - pos);
        if (end == std::string_view::npos)
            pos = text.size();
        else if (text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n')
            pos = end + 2;
        else
            pos = end + 1;
        return true;
    }
};

bool only_empty_lines(LineCursor& cursor) {
    std::string_view line;
    while (cursor.next(line))
        if (!line.empty()) return false;
    return true;
}

}  // namespace

std::string printable(std::string_view text) {
    return sanitize(text, false);
}

std::string printable_multiline(std::string_view text) {
    return sanitize(text, true);
}

std::string valid_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        char32_t cp = 0;
        std::size_t len = utf8_length(text, i, cp);
        if (len == 0) {
            out += kReplacement;
            ++i;
        } else {
            out.append(text.substr(i, len));
            i += len;
        }
    }
    return out;
}

std::vector<std::string_view> normalized_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    LineCursor cursor(text);
    std::string_view line;
    while (cursor.next(line)) lines.push_back(line);
    while (!lines.empty() && lines.back().empty()) lines.pop_back();
    return lines;
}

bool same_ignoring_whitespace(std::string_view a, std::string_view b) {
    LineCursor left(a), right(b);
    std::string_view l, r;
    for (;;) {
        bool has_l = left.next(l), has_r = right.next(r);
        if (!has_l && !has_r) return true;
        if (!has_l) return r.empty() && only_empty_lines(right);
        if (!has_r) return l.empty() && only_empty_lines(left);
        if (l != r) return false;
    }
}

}  // namespace mps
