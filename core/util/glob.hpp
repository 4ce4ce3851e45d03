#pragma once
// Glob patterns for policy settings such as allowed_change = ["*.tpl", "*.css"].
#include <string>
#include <string_view>
#include <vector>

namespace mps {

// glob_match: does `path` (relative, '/'-separated) match `pattern`? A pattern without '/'
// matches the base name anywhere in the tree ("*.tpl"); one with '/' matches the whole path,
// where '*' and '?' stay within one folder and "**" crosses folders. Matching is
// case-insensitive, as PrestaShop shops often run on case-insensitive file systems.
bool glob_match(std::string_view pattern, std::string_view path);

// glob_match_any: does any of `patterns` match `path`?
bool glob_match_any(const std::vector<std::string>& patterns, std::string_view path);

}  // namespace mps
