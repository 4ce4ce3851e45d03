#pragma once
// The id of every check, declared once: reports, the catalog (diagnose/check_catalog), --only
// and the verdict use these names, never the strings (SPEC.md "Diagnose checks").
namespace mps::check_id {

inline constexpr const char* storefront_reach = "storefront.reach";
inline constexpr const char* storefront_tls = "storefront.tls";
inline constexpr const char* storefront_prestashop = "storefront.prestashop";
inline constexpr const char* storefront_version = "storefront.version";
inline constexpr const char* storefront_maintenance = "storefront.maintenance";
inline constexpr const char* storefront_php_errors = "storefront.php-errors";
inline constexpr const char* storefront_module_assets = "storefront.module-assets";
inline constexpr const char* admin_reach = "admin.reach";
inline constexpr const char* admin_login_page = "admin.login-page";
inline constexpr const char* admin_version = "admin.version";
inline constexpr const char* admin_credentials = "admin.credentials";
inline constexpr const char* admin_security = "admin.security";
inline constexpr const char* files_hostkey = "files.hostkey";
inline constexpr const char* files_connect = "files.connect";
inline constexpr const char* files_prestashop_root = "files.prestashop-root";
inline constexpr const char* files_module_present = "files.module-present";
inline constexpr const char* files_version = "files.version";
inline constexpr const char* files_listing = "files.listing";
inline constexpr const char* files_integrity = "files.integrity";
inline constexpr const char* files_overrides = "files.overrides";
inline constexpr const char* files_theme_overrides = "files.theme-overrides";
inline constexpr const char* files_core_integrity = "files.core-integrity";
inline constexpr const char* logs_collect = "logs.collect";
inline constexpr const char* logs_errors = "logs.errors";

}  // namespace mps::check_id
