#pragma once
// Version strings as modules and PrestaShop write them (shared by integrity and shop).
#include <string_view>

namespace mps {

// is_valid_version: a version safe to use as a file name (1.2.3, 2.0.0-beta.1, 1.0+build).
bool is_valid_version(std::string_view version);

// version_less: natural order of versions ("1.9.0" < "1.10.0"; numbers compare as numbers).
bool version_less(std::string_view a, std::string_view b);

}  // namespace mps
