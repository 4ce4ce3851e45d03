#include "shop/shop_tree.hpp"

#include <algorithm>

#include "util/fs.hpp"
#include "util/safe_path.hpp"

namespace fs = std::filesystem;

namespace mps {
namespace {

std::vector<std::string> files_below(const fs::path& root, const fs::path& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return out;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec) && !is_ignored_junk(it->path().filename().string()))
            out.push_back(it->path().lexically_relative(root).generic_string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

bool is_shop_root(const fs::path& dir) {
    std::error_code ec;
    return fs::is_directory(dir / "modules", ec) &&
           (fs::is_directory(dir / "classes", ec) || fs::is_directory(dir / "config", ec));
}

std::vector<std::string> installed_modules(const fs::path& root) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(root / "modules", ec))
        if (entry.is_directory(ec)) out.push_back(entry.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> theme_template_overrides(const fs::path& root, const std::string& module) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& theme : fs::directory_iterator(root / "themes", ec)) {
        if (!theme.is_directory(ec)) continue;
        auto found = files_below(root, theme.path() / "modules" / module);
        out.insert(out.end(), found.begin(), found.end());
    }
    std::sort(out.begin(), out.end());
    return out;
}

bool names_module_in_override(const std::string& php, const std::string& module) {
    std::size_t pos = 0;
    while ((pos = php.find("module:", pos)) != std::string::npos) {
        // Only in PrestaShop's comment block: the line starts with "*" (or "//", "#").
        std::size_t line_start = php.rfind('\n', pos);
        line_start = line_start == std::string::npos ? 0 : line_start + 1;
        std::size_t lead = php.find_first_not_of(" \t", line_start);
        bool comment =
            lead < pos && (php[lead] == '*' || php[lead] == '#' || php.compare(lead, 2, "//") == 0);
        pos += 7;
        if (!comment) continue;
        std::size_t start = php.find_first_not_of(" \t", pos);
        if (start == std::string::npos) break;
        std::size_t end = php.find_first_of(" \t\r\n", start);
        if (php.compare(start, (end == std::string::npos ? php.size() : end) - start, module) ==
                0 &&
            (end == std::string::npos ? php.size() : end) - start == module.size())
            return true;
    }
    return false;
}

std::vector<std::string> module_class_overrides(const fs::path& root, const std::string& module) {
    std::vector<std::string> out;
    for (const auto& relative : files_below(root, root / "override")) {
        if (relative.size() < 4 || relative.substr(relative.size() - 4) != ".php") continue;
        if (fs::path(relative).filename() == "index.php")
            continue;  // PrestaShop's directory guards
        try {
            if (names_module_in_override(read_file(root / relative), module))
                out.push_back(relative);
        } catch (...) {
            // An unreadable override cannot be attributed; the scan goes on.
        }
    }
    return out;
}

}  // namespace mps
