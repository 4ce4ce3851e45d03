// Pure parts of diagnose: PrestaShop page markers, the cookie-name version, URL resolution,
// --only selection, the verdict, and the bundle masker.
#include <catch2/catch.hpp>

#include "diagnose/bundle.hpp"
#include "diagnose/check_catalog.hpp"
#include "diagnose/diagnose.hpp"
#include "diagnose/masker.hpp"
#include "diagnose/page_fetch.hpp"
#include "diagnose/page_markers.hpp"
#include "util/error.hpp"

using namespace mps;

namespace {

HttpResponse page(std::string body, HttpHeaders headers = {}) {
    HttpResponse r;
    r.status = 200;
    r.body = std::move(body);
    r.headers = std::move(headers);
    return r;
}

}  // namespace

TEST_CASE("storefront markers: 1.6, 1.7, 8+, maintenance, not PrestaShop", "[diagnose]") {
    auto v16 = read_storefront(200, page("<meta name=\"generator\" content=\"PrestaShop\" />", {{"powered-by", "PrestaShop"}}));
    CHECK(v16.prestashop);
    CHECK(v16.family == PsFamily::v16);

    std::string js17 = "<script>var prestashop = {\"cart\":{},\"urls\":{\"theme_assets\":\"\\/themes\\/classic\\/assets\\/\"},"
                       "\"modules\":{\"mymod\":{\"a\":\"}\"}}};</script><link href=\"/modules/mymod/views/css/front.css\">";
    auto v17 = read_storefront(200, page(js17));
    CHECK(v17.family == PsFamily::v17);
    CHECK(v17.theme == "classic");
    CHECK(module_assets_seen(js17, v17.prestashop_js, "mymod").size() == 2);
    CHECK(module_assets_seen(js17, v17.prestashop_js, "other").empty());

    auto v8 = read_storefront(200, page("var prestashop = {\"core_js_public_path\":\"\\/themes\\/\",\"urls\":{}};"));
    CHECK(v8.family == PsFamily::v8_or_later);

    HttpResponse maintenance = page("<section id=\"content\" class=\"page-content page-maintenance\"><h1>We'll be back soon.</h1>");
    maintenance.status = 503;
    CHECK(read_storefront(503, maintenance).maintenance);
    CHECK_FALSE(read_storefront(200, maintenance).maintenance);

    CHECK_FALSE(read_storefront(200, page("<html><body>WordPress</body></html>")).prestashop);
    CHECK_FALSE(prestashop_js_object("var prestashop = {broken").has_value());
}

TEST_CASE("PHP errors: PHP's own format only, fatal first", "[diagnose]") {
    auto errors = php_errors("<br />\n<b>Warning</b>:  Undefined array key \"x\" in <b>/var/www/a.php</b> on line <b>12</b><br />\n"
                             "<p>Warning: our stock is low</p>\n"
                             "<b>Fatal error</b>:  Uncaught Error: boom in /var/www/m.php:42\n");
    REQUIRE(errors.size() == 2);
    CHECK(errors[0].level == "Warning");
    CHECK(errors[1].level == "Fatal error");
    CHECK(errors[1].text.find("m.php:42") != std::string::npos);
    CHECK(debug_mode_markers("<div id=\"sfwdt12\" class=\"sf-toolbar\">").size() == 1);
}

TEST_CASE("login page: form fields, version leaks, warnings, 404", "[diagnose]") {
    std::string html =
        "<title>My Shop > Administration (PrestaShop&trade;)</title><script src=\"../js/admin/login.js?v=1.7.8.10\"></script>"
        "<form action=\"#\" id=\"login_form\" method=\"post\"><input type=\"hidden\" name=\"redirect\" value=\"a&amp;b\"/>"
        "<input name=\"email\" type=\"email\"/><input name=\"passwd\" type=\"password\"/>"
        "<button name=\"submitLogin\" type=\"submit\">Log in</button></form><div class=\"text-center\">1.7.8.10</div>";
    auto facts = read_login_page(200, page(html, {{"login", "true"}}));
    CHECK(facts.login_page);
    CHECK(facts.flavour == "1.6-8 login form");
    CHECK(facts.version == "1.7.8.10");
    CHECK(facts.hidden_fields == std::vector<std::pair<std::string, std::string>>{{"redirect", "a&b"}});
    CHECK(facts.submit_field == "submitLogin");

    auto nine = read_login_page(200, page("<form method=\"post\" action=\"/admin1/index.php/login\" id=\"login_form\">"
                                          "<input type=\"hidden\" name=\"_token\" value=\"tok\"><input name=\"email\">"
                                          "<input type=\"password\" name=\"passwd\"><button id=\"submit_login\" name=\"submit_login\">"));
    CHECK(nine.flavour == "9.0 Symfony login");
    CHECK(nine.form_action == "/admin1/index.php/login");
    CHECK(nine.version.empty());

    HttpResponse missing = page("<h1>The page you are looking for was not found.</h1>");
    CHECK(read_login_page(404, missing).not_found_page);
    auto blocked = read_login_page(200, page("<p>For security reasons, you cannot connect to the back office until you have:</p>"
                                             "<ul><li>deleted the /install folder</li><li>renamed the /admin folder (e.g. x)</li></ul>"));
    CHECK(blocked.login_page);
    CHECK(blocked.install_warning);
    CHECK(blocked.admin_folder_warning);
}

