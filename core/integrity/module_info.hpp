#pragma once
// Which module and version a folder or release archive holds (PRESTASHOP.md "Files on the
// server": the main class <name>.php sets $this->version; config.xml caches <name>/<version>).
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "util/version.hpp"  // is_valid_version, version_less: part of this interface

namespace mps {

struct ModuleIdentity {
    std::string name;
    std::string version;
    std::string version_source;  // e.g. "ps_facetedsearch.php" or "config.xml"
};

// FileLookup: the content of a file of the module, by path relative to the module folder, or
// nothing when absent. Lets one detector serve folders, zips and remote trees.
using FileLookup = std::function<std::optional<std::string>(const std::string&)>;

// version_from_main_class: the version a main class sets ($this->version = '1.2.3', also through
// a class constant: $this->version = self::VERSION with const VERSION = '1.2.3').
std::optional<std::string> version_from_main_class(std::string_view php);

// xml_element_text: text of the first <tag>...</tag> in a config.xml, CDATA unwrapped, trimmed.
std::optional<std::string> xml_element_text(std::string_view xml, std::string_view tag);

// is_valid_module_name: a PrestaShop module folder name ([A-Za-z0-9_-], 1-64 characters).
bool is_valid_module_name(std::string_view name);

// detect_module: name and version of the module whose files `lookup` reads. `name_hint` is the
// folder name (or archive top folder); config.xml's <name> is used when the hint has no main
// class. `name_override`/`version_override` win when given. `where` names the folder or archive
// in errors. Throws Error(usage) when no valid name or version can be found.
ModuleIdentity detect_module(const FileLookup& lookup, const std::string& name_hint,
                             const std::string& name_override, const std::string& version_override,
                             const std::string& where);

}  // namespace mps
