#include "diagnose/page_markers.hpp"

#include <algorithm>
#include <cctype>

#include "util/html.hpp"
#include "util/json_limits.hpp"
#include "util/md5.hpp"
#include "util/text.hpp"

namespace mps {
namespace {

bool contains(std::string_view text, std::string_view needle) {
    return text.find(needle) != std::string_view::npos;
}

bool is_version_char(char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || c == '.';
}

// version_at: the dotted version starting at `pos` (at least "1.2"), or empty.
std::string version_at(std::string_view text, std::size_t pos) {
    std::size_t end = pos;
    while (end < text.size() && end - pos < 20 && is_version_char(text[end])) ++end;
    std::string version(text.substr(pos, end - pos));
    while (!version.empty() && version.back() == '.') version.pop_back();
    if (version.find('.') == std::string::npos ||
        !std::isdigit(static_cast<unsigned char>(version[0])))
        return {};
    return version;
}

// attribute: the value of attribute `name` in the tag text `tag` ("<input type=...>").
std::string attribute(std::string_view tag, std::string_view name) {
    std::size_t pos = 0;
    while ((pos = tag.find(name, pos)) != std::string_view::npos) {
        bool starts = pos > 0 && std::isspace(static_cast<unsigned char>(tag[pos - 1]));
        std::size_t after = pos + name.size();
        pos = after;
        if (!starts) continue;
        while (after < tag.size() && tag[after] == ' ') ++after;
        if (after >= tag.size() || tag[after] != '=') continue;
        ++after;
        while (after < tag.size() && tag[after] == ' ') ++after;
        if (after >= tag.size()) return {};
        char quote = tag[after];
        if (quote == '"' || quote == '\'') {
            auto close = tag.find(quote, after + 1);
            if (close == std::string_view::npos) return {};
            return std::string(tag.substr(after + 1, close - after - 1));
        }
        auto end = tag.find_first_of(" >", after);
        return std::string(tag.substr(
            after, end == std::string_view::npos ? std::string_view::npos : end - after));
    }
    return {};
}

const std::vector<std::string>& known_versions() {
    static const std::vector<std::string> versions = [] {
        std::vector<std::string> out;
        for (int patch = 0; patch <= 20; ++patch) out.push_back("1.6.0." + std::to_string(patch));
        for (int patch = 0; patch <= 30; ++patch) out.push_back("1.6.1." + std::to_string(patch));
        for (int minor = 0; minor <= 8; ++minor)
            for (int patch = 0; patch <= 15; ++patch)
                out.push_back("1.7." + std::to_string(minor) + "." + std::to_string(patch));
        for (int major = 8; major <= 9; ++major)
            for (int minor = 0; minor <= 4; ++minor)
                for (int patch = 0; patch <= 15; ++patch)
                    out.push_back(std::to_string(major) + "." + std::to_string(minor) + "." +
                                  std::to_string(patch));
        return out;
    }();
    return versions;
}

bool in_family(const std::string& version, PsFamily family) {
    switch (family) {
        case PsFamily::v16:
            return version.rfind("1.6.", 0) == 0;
        case PsFamily::v17:
            return version.rfind("1.7.", 0) == 0;
        case PsFamily::v8_or_later:
            return version.rfind("1.", 0) != 0;
        case PsFamily::unknown:
            return true;
    }
    return true;
}

bool is_ip_host(const std::string& host) {
    if (host.find(':') != std::string::npos) return true;  // IPv6
    return !host.empty() &&
           std::all_of(host.begin(), host.end(), [](char c) { return is_version_char(c); });
}

}  // namespace

const char* family_name(PsFamily family) {
    switch (family) {
        case PsFamily::v16:
            return "1.6";
        case PsFamily::v17:
            return "1.7";
        case PsFamily::v8_or_later:
            return "8 or later";
        case PsFamily::unknown:
            return "unknown";
    }
    return "unknown";
}

std::optional<nlohmann::json> prestashop_js_object(std::string_view html) {
    for (std::string_view marker : {"var prestashop = ", "var prestashop=", "var prestashop ="}) {
        auto pos = html.find(marker);
        if (pos == std::string_view::npos) continue;
        auto start = html.find('{', pos + marker.size());
        if (start == std::string_view::npos || start > pos + marker.size() + 4) return std::nullopt;
        int depth = 0;
        bool in_string = false, escaped = false;
        for (std::size_t i = start; i < html.size(); ++i) {
            char c = html[i];
            if (in_string) {
                if (escaped)
                    escaped = false;
                else if (c == '\\')
                    escaped = true;
                else if (c == '"')
                    in_string = false;
                continue;
            }
            if (c == '"')
                in_string = true;
            else if (c == '{')
                ++depth;
            else if (c == '}' && --depth == 0) {
                auto parsed = parse_remote_json(html.substr(start, i - start + 1));
                if (!parsed || !parsed.value.is_object()) return std::nullopt;
                return std::move(parsed.value);
            }
        }
        return std::nullopt;
    }
    return std::nullopt;
}

StorefrontFacts read_storefront(long status, const HttpResponse& response) {
    StorefrontFacts facts;
    std::string_view html = response.body;
    if (contains_nocase(response.header("powered-by"), "prestashop")) {
        facts.family = PsFamily::v16;
        facts.evidence.push_back("Powered-By: PrestaShop header");
    }
    if (contains(html, "<meta name=\"generator\" content=\"PrestaShop\"")) {
        facts.family = PsFamily::v16;
        facts.evidence.push_back("generator meta tag");
    }
    if (contains(html, "js/jquery/jquery-1.11.0.min.js") &&
        (contains(html, "var baseDir") || contains(html, "var baseUri"))) {
        facts.family = PsFamily::v16;
        facts.evidence.push_back("1.6 JS globals (baseDir, jquery-1.11.0)");
    }
    facts.prestashop_js = prestashop_js_object(html);
    if (facts.prestashop_js) {
        bool eight = facts.prestashop_js->contains("core_js_public_path") ||
                     contains(html, "core_js_public_path");
        facts.family = eight ? PsFamily::v8_or_later : PsFamily::v17;
        facts.evidence.push_back(eight ? "var prestashop with core_js_public_path"
                                       : "var prestashop");
        const auto* urls = json_member(*facts.prestashop_js, "urls");  // no copy of the subtree
        std::string assets = urls ? json_text(*urls, "theme_assets") : "";
        if (!assets.empty()) {
            auto themes = assets.find("/themes/");
            if (themes != std::string::npos) {
                auto end = assets.find('/', themes + 8);
                facts.theme = assets.substr(
                    themes + 8, end == std::string::npos ? std::string::npos : end - themes - 8);
            }
        }
    }
    if (facts.theme.empty()) {
        for (auto pos = html.find("/themes/"); pos != std::string_view::npos;
             pos = html.find("/themes/", pos + 1)) {
            auto end = html.find_first_of("/\"' ", pos + 8);
            if (end == std::string_view::npos || html[end] != '/') continue;
            std::string theme(html.substr(pos + 8, end - pos - 8));
            if (!theme.empty() && theme.size() < 64) {
                facts.theme = theme;
                if (contains(html, "/themes/" + theme + "/assets/") &&
                    facts.family == PsFamily::unknown)
                    facts.evidence.push_back("theme assets under /themes/" + theme + "/assets/");
                break;
            }
        }
    }
    if (contains(html, "/themes/core.js")) facts.evidence.push_back("/themes/core.js");
    bool maintenance_markup =
        contains(html, "page-maintenance") || contains(html, "We'll be back soon") ||
        contains(html, "id=\"maintenance\"") || contains(html, "maintenance-heading");
    if (status == 503 && maintenance_markup) {
        facts.maintenance = true;
        facts.evidence.push_back("maintenance page (HTTP 503)");
        if (facts.family == PsFamily::unknown)
            facts.family = contains(html, "id=\"maintenance\"") ? PsFamily::v16 : PsFamily::unknown;
    }
    if (contains(html, "content=\"This store is powered by PrestaShop\"")) {
        facts.error_page = true;
        facts.evidence.push_back("PrestaShop error page (error500.html)");
    }
    facts.prestashop = facts.family != PsFamily::unknown || facts.maintenance || facts.error_page;
    return facts;
}

std::vector<PhpError> php_errors(std::string_view html) {
    static const std::pair<const char*, const char*> levels[] = {
        {"Fatal error:", "Fatal error"}, {"Parse error:", "Parse error"},
        {"Warning:", "Warning"},         {"Notice:", "Notice"},
        {"Deprecated:", "Deprecated"},   {"Catchable fatal error:", "Fatal error"},
        {"Strict Standards:", "Notice"}};
    std::vector<PhpError> found;
    for (auto raw : split_lines(html)) {
        if (found.size() >= 20) break;
        if (raw.size() > 20000) raw = raw.substr(0, 20000);
        if (!contains(raw, "error") && !contains(raw, "Warning") && !contains(raw, "Notice") &&
            !contains(raw, "Deprecated") && !contains(raw, "Uncaught"))
            continue;
        std::string line = html_text(raw);
        if (line.rfind("PHP ", 0) == 0) line = line.substr(4);
        bool located =
            contains(line, " on line ") || contains(line, ".php:") || contains(line, "Stack trace");
        for (const auto& [prefix, level] : levels) {
            if (line.rfind(prefix, 0) != 0 || !located) continue;
            PhpError error{level, line.substr(0, 300)};
            if (contains(line, "Uncaught")) error.level = "Fatal error";
            found.push_back(error);
            break;
        }
    }
    return found;
}

std::vector<std::string> debug_mode_markers(std::string_view html) {
    std::vector<std::string> markers;
    if (contains(html, "sf-toolbar") || contains(html, "id=\"sfwdt"))
        markers.push_back("Symfony debug toolbar");
    if (contains(html, "_PS_MODE_DEV_")) markers.push_back("_PS_MODE_DEV_ mentioned in the page");
    return markers;
}

std::vector<std::string> module_assets_seen(std::string_view html,
                                            const std::optional<nlohmann::json>& prestashop_js,
                                            const std::string& name) {
    std::vector<std::string> seen;
    std::string folder = "/modules/" + name + "/";
    std::size_t count = 0;
    for (auto pos = html.find(folder); pos != std::string_view::npos;
         pos = html.find(folder, pos + 1))
        ++count;
    if (count) seen.push_back(std::to_string(count) + " reference(s) to " + folder);
    if (prestashop_js && prestashop_js->contains("modules") &&
        (*prestashop_js)["modules"].is_object() && (*prestashop_js)["modules"].contains(name))
        seen.push_back("prestashop.modules." + name);
    return seen;
}

LoginPageFacts read_login_page(long status, const HttpResponse& response) {
    LoginPageFacts facts;
    std::string_view html = response.body;
    bool form = contains(html, "id=\"login_form\"") || contains(html, "name=\"login_form\"");
    bool password =
        contains(html, "name=\"passwd\"") || contains(html, "name=\"login_form[passwd]\"");
    if (form) facts.evidence.push_back("login_form");
    if (password) facts.evidence.push_back("passwd field");
    if (contains(html, "name=\"submitLogin\"")) facts.evidence.push_back("submitLogin button");
    if (contains(html, "submit_login")) facts.evidence.push_back("submit_login");
    if (contains(html, "(PrestaShop&trade;)") || contains(html, "(PrestaShop™)"))
        facts.evidence.push_back("PrestaShop title");
    if (response.header("login") == "true") facts.evidence.push_back("Login: true header");
    facts.login_page = form && password;
    // With /install left or the folder still named admin, PrestaShop shows only this warning.
    bool blocked = contains(html, "you cannot connect to the back office until you have");
    if (blocked && !facts.login_page) {
        facts.login_page = true;
        facts.flavour = "security warning instead of the login form";
        facts.evidence.push_back("back-office security warning");
    }
    if (facts.login_page && facts.flavour.empty())
        facts.flavour =
            contains(html, "name=\"submitLogin\"") || contains(html, "forgot_password_form")
                ? "1.6-8 login form"
                : "9.0 Symfony login";
    if (auto pos = html.find("login.js?v="); pos != std::string_view::npos) {
        facts.version = version_at(html, pos + 11);
        if (!facts.version.empty()) facts.version_source = "login.js?v=";
    }
    if (facts.version.empty()) {
        std::string_view marker = "<div class=\"text-center\">";
        for (auto pos = html.find(marker); pos != std::string_view::npos;
             pos = html.find(marker, pos + 1)) {
            std::string version = version_at(html, pos + marker.size());
            if (!version.empty() &&
                html.substr(pos + marker.size() + version.size(), 6) == "</div>") {
                facts.version = version;
                facts.version_source = "version under the logo";
                break;
            }
        }
    }
    std::string text = html_text(html);
    facts.not_found_page =
        !facts.login_page &&
        (status == 404 || contains(text, "The page you are looking for was not found") ||
         contains(html, "class=\"pagenotfound\""));
    facts.install_warning = contains_nocase(text, "/install folder") ||
                            contains_nocase(text, "delete the install folder");
    facts.admin_folder_warning = contains_nocase(text, "rename the /admin folder") ||
                                 contains_nocase(text, "renamed the /admin folder");
    if (facts.login_page) {
        std::size_t start = html.find("id=\"login_form\"");
        if (start == std::string_view::npos) start = html.find("name=\"login_form\"");
        std::size_t tag_start = html.rfind("<form", start);
        std::size_t tag_end = html.find('>', start);
        if (tag_start != std::string_view::npos && tag_end != std::string_view::npos) {
            facts.form_action =
                decode_entities(attribute(html.substr(tag_start, tag_end - tag_start), "action"));
            std::size_t form_end = html.find("</form>", tag_end);
            std::string_view body =
                html.substr(tag_end, form_end == std::string_view::npos ? std::string_view::npos
                                                                        : form_end - tag_end);
            for (auto pos = body.find("<input"); pos != std::string_view::npos;
                 pos = body.find("<input", pos + 1)) {
                auto end = body.find('>', pos);
                std::string_view tag = body.substr(
                    pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
                std::string name = attribute(tag, "name"), type = to_lower(attribute(tag, "type"));
                if (name.empty()) continue;
                if (type == "hidden")
                    facts.hidden_fields.emplace_back(name,
                                                     decode_entities(attribute(tag, "value")));
                else if (name.find("email") != std::string::npos)
                    facts.email_field = name;
                else if (name.find("passwd") != std::string::npos ||
                         name.find("password") != std::string::npos)
                    facts.password_field = name;
                else if (type == "submit" && facts.submit_field.empty())
                    facts.submit_field = name;
            }
            for (auto pos = body.find("<button"); pos != std::string_view::npos;
                 pos = body.find("<button", pos + 1)) {
                auto end = body.find('>', pos);
                std::string name = attribute(
                    body.substr(pos,
                                end == std::string_view::npos ? std::string_view::npos : end - pos),
                    "name");
                if (!name.empty() && facts.submit_field.empty()) facts.submit_field = name;
            }
        }
    }
    return facts;
}

std::string prestashop_cookie_name(const std::string& version, const std::string& name,
                                   const std::string& host) {
    std::string domain = host;
    if (auto colon = domain.rfind(':'); colon != std::string::npos &&
                                        domain.find(']') == std::string::npos &&
                                        domain.find(':') == colon)
        domain = domain.substr(0, colon);
    if (is_ip_host(domain) || domain.find('.') == std::string::npos) domain.clear();
    return "PrestaShop-" + md5_hex(version + name + domain);
}

std::optional<std::string> version_from_cookies(const std::vector<std::string>& cookie_names,
                                                const std::string& host, PsFamily family) {
    std::vector<std::string> wanted;
    for (const auto& name : cookie_names)
        if (name.rfind("PrestaShop-", 0) == 0) wanted.push_back(name);
    if (wanted.empty()) return std::nullopt;
    std::vector<std::string> names = {"psAdmin"};
    for (int id = 1; id <= 10; ++id) {
        names.push_back("ps-s" + std::to_string(id));
        names.push_back("ps-sg" + std::to_string(id));
    }
    for (const auto& version : known_versions()) {
        if (!in_family(version, family)) continue;
        for (const auto& name : names)
            if (std::find(wanted.begin(), wanted.end(),
                          prestashop_cookie_name(version, name, host)) != wanted.end())
                return version;
    }
    return std::nullopt;
}

}  // namespace mps