TEST_CASE("cookie names give the version back; the domain rules", "[diagnose]") {
    std::string name = prestashop_cookie_name("8.1.7", "ps-s1", "shop.example.com:8443");
    CHECK(name == prestashop_cookie_name("8.1.7", "ps-s1", "shop.example.com"));
    CHECK(prestashop_cookie_name("8.1.7", "ps-s1", "localhost") == prestashop_cookie_name("8.1.7", "ps-s1", "127.0.0.1"));
    CHECK(version_from_cookies({"PHPSESSID", name}, "shop.example.com", PsFamily::v8_or_later) == std::optional<std::string>("8.1.7"));
    CHECK_FALSE(version_from_cookies({name}, "other.example.com", PsFamily::unknown).has_value());
    CHECK_FALSE(version_from_cookies({name}, "shop.example.com", PsFamily::v16).has_value());
    std::string admin = prestashop_cookie_name("1.6.1.24", "psAdmin", "www.shop.fr");
    CHECK(version_from_cookies({admin}, "www.shop.fr", PsFamily::unknown) == std::optional<std::string>("1.6.1.24"));
}

TEST_CASE("resolve_url: absolute, root-relative, relative", "[diagnose]") {
    CHECK(resolve_url("https://a.example/x/y?q=1", "https://b.example/") == "https://b.example/");
    CHECK(resolve_url("https://a.example/x/y?q=1", "/api/") == "https://a.example/api/");
    CHECK(resolve_url("https://a.example/x/y?q=1", "z") == "https://a.example/x/z");
    CHECK(resolve_url("https://a.example", "z") == "https://a.example/z");
    CHECK(resolve_url("https://a.example/x/", "//c.example/p") == "https://c.example/p");
}

TEST_CASE("--only: groups and ids; unknown names are usage errors", "[diagnose]") {
    auto selection = CheckSelection::parse({"storefront,admin.version", "logs"});
    CHECK(selection.selected("storefront.tls"));
    CHECK(selection.selected("admin.version"));
    CHECK_FALSE(selection.selected("admin.reach"));
    CHECK(selection.any_in("logs"));
    CHECK_FALSE(selection.any_in("files"));
    CHECK(CheckSelection().selected("files.integrity"));
    CHECK_THROWS_AS(CheckSelection::parse({"storefront,bogus"}), Error);
    for (const auto& info : check_catalog())
        if (!info.depends_on.empty()) CHECK(find_check(info.depends_on) != nullptr);
}

TEST_CASE("verdict: voided beats non-standard beats covered; unknown says why", "[diagnose]") {
    Check voided{"files.integrity", Status::fail, "x"};
    Check covered{"files.integrity", Status::pass, "ok"};
    Check overrides{"files.overrides", Status::warn, "1 override"};
    Check down{"storefront.reach", Status::fail, "timeout"};
    down.outcome = ErrorKind::unreachable;
    CHECK_THAT(diagnose_verdict({covered, voided}, true).text, Catch::StartsWith("support voided"));
    CHECK_THAT(diagnose_verdict({covered, overrides}, true).text, Catch::StartsWith("environment non-standard"));
    CHECK_THAT(diagnose_verdict({covered}, true).text, Catch::StartsWith("support covered"));
    CHECK_THAT(diagnose_verdict({covered, down}, true).text, Catch::Contains("storefront.reach: timeout"));
    CHECK_THAT(diagnose_verdict({}, false).text, Catch::Contains("no --sftp"));
}

TEST_CASE("masker: secrets, e-mails, tokens, cookies, Authorization; stable masks", "[diagnose][bundle]") {
    Masker masker;
    masker.add_secret("hunter2-long");
    masker.add_secret("ab");  // too short to mask safely: ignored
    std::string text = masker.mask(
        "login hunter2-long for bob.smith+shop@example.co.uk and BOB.SMITH+shop@example.co.uk\n"
        "GET /api/orders?ws_key=ABCDEF0123456789&display=full\n"
        "var static_token = '0123456789abcdef0123456789abcdef';\n"
        "{\"token\":\"fedcba9876543210\"}\n"
        "<input type=\"hidden\" name=\"token\" value=\"sekrit-form-token\">\n"
        "Cookie: PrestaShop-abc=xyz; PHPSESSID=1\r\n"
        "Set-Cookie: PrestaShop-0f0f=val123; path=/\n"
        "Authorization: Basic dXNlcjpwYXNz\n"
        "again bob.smith+shop@example.co.uk, not an address: a@b, user@localhost\n");
    for (const char* secret : {"hunter2-long", "bob.smith", "ABCDEF0123456789", "0123456789abcdef0123456789abcdef",
                               "fedcba9876543210", "sekrit-form-token", "xyz", "val123", "dXNlcjpwYXNz"})
        CHECK(text.find(secret) == std::string::npos);
    CHECK(text.find("email-1@masked.invalid and") != std::string::npos);
    CHECK(text.find("again email-1@masked.invalid,") != std::string::npos);
    CHECK(text.find("a@b") != std::string::npos);  // not an address: left alone
    CHECK(text.find("[secret-1]") != std::string::npos);
    CHECK(masker.mask("bob.smith+shop@example.co.uk") == "email-1@masked.invalid");  // stable across calls
}

TEST_CASE("bundle names: .zip only, order reference prefix; secret files refused", "[diagnose][bundle]") {
    CHECK(bundle_path("/tmp/support.zip", "XKBKNABJK") == std::filesystem::path("/tmp/XKBKNABJK-support.zip"));
    CHECK(bundle_path("/tmp/XKBKNABJK.zip", "XKBKNABJK") == std::filesystem::path("/tmp/XKBKNABJK.zip"));
    CHECK(bundle_path("support.ZIP", "") == std::filesystem::path("support.ZIP"));
    CHECK_THROWS_AS(bundle_path("support.tar.gz", "X"), Error);
    CHECK(is_secret_file("app/config/parameters.php"));
    CHECK(is_secret_file("config/settings.inc.php"));
    CHECK(is_secret_file("keys/server.pem"));
    CHECK_FALSE(is_secret_file("var/logs/20261127_exception.log"));
}
