#include "integrity/module_info.hpp"

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

#include "util/error.hpp"
#include "util/log.hpp"
#include "util/text.hpp"

namespace mps {
namespace {

// kSpace: the blanks isspace() knows (PHP and XML files may hold \v or \f).
constexpr std::string_view kSpace = " \t\r\n\v\f";

// LineCommentScanner: is a position after a //, # or leading * on its line? Positions must be
// asked in increasing order; the text is scanned once, so the whole scan stays linear (a
// fresh backwards search per candidate was quadratic on long lines).
class LineCommentScanner {
  public:
    explicit LineCommentScanner(std::string_view text) : text_(text) {}

    bool in_comment(std::size_t pos) {
        for (; scanned_ < pos && scanned_ < text_.size(); ++scanned_) {
            char c = text_[scanned_];
            if (c == '\n') {
                line_start_ = scanned_ + 1;
                comment_ = false;
                lead_ = 0;
                continue;
            }
            if (c == '#' || (c == '/' && scanned_ > line_start_ && text_[scanned_ - 1] == '/'))
                comment_ = true;
            if (!lead_ && !std::isspace(static_cast<unsigned char>(c))) lead_ = c;
        }
        return comment_ || lead_ == '*';
    }

  private:
    std::string_view text_;
    std::size_t scanned_ = 0, line_start_ = 0;
    bool comment_ = false;
    char lead_ = 0;
};

void skip_space(std::string_view s, std::size_t& i) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
}

// quoted_at: a PHP string literal starting at s[i] ('...' or "..."), without escapes inside.
std::optional<std::string_view> quoted_at(std::string_view s, std::size_t i) {
    if (i >= s.size() || (s[i] != '\'' && s[i] != '"')) return std::nullopt;
    char quote = s[i];
    // Only a short literal can be a version: look no further than 64 characters.
    std::size_t end = s.substr(i + 1, 65).find(quote);
    if (end == std::string_view::npos || end > 64) return std::nullopt;
    end += i + 1;
    return s.substr(i + 1, end - i - 1);
}

bool is_identifier_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// Constants: `const NAME = '...'` of the file as (name, value) views, sorted by name, the
// first of each name first.
using Constants = std::vector<std::pair<std::string_view, std::string_view>>;

// constant_values: every `const NAME = '...'` of the file, read in one pass (a scan per
// `self::NAME` was quadratic).
Constants constant_values(std::string_view php) {
    Constants values;
    std::size_t pos = 0;
    while ((pos = php.find("const", pos)) != std::string_view::npos) {
        std::size_t i = pos + 5;
        pos = i;
        skip_space(php, i);
        std::size_t name_start = i;
        while (i < php.size() && is_identifier_char(php[i])) ++i;
        pos = std::max(pos, i);  // "const" inside this identifier is not a keyword: never rescan it
        if (i == name_start) continue;
        std::string_view name = php.substr(name_start, i - name_start);
        skip_space(php, i);
        if (i >= php.size() || php[i] != '=') continue;
        ++i;
        skip_space(php, i);
        if (auto value = quoted_at(php, i)) values.emplace_back(name, *value);
    }
    std::stable_sort(values.begin(), values.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    return values;
}

}  // namespace

std::optional<std::string> version_from_main_class(std::string_view php) {
    LineCommentScanner comments(php);
    std::optional<Constants> constants;  // read on first use
    std::size_t pos = 0;
    while ((pos = php.find("$this", pos)) != std::string_view::npos) {
        std::size_t start = pos;
        std::size_t i = pos + 5;
        pos = i;
        skip_space(php, i);
        if (php.substr(i, 2) != "->") continue;
        i += 2;
        skip_space(php, i);
        if (php.substr(i, 7) != "version") continue;
        i += 7;
        if (i < php.size() && (std::isalnum(static_cast<unsigned char>(php[i])) || php[i] == '_'))
            continue;
        skip_space(php, i);
        if (i >= php.size() || php[i] != '=' || (i + 1 < php.size() && php[i + 1] == '=')) continue;
        ++i;
        skip_space(php, i);
        if (comments.in_comment(start)) continue;
        if (auto literal = quoted_at(php, i)) return std::string(trim_view(*literal, kSpace));
        for (std::string_view prefix : {"self::", "static::"}) {
            if (php.substr(i, prefix.size()) != prefix) continue;
            std::size_t name_start = i + prefix.size(), name_end = name_start;
            while (
                name_end < php.size() &&
                (std::isalnum(static_cast<unsigned char>(php[name_end])) || php[name_end] == '_'))
                ++name_end;
            if (!constants) constants = constant_values(php);
            std::string_view name = php.substr(name_start, name_end - name_start);
            auto it = std::lower_bound(
                constants->begin(), constants->end(), name,
                [](const auto& entry, std::string_view key) { return entry.first < key; });
            if (it != constants->end() && it->first == name)
                return std::string(trim_view(it->second, kSpace));
        }
    }
    return std::nullopt;
}

std::optional<std::string> xml_element_text(std::string_view xml, std::string_view tag) {
    std::string open = "<" + std::string(tag) + ">";
    std::string close = "</" + std::string(tag) + ">";
    std::size_t start = xml.find(open);
    if (start == std::string_view::npos) return std::nullopt;
    start += open.size();
    std::size_t end = xml.find(close, start);
    if (end == std::string_view::npos) return std::nullopt;
    std::string_view text = trim_view(xml.substr(start, end - start), kSpace);
    if (text.substr(0, 9) == "<![CDATA[" && text.size() >= 12 &&
        text.substr(text.size() - 3) == "]]>")
        text = trim_view(text.substr(9, text.size() - 12), kSpace);
    return std::string(text);
}

bool is_valid_module_name(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    for (char c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
    return true;
}

ModuleIdentity detect_module(const FileLookup& lookup, const std::string& name_hint,
                             const std::string& name_override, const std::string& version_override,
                             const std::string& where) {
    ModuleIdentity id;
    auto config_xml = lookup("config.xml");
    std::optional<std::string> main_class;
    if (!name_override.empty()) {
        id.name = name_override;
        main_class = lookup(id.name + ".php");
    } else {
        if (is_valid_module_name(name_hint)) main_class = lookup(name_hint + ".php");
        if (main_class) {
            id.name = name_hint;
        } else if (auto xml_name =
                       config_xml ? xml_element_text(*config_xml, "name") : std::nullopt) {
            id.name = *xml_name;
            main_class = lookup(id.name + ".php");
        } else {
            id.name = name_hint;
        }
    }
    if (!is_valid_module_name(id.name))
        throw Error(
            ErrorKind::usage,
            "cannot tell which module " + where + " holds" +
                (id.name.empty() ? std::string() : " ('" + id.name + "' is not a module name)"),
            "name it with --module NAME");

    if (!version_override.empty()) {
        id.version = version_override;
        id.version_source = "--version";
    } else {
        std::optional<std::string> class_version =
            main_class ? version_from_main_class(*main_class) : std::nullopt;
        std::optional<std::string> xml_version =
            config_xml ? xml_element_text(*config_xml, "version") : std::nullopt;
        // The main class is what PrestaShop itself trusts; config.xml is a cache it rewrites.
        if (class_version) {
            id.version = *class_version;
            id.version_source = id.name + ".php";
            if (xml_version && *xml_version != *class_version)
                log::warn("{}: config.xml says version {} but {}.php says {}; using {}", where,
                          *xml_version, id.name, *class_version, *class_version);
        } else if (xml_version) {
            id.version = *xml_version;
            id.version_source = "config.xml";
        } else {
            throw Error(ErrorKind::usage,
                        "cannot find the version of module " + id.name + " in " + where +
                            ": no $this->version in " + id.name +
                            ".php and no <version> in config.xml",
                        "give the version with --version V");
        }
    }
    if (!is_valid_version(id.version))
        throw Error(
            ErrorKind::usage,
            "module " + id.name + " in " + where + " has an unusable version '" + id.version + "'",
            "give the version with --version V");
    return id;
}

}  // namespace mps
