#pragma once
// Facts about a PrestaShop shop folder on disk (PRESTASHOP.md "Files on the server").
#include <filesystem>
#include <string>
#include <vector>

namespace mps {

// is_shop_root: does `dir` look like a PrestaShop root (modules/ plus classes/ or config/)?
bool is_shop_root(const std::filesystem::path& dir);

// installed_modules: the folder names under <root>/modules, sorted.
std::vector<std::string> installed_modules(const std::filesystem::path& root);

// theme_template_overrides: files under themes/<theme>/modules/<module>/ (PrestaShop's
// sanctioned way to customise a module's templates), relative to the root, sorted.
std::vector<std::string> theme_template_overrides(const std::filesystem::path& root,
                                                  const std::string& module);

// module_class_overrides: files under override/ whose method comments name `module`
// ("* module: <name>", written by PrestaShop when a module installs an override), relative to
// the root, sorted.
std::vector<std::string> module_class_overrides(const std::filesystem::path& root,
                                                const std::string& module);

// names_module_in_override: does this override file content carry "module: <module>"?
bool names_module_in_override(const std::string& php, const std::string& module);

}  // namespace mps
