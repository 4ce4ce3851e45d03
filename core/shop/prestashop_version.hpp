#pragma once
// The PrestaShop version of a shop, from the files that declare it (PRESTASHOP.md "Files on
// the server"). Settings files also hold secrets: only the version is ever taken from them.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mps {

struct VersionSource {
    const char* path;   // relative to the shop root
    const char* major;  // which releases use it
};

// prestashop_version_sources: where to look, newest layout first (8/9, 1.7, 1.6).
const std::vector<VersionSource>& prestashop_version_sources();

// prestashop_version_from: the version declared in one of those files: `const VERSION = '8.2.0'`
// (8/9 Version.php, 1.7 AppKernel.php) or `define('_PS_VERSION_', '1.6.1.24')` (1.6).
std::optional<std::string> prestashop_version_from(std::string_view content);

}  // namespace mps
