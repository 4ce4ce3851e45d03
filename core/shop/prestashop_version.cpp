#include "shop/prestashop_version.hpp"

#include <cctype>

#include "util/version.hpp"

namespace mps {
namespace {

// quoted_after: the first '...' or "..." literal after `pos`, within the same statement.
std::optional<std::string> quoted_after(std::string_view text, std::size_t pos) {
    std::size_t end = text.find(';', pos);
    std::string_view statement =
        text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    std::size_t open = statement.find_first_of("'\"");
    if (open == std::string_view::npos) return std::nullopt;
    std::size_t close = statement.find(statement[open], open + 1);
    if (close == std::string_view::npos) return std::nullopt;
    std::string value(statement.substr(open + 1, close - open - 1));
    if (!is_valid_version(value) || !std::isdigit(static_cast<unsigned char>(value.front())))
        return std::nullopt;
    return value;
}

}  // namespace

const std::vector<VersionSource>& prestashop_version_sources() {
    static const std::vector<VersionSource> sources = {
        {"src/Core/Version.php", "8/9"},
        {"app/AppKernel.php", "1.7"},
        {"config/settings.inc.php", "1.6"},
    };
    return sources;
}

std::optional<std::string> prestashop_version_from(std::string_view content) {
    if (auto pos = content.find("_PS_VERSION_'"); pos != std::string_view::npos) {
        if (auto v = quoted_after(content, pos + 13)) return v;
    }
    if (auto pos = content.find("_PS_VERSION_\""); pos != std::string_view::npos) {
        if (auto v = quoted_after(content, pos + 13)) return v;
    }
    std::size_t pos = 0;
    while ((pos = content.find("const VERSION", pos)) != std::string_view::npos) {
        pos += 13;
        if (pos < content.size() &&
            (std::isalnum(static_cast<unsigned char>(content[pos])) || content[pos] == '_'))
            continue;
        if (auto v = quoted_after(content, pos)) return v;
    }
    return std::nullopt;
}

}  // namespace mps
