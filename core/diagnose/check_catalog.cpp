#include "diagnose/check_catalog.hpp"

#include <algorithm>

#include "report/check_ids.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

namespace mps {

namespace {

// storefront_group: the storefront group, in report order.
std::vector<CheckInfo> storefront_group() {
    using N = CheckNeed;
    return {{check_id::storefront_reach,
             "storefront",
             {N::url},
             "",
             "the storefront answers; redirect chain and timings"},
            {check_id::storefront_tls,
             "storefront",
             {N::url},
             check_id::storefront_reach,
             "certificate valid and not expiring within 14 days"},
            {check_id::storefront_prestashop,
             "storefront",
             {N::url},
             check_id::storefront_reach,
             "the page is a PrestaShop storefront (1.6, 1.7+, 8+)"},
            {check_id::storefront_version,
             "storefront",
             {N::url},
             check_id::storefront_prestashop,
             "PrestaShop version from the cookie name and /api/"},
            {check_id::storefront_maintenance,
             "storefront",
             {N::url},
             check_id::storefront_reach,
             "the shop is not in maintenance mode"},
            {check_id::storefront_php_errors,
             "storefront",
             {N::url},
             check_id::storefront_reach,
             "no PHP errors or debug mode leaking into the page"},
            {check_id::storefront_module_assets,
             "storefront",
             {N::url},
             check_id::storefront_prestashop,
             "the module's assets appear on the home page"}};
}

// admin_group: the admin group, in report order.
std::vector<CheckInfo> admin_group() {
    using N = CheckNeed;
    return {{check_id::admin_reach, "admin", {N::admin_url}, "", "the admin URL answers"},
            {check_id::admin_login_page,
             "admin",
             {N::admin_url},
             check_id::admin_reach,
             "the admin URL shows PrestaShop's login page"},
            {check_id::admin_version,
             "admin",
             {N::admin_url},
             check_id::admin_login_page,
             "PrestaShop version shown on the login page"},
            {check_id::admin_credentials,
             "admin",
             {N::admin_url, N::admin_password},
             check_id::admin_login_page,
             "the given e-mail and password log in (read only)"},
            {check_id::admin_security,
             "admin",
             {N::admin_url},
             check_id::admin_reach,
             "admin folder renamed, /install removed, HTTPS"}};
}

// files_group: the files group, in report order.
std::vector<CheckInfo> files_group() {
    using N = CheckNeed;
    return {{check_id::files_hostkey,
             "files",
             {N::sftp},
             "",
             "the server's host key matches known_hosts"},
            {check_id::files_connect,
             "files",
             {N::sftp},
             check_id::files_hostkey,
             "SFTP login to the shop"},
            {check_id::files_prestashop_root,
             "files",
             {N::sftp},
             check_id::files_connect,
             "the SFTP path is a PrestaShop root; its version"},
            {check_id::files_module_present,
             "files",
             {N::sftp},
             check_id::files_connect,
             "the module is installed under modules/"},
            {check_id::files_version,
             "files",
             {N::sftp},
             check_id::files_module_present,
             "the installed module's version"},
            {check_id::files_listing,
             "files",
             {N::sftp},
             check_id::files_module_present,
             "the module's files could all be listed"},
            {check_id::files_integrity,
             "files",
             {N::sftp},
             check_id::files_module_present,
             "module files compared with the pristine release"},
            {check_id::files_overrides,
             "files",
             {N::sftp},
             check_id::files_module_present,
             "class overrides naming the module"},
            {check_id::files_theme_overrides,
             "files",
             {N::sftp},
             check_id::files_module_present,
             "theme templates overriding the module's"}};
}

// core_group: the core group, in report order.
std::vector<CheckInfo> core_group() {
    using N = CheckNeed;
    return {{check_id::files_core_integrity,
             "core",
             {N::sftp},
             check_id::files_prestashop_root,
             "PrestaShop core files against its checksum list"}};
}

// logs_group: the logs group, in report order.
std::vector<CheckInfo> logs_group() {
    using N = CheckNeed;
    return {{check_id::logs_collect,
             "logs",
             {N::sftp},
             check_id::files_connect,
             "recent log files of the shop (tails)"},
            {check_id::logs_errors,
             "logs",
             {N::sftp},
             check_id::logs_collect,
             "recent log errors that mention the module"}};
}

}  // namespace

const std::vector<CheckInfo>& check_catalog() {
    static const std::vector<CheckInfo> catalog = [] {
        std::vector<CheckInfo> all;
        for (auto group : {storefront_group, admin_group, files_group, core_group, logs_group})
            for (auto& info : group()) all.push_back(std::move(info));
        return all;
    }();
    return catalog;
}

const CheckInfo* find_check(const std::string& id) {
    for (const auto& info : check_catalog())
        if (info.id == id) return &info;
    return nullptr;
}

const char* need_name(CheckNeed need) {
    switch (need) {
        case CheckNeed::url:
            return "store URL (--url)";
        case CheckNeed::admin_url:
            return "admin URL (--admin)";
        case CheckNeed::sftp:
            return "SFTP access (--sftp)";
        case CheckNeed::admin_password:
            return "admin e-mail and password (--admin-email, MPSUPPORT_ADMIN_PASSWORD)";
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
                            "groups: storefront, admin, files, logs, core; 'mpsupport diagnose "
                            "--list-checks' lists the ids");
        }
    }
    if (selection.ids_.empty() && !items.empty())
        throw Error(ErrorKind::usage, "--only selects no check",
                    "give groups or check ids, comma-separated");
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
