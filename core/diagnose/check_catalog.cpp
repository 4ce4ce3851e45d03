#include "diagnose/check_catalog.hpp"

#include <algorithm>

#include "util/error.hpp"
#include "util/text.hpp"

namespace mps {

const std::vector<CheckInfo>& check_catalog() {
    using N = CheckNeed;
    static const std::vector<CheckInfo> catalog = {
        {"storefront.reach", "storefront", {N::url}, "", "the storefront answers; redirect chain and timings"},
        {"storefront.tls", "storefront", {N::url}, "storefront.reach", "certificate valid and not expiring within 14 days"},
        {"storefront.prestashop", "storefront", {N::url}, "storefront.reach", "the page is a PrestaShop storefront (1.6, 1.7+, 8+)"},
        {"storefront.version", "storefront", {N::url}, "storefront.prestashop", "PrestaShop version from the cookie name and /api/"},
        {"storefront.maintenance", "storefront", {N::url}, "storefront.reach", "the shop is not in maintenance mode"},
        {"storefront.php-errors", "storefront", {N::url}, "storefront.reach", "no PHP errors or debug mode leaking into the page"},
        {"storefront.module-assets", "storefront", {N::url}, "storefront.prestashop", "the module's assets appear on the home page"},
        {"admin.reach", "admin", {N::admin_url}, "", "the admin URL answers"},
        {"admin.login-page", "admin", {N::admin_url}, "admin.reach", "the admin URL shows PrestaShop's login page"},
        {"admin.version", "admin", {N::admin_url}, "admin.login-page", "PrestaShop version shown on the login page"},
        {"admin.credentials", "admin", {N::admin_url, N::admin_password}, "admin.login-page",
         "the given e-mail and password log in (read only)"},
        {"admin.security", "admin", {N::admin_url}, "admin.reach", "admin folder renamed, /install removed, HTTPS"},
        {"files.hostkey", "files", {N::sftp}, "", "the server's host key matches known_hosts"},
        {"files.connect", "files", {N::sftp}, "files.hostkey", "SFTP login to the shop"},
        {"files.prestashop-root", "files", {N::sftp}, "files.connect", "the SFTP path is a PrestaShop root; its version"},
        {"files.module-present", "files", {N::sftp}, "files.connect", "the module is installed under modules/"},
        {"files.version", "files", {N::sftp}, "files.module-present", "the installed module's version"},
        {"files.listing", "files", {N::sftp}, "files.module-present", "the module's files could all be listed"},
        {"files.integrity", "files", {N::sftp}, "files.module-present", "module files compared with the pristine release"},
        {"files.overrides", "files", {N::sftp}, "files.module-present", "class overrides naming the module"},
        {"files.theme-overrides", "files", {N::sftp}, "files.module-present", "theme templates overriding the module's"},
        {"files.core-integrity", "core", {N::sftp}, "files.prestashop-root", "PrestaShop core files against its checksum list"},
        {"logs.collect", "logs", {N::sftp}, "files.connect", "recent log files of the shop (tails)"},
        {"logs.errors", "logs", {N::sftp}, "logs.collect", "recent log errors that mention the module"},
    };
    return catalog;
}

const CheckInfo* find_check(const std::string& id) {
    for (const auto& info : check_catalog())
        if (info.id == id) return &info;
    return nullptr;
}

const char* need_name(CheckNeed need) {
    switch (need) {
        case CheckNeed::url: return "store URL (--url)";
        case CheckNeed::admin_url: return "admin URL (--admin)";
        case CheckNeed::sftp: return "SFTP access (--sftp)";
        case CheckNeed::admin_password: return "admin e-mail and password (--admin-email, MPSUPPORT_ADMIN_PASSWORD)";
    }
    return "?";
}

CheckSelection CheckSelection::parse(const std::vector<std::string>& items) {
    CheckSelection selection;
    for (const auto& item : items) {
        for (const auto& raw : split(item, ',')) {
            std::string name = trim(raw);
            if (name.empty()) continue;
            bool known = false;
            for (const auto& info : check_catalog()) {
                if (info.group == name || info.id == name) {
                    selection.ids_.push_back(info.id);
                    known = true;
                }
            }
            if (!known)
                throw Error(ErrorKind::usage, "--only: unknown check or group '" + name + "'",
                            "groups: storefront, admin, files, logs, core; 'mpsupport diagnose --list-checks' lists the ids");
        }
    }
    if (selection.ids_.empty() && !items.empty())
        throw Error(ErrorKind::usage, "--only selects no check", "give groups or check ids, comma-separated");
    return selection;
}

bool CheckSelection::selected(const std::string& id) const {
    return ids_.empty() || std::find(ids_.begin(), ids_.end(), id) != ids_.end();
}

bool CheckSelection::any_in(const std::string& group) const {
    for (const auto& info : check_catalog())
        if (info.group == group && selected(info.id)) return true;
    return false;
}

}  // namespace mps
