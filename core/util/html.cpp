#include "util/html.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace mps {
namespace {

void append_utf8(std::string& out, unsigned long cp) {
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// named_entity: the code point of a named entity PrestaShop's templates use; 0 when unknown.
unsigned long named_entity(std::string_view name) {
    static constexpr std::pair<std::string_view, unsigned long> kNamed[] = {
        {"amp", '&'},      {"lt", '<'},       {"gt", '>'},       {"quot", '"'},
        {"apos", '\''},    {"nbsp", 0xA0},    {"laquo", 0xAB},   {"raquo", 0xBB},
        {"eacute", 0xE9},  {"egrave", 0xE8},  {"agrave", 0xE0},  {"ccedil", 0xE7},
        {"ecirc", 0xEA},   {"rsquo", 0x2019}, {"lsquo", 0x2018}, {"hellip", 0x2026},
        {"trade", 0x2122}, {"copy", 0xA9},    {"reg", 0xAE},     {"euro", 0x20AC},
        {"ndash", 0x2013}, {"mdash", 0x2014}, {"uuml", 0xFC},    {"ouml", 0xF6},
        {"auml", 0xE4}};
    for (const auto& [entity, cp] : kNamed)
        if (entity == name) return cp;
    return 0;
}

// kBlockTags: tags a browser breaks the line at (shown as a blank).
constexpr std::array<std::string_view, 22> kBlockTags = {
    "br", "p",  "div", "li", "ul", "ol", "td",      "th",      "tr",     "table",  "h1",
    "h2", "h3", "h4",  "h5", "h6", "hr", "section", "article", "header", "footer", "form"};

bool is_block_tag(std::string_view tag) {
    std::size_t i = tag.size() > 1 && tag[1] == '/' ? 2 : 1;
    std::size_t end = i;
    while (end < tag.size() && std::isalnum(static_cast<unsigned char>(tag[end]))) ++end;
    std::string name(tag.substr(i, end - i));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return std::find(kBlockTags.begin(), kBlockTags.end(), name) != kBlockTags.end();
}

}  // namespace

std::string decode_entities(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '&') {
            out += text[i];
            continue;
        }
        std::size_t semi = text.find(';', i);
        if (semi == std::string_view::npos || semi - i > 10) {
            out += '&';
            continue;
        }
        std::string_view entity = text.substr(i + 1, semi - i - 1);
        unsigned long cp = 0;
        bool ok = false;
        if (!entity.empty() && entity[0] == '#') {
            bool hex = entity.size() > 1 && (entity[1] == 'x' || entity[1] == 'X');
            std::string_view digits = entity.substr(hex ? 2 : 1);
            if (!digits.empty() && digits.size() <= 8 &&
                digits.find_first_not_of(hex ? "0123456789abcdefABCDEF" : "0123456789") ==
                    std::string_view::npos) {
                cp = std::stoul(std::string(digits), nullptr, hex ? 16 : 10);
                ok = true;
            }
        } else if ((cp = named_entity(entity)) != 0) {
            ok = true;
        }
        if (!ok) {
            out += '&';
            continue;
        }
        append_utf8(out, cp);
        i = semi;
    }
    return out;
}

std::string html_text(std::string_view html) {
    std::string stripped;
    stripped.reserve(html.size());
    for (std::size_t i = 0; i < html.size(); ++i) {
        if (html[i] != '<') {
            stripped += html[i];
            continue;
        }
        if (html.compare(i, 4, "<!--") == 0) {
            std::size_t close = html.find("-->", i + 4);
            if (close == std::string_view::npos) break;
            i = close + 2;
            continue;
        }
        std::size_t close = html.find('>', i);
        if (close == std::string_view::npos) break;
        if (is_block_tag(html.substr(i, close - i))) stripped += ' ';
        i = close;
    }
    std::string text = decode_entities(stripped);
    std::string out;
    bool blank = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        bool nbsp =
            c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xA0;
        if (std::isspace(c) || nbsp) {
            if (nbsp) ++i;
            blank = true;
            continue;
        }
        if (blank && !out.empty()) out += ' ';
        blank = false;
        out += static_cast<char>(c);
    }
    return out;
}

}  // namespace mps
