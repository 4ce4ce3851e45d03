#pragma once
// What a PrestaShop page says about the shop (PRESTASHOP.md "Storefront", "Back office"):
// pure functions over a status, headers and HTML, so they are tested on real markup.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/http.hpp"

namespace mps {

// The PrestaShop line a storefront reveals: 1.6, 1.7 (no core_js_public_path), or 8 and later.
enum class PsFamily { unknown, v16, v17, v8_or_later };

// family_name: "1.6", "1.7", "8 or later", "unknown".
const char* family_name(PsFamily family);

struct StorefrontFacts {
    bool prestashop = false;
    PsFamily family = PsFamily::unknown;
    std::vector<std::string> evidence;  // what was seen, e.g. "var prestashop", "Powered-By header"
    std::string theme;         // from /themes/<theme>/assets/ (1.7+) or /themes/<theme>/ (1.6)
    bool maintenance = false;  // 503 with PrestaShop's maintenance markup
    bool error_page = false;   // PrestaShop's error500.html
    std::optional<nlohmann::json> prestashop_js;  // the `var prestashop = {...};` object
};

// read_storefront: the facts of one storefront answer.
StorefrontFacts read_storefront(long status, const HttpResponse& response);

// prestashop_js_object: the JSON object assigned by `var prestashop = {...};`, if any.
std::optional<nlohmann::json> prestashop_js_object(std::string_view html);

struct PhpError {
    std::string level;  // "Fatal error", "Parse error", "Warning", "Notice", "Deprecated",
                        // "Uncaught exception"
    std::string text;   // the line as shown, tags removed, at most 300 characters
};

// php_errors: PHP error output leaking into a page (PHP's own format: "<b>Warning</b>: ... in
// FILE on line N", "Fatal error: Uncaught ..."), at most 20.
std::vector<PhpError> php_errors(std::string_view html);

// debug_mode_markers: signs of PrestaShop's dev mode or Symfony's debug toolbar.
std::vector<std::string> debug_mode_markers(std::string_view html);

// module_assets_seen: where the page shows module `name`: its /modules/<name>/ assets and/or
// its entry in prestashop.modules.
std::vector<std::string> module_assets_seen(std::string_view html,
                                            const std::optional<nlohmann::json>& prestashop_js,
                                            const std::string& name);

struct LoginPageFacts {
    bool login_page = false;
    std::string flavour;  // "1.6-8 login form" or "9.0 Symfony login"
    std::vector<std::string> evidence;
    std::string version;  // leaked by login.js?v= or the text under the logo
    std::string version_source;
    bool not_found_page = false;        // the shop's 404 page: the folder is wrong
    bool install_warning = false;       // "/install" still exists
    bool admin_folder_warning = false;  // the folder was not renamed
    std::string form_action;            // the login form's action (9.0 posts there)
    std::vector<std::pair<std::string, std::string>> hidden_fields;  // hidden inputs of the form
    std::string email_field = "email";  // names of the form's fields (9.0 may namespace them)
    std::string password_field = "passwd";
    std::string submit_field;  // the submit button's name, when it has one
};

// read_login_page: what the admin URL's page is.
LoginPageFacts read_login_page(long status, const HttpResponse& response);

// prestashop_cookie_name: "PrestaShop-" + md5(version + name + domain), as PrestaShop's Cookie
// class names its cookie; `host` without port, the domain part empty for IP hosts and hosts
// without a dot.
std::string prestashop_cookie_name(const std::string& version, const std::string& name,
                                   const std::string& host);

// version_from_cookies: the PrestaShop version whose front (ps-s<id>, ps-sg<id>) or back-office
// (psAdmin) cookie name is among `cookie_names`, trying every release of `family` (all when
// unknown).
std::optional<std::string> version_from_cookies(const std::vector<std::string>& cookie_names,
                                                const std::string& host, PsFamily family);

}  // namespace mps
