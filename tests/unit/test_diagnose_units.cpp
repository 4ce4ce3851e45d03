// Pure parts of diagnose: PrestaShop page markers, the cookie-name version, URL resolution,
// --only selection, the verdict, and the bundle masker.
#include <catch2/catch.hpp>

#include "diagnose/bundle.hpp"
#include "diagnose/check_catalog.hpp"
#include "diagnose/diagnose.hpp"
#include "diagnose/masker.hpp"
#include "diagnose/page_markers.hpp"
#include "integrity/zip_archive.hpp"
#include "net/http.hpp"
#include "net/page_fetch.hpp"
#include "net/url.hpp"
#include "test_support.hpp"
#include "util/error.hpp"
#include "util/zip_writer.hpp"

#include <unistd.h>

#include <filesystem>
#include <memory>

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
    auto v16 = read_storefront(200, page("<meta name=\"generator\" content=\"PrestaShop\" />",
                                         {{"powered-by", "PrestaShop"}}));
    CHECK(v16.prestashop);
    CHECK(v16.family == PsFamily::v16);

    std::string js17 =
        "<script>var prestashop = "
        "{\"cart\":{},\"urls\":{\"theme_assets\":\"\\/themes\\/classic\\/assets\\/\"},"
        "\"modules\":{\"mymod\":{\"a\":\"}\"}}};</script><link "
        "href=\"/modules/mymod/views/css/front.css\">";
    auto v17 = read_storefront(200, page(js17));
    CHECK(v17.family == PsFamily::v17);
    CHECK(v17.theme == "classic");
    CHECK(module_assets_seen(js17, v17.prestashop_js, "mymod").size() == 2);
    CHECK(module_assets_seen(js17, v17.prestashop_js, "other").empty());

    auto v8 = read_storefront(
        200, page("var prestashop = {\"core_js_public_path\":\"\\/themes\\/\",\"urls\":{}};"));
    CHECK(v8.family == PsFamily::v8_or_later);

    HttpResponse maintenance = page(
        "<section id=\"content\" class=\"page-content page-maintenance\"><h1>We'll be back "
        "soon.</h1>");
    maintenance.status = 503;
    CHECK(read_storefront(503, maintenance).maintenance);
    CHECK_FALSE(read_storefront(200, maintenance).maintenance);

    CHECK_FALSE(read_storefront(200, page("<html><body>WordPress</body></html>")).prestashop);
    CHECK_FALSE(prestashop_js_object("var prestashop = {broken").has_value());
}

TEST_CASE("PHP errors: PHP's own format only, fatal first", "[diagnose]") {
    auto errors = php_errors(
        "<br />\n<b>Warning</b>:  Undefined array key \"x\" in <b>/var/www/a.php</b> on line "
        "<b>12</b><br />\n"
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
        "<title>My Shop > Administration (PrestaShop&trade;)</title><script "
        "src=\"../js/admin/login.js?v=1.7.8.10\"></script>"
        "<form action=\"#\" id=\"login_form\" method=\"post\"><input type=\"hidden\" "
        "name=\"redirect\" value=\"a&amp;b\"/>"
        "<input name=\"email\" type=\"email\"/><input name=\"passwd\" type=\"password\"/>"
        "<button name=\"submitLogin\" type=\"submit\">Log in</button></form><div "
        "class=\"text-center\">1.7.8.10</div>";
    auto facts = read_login_page(200, page(html, {{"login", "true"}}));
    CHECK(facts.login_page);
    CHECK(facts.flavour == "1.6-8 login form");
    CHECK(facts.version == "1.7.8.10");
    CHECK(facts.hidden_fields ==
          std::vector<std::pair<std::string, std::string>>{{"redirect", "a&b"}});
    CHECK(facts.submit_field == "submitLogin");

    auto nine = read_login_page(
        200, page("<form method=\"post\" action=\"/admin1/index.php/login\" id=\"login_form\">"
                  "<input type=\"hidden\" name=\"_token\" value=\"tok\"><input name=\"email\">"
                  "<input type=\"password\" name=\"passwd\"><button id=\"submit_login\" "
                  "name=\"submit_login\">"));
    CHECK(nine.flavour == "9.0 Symfony login");
    CHECK(nine.form_action == "/admin1/index.php/login");
    CHECK(nine.version.empty());

    HttpResponse missing = page("<h1>The page you are looking for was not found.</h1>");
    CHECK(read_login_page(404, missing).not_found_page);
    auto blocked = read_login_page(
        200,
        page("<p>For security reasons, you cannot connect to the back office until you have:</p>"
             "<ul><li>deleted the /install folder</li><li>renamed the /admin folder (e.g. "
             "x)</li></ul>"));
    CHECK(blocked.login_page);
    CHECK(blocked.install_warning);
    CHECK(blocked.admin_folder_warning);
}

TEST_CASE("cookie names give the version back; the domain rules", "[diagnose]") {
    std::string name = prestashop_cookie_name("8.1.7", "ps-s1", "shop.example.com:8443");
    CHECK(name == prestashop_cookie_name("8.1.7", "ps-s1", "shop.example.com"));
    CHECK(prestashop_cookie_name("8.1.7", "ps-s1", "localhost") ==
          prestashop_cookie_name("8.1.7", "ps-s1", "127.0.0.1"));
    CHECK(version_from_cookies({"PHPSESSID", name}, "shop.example.com", PsFamily::v8_or_later) ==
          std::optional<std::string>("8.1.7"));
    CHECK_FALSE(version_from_cookies({name}, "other.example.com", PsFamily::unknown).has_value());
    CHECK_FALSE(version_from_cookies({name}, "shop.example.com", PsFamily::v16).has_value());
    std::string admin = prestashop_cookie_name("1.6.1.24", "psAdmin", "www.shop.fr");
    CHECK(version_from_cookies({admin}, "www.shop.fr", PsFamily::unknown) ==
          std::optional<std::string>("1.6.1.24"));
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
    CHECK_THAT(diagnose_verdict({covered, overrides}, true).text,
               Catch::StartsWith("environment non-standard"));
    CHECK_THAT(diagnose_verdict({covered}, true).text, Catch::StartsWith("support covered"));
    CHECK_THAT(diagnose_verdict({covered, down}, true).text,
               Catch::Contains("storefront.reach: timeout"));
    CHECK_THAT(diagnose_verdict({}, false).text, Catch::Contains("no --files"));
}

TEST_CASE("masker: secrets, e-mails, tokens, cookies, Authorization; stable masks",
          "[diagnose][bundle]") {
    Masker masker;
    masker.add_secret("hunter2-long");
    masker.add_secret("ab");  // short secrets are masked too
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
    for (const char* secret :
         {"hunter2-long", "bob.smith", "ABCDEF0123456789", "0123456789abcdef0123456789abcdef",
          "fedcba9876543210", "sekrit-form-token", "xyz", "val123", "dXNlcjpwYXNz"})
        CHECK(text.find(secret) == std::string::npos);
    CHECK(text.find("email-1@masked.invalid and") != std::string::npos);
    CHECK(text.find("again email-1@masked.invalid,") != std::string::npos);
    CHECK(text.find("a@b") != std::string::npos);  // not an address: left alone
    CHECK(masker.mask("xaby") == "x[secret-2]y");
    CHECK(text.find("[secret-1]") != std::string::npos);
    CHECK(masker.mask("bob.smith+shop@example.co.uk") ==
          "email-1@masked.invalid");  // stable across calls
}

TEST_CASE("bundle names: .zip only, order reference prefix; secret files refused",
          "[diagnose][bundle]") {
    CHECK(bundle_path("/tmp/support.zip", "XKBKNABJK") ==
          std::filesystem::path("/tmp/XKBKNABJK-support.zip"));
    CHECK(bundle_path("/tmp/XKBKNABJK.zip", "XKBKNABJK") ==
          std::filesystem::path("/tmp/XKBKNABJK.zip"));
    CHECK(bundle_path("support.ZIP", "") == std::filesystem::path("support.ZIP"));
    CHECK_THROWS_AS(bundle_path("support.tar.gz", "X"), Error);
    CHECK(is_secret_file("app/config/parameters.php"));
    CHECK(is_secret_file("config/settings.inc.php"));
    CHECK(is_secret_file("keys/server.pem"));
    CHECK_FALSE(is_secret_file("var/logs/20261127_exception.log"));
}

TEST_CASE("masker: every secret whatever its length, found in values before JSON escapes them",
          "[diagnose][bundle]") {
    Masker masker;
    masker.add_secret("p\"w\\1");  // p"w\1: JSON writes it p\"w\\1
    masker.add_secret("Zq");
    masker.add_secret("");  // nothing to mask
    nlohmann::json data = {
        {"message", "refused p\"w\\1 and Zq"}, {"list", {"Zq", 3}}, {"Zq key", true}};
    std::string dumped = masker.mask_json(data).dump();
    CHECK(dumped.find("p\\\"w") == std::string::npos);
    CHECK(dumped.find("Zq") == std::string::npos);
    CHECK(dumped.find("[secret-1]") != std::string::npos);
    CHECK(dumped.find("[secret-2]") != std::string::npos);
    // A short secret never matches inside a mask already written.
    CHECK(masker.mask("[secret-1]") == "[secret-1]");

    Report report;
    report.title = "diagnose Zq";
    report.checks.push_back(
        Check{"admin.credentials", Status::fail, "Wrong password \"p\"w\\1\"", "retype Zq"});
    report.verdict = "could not tell: Zq";
    report.body = {{"url", "https://Zq.example/"}};
    report.details = {"Zq"};
    Report masked = mask_report(report, masker);
    std::string all = masked.title + masked.checks[0].message + masked.checks[0].hint +
                      masked.verdict + masked.body.dump() + masked.details[0];
    CHECK(all.find("Zq") == std::string::npos);
    CHECK(all.find("p\"w") == std::string::npos);

    redact_report(report, {"Zq", "p\"w\\1"});
    CHECK(report.checks[0].message == "Wrong password \"***\"");
    CHECK(report.title == "diagnose ***");
}

TEST_CASE("bundle member names: '..' as a path segment is refused, inside a name it is fine",
          "[diagnose][bundle]") {
    auto dir = std::filesystem::temp_directory_path() / ("mps-bundle-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    auto zip = dir / "b.zip";
    CHECK_NOTHROW(write_bundle(
        zip, {{"logs/var/logs/app..log", "x"}, {"diffs/mymod/views/a..b.tpl.diff", "y"}},
        "2026-11-30T00:00:00Z"));
    CHECK(std::filesystem::exists(zip));
    for (const char* name :
         {"../x", "logs/../../x", "logs/..", "./x", "logs//x", "/etc/passwd", "a\\b"}) {
        INFO(name);
        CHECK_THROWS_AS(write_bundle(dir / "c.zip", {{name, "x"}}, "2026-11-30T00:00:00Z"), Error);
    }
    CHECK_FALSE(std::filesystem::exists(dir / "c.zip"));

    DiagnoseResult result;
    result.logs.push_back(LogTail{});
    result.logs.back().path = "var/logs/we\\ird\nname..log";
    result.logs.back().tail = "line";
    Masker masker;
    auto members = bundle_members(result, "{}", "", masker);
    REQUIRE(members.size() == 3);
    CHECK(members[2].name == "logs/var/logs/we_ird_name..log");
    CHECK_NOTHROW(write_bundle(dir / "d.zip", members, "2026-11-30T00:00:00Z"));
    std::filesystem::remove_all(dir);
}

TEST_CASE("cookie jar: a cookie goes back only to the host and port that set it", "[http]") {
    HttpResponse first;
    first.headers = {{"set-cookie", "session=abc; path=/; HttpOnly"},
                     {"set-cookie", "tls_only=1; Secure"},
                     {"set-cookie", "wide=2; Domain=example.com"}};
    CookieJar jar;
    jar.absorb(first, "https://shop.example.com/admin/");
    CHECK(jar.header("https://shop.example.com/other") == "session=abc; tls_only=1; wide=2");
    CHECK(jar.header("https://SHOP.example.com:443/") == "session=abc; tls_only=1; wide=2");
    CHECK(jar.header("http://shop.example.com:443/") ==
          "session=abc; wide=2");  // Secure: https only
    CHECK(jar.header("https://evil.example/") == "");
    CHECK(jar.header("https://www.example.com/") == "");  // Domain= is not honoured
    CHECK(jar.header("https://shop.example.com:8443/") == "");
    CHECK(jar.header("not a url") == "");

    HttpResponse other;
    other.headers = {{"set-cookie", "session=zzz"}};
    jar.absorb(other, "http://other.example/");
    CHECK(jar.header("http://other.example/") == "session=zzz");
    CHECK(jar.header("https://shop.example.com/") == "session=abc; tls_only=1; wide=2");
    CHECK(jar.names() == std::vector<std::string>{"session", "tls_only", "wide"});

    HttpResponse deleted;
    deleted.headers = {{"set-cookie", "session=deleted"}};
    jar.absorb(deleted, "http://other.example/");
    CHECK(jar.header("http://other.example/") == "");
    CHECK(jar.header("https://shop.example.com/") == "session=abc; tls_only=1; wide=2");
}

TEST_CASE("URLs: strict http(s) parsing and the origin rule", "[http]") {
    auto url = parse_http_url("HTTPS://Shop.Example:8443/admin?x=1");
    REQUIRE(url);
    CHECK(url->scheme == "https");
    CHECK(url->host == "shop.example");
    CHECK(url->port == 8443);
    CHECK(url->target == "/admin?x=1");
    CHECK(parse_http_url("http://[::1]:8080/")->host == "[::1]");
    CHECK(url_origin("http://shop.example/a") == "http://shop.example:80");
    CHECK(same_origin("https://shop.example/admin1/", "https://SHOP.example:443/admin1/index.php"));
    CHECK_FALSE(same_origin("https://shop.example/", "http://shop.example/"));        // downgrade
    CHECK_FALSE(same_origin("https://shop.example/", "https://shop.example:8443/"));  // port
    CHECK_FALSE(same_origin("https://shop.example/", "https://evil.example/"));
    CHECK_FALSE(same_origin("https://shop.example/", "https://shop.example@evil.example/"));
    CHECK_FALSE(same_origin("https://shop.example/", "https://shop.example.evil.example/"));
    CHECK_FALSE(same_origin("bogus", "bogus"));
    for (const char* bad :
         {"", "shop.example", "ftp://shop.example/", "https://", "https:///path",
          "https://shop.example/a\r\nb", "https://shop.example/a b", "https://shop\n.example/",
          "https://shop.example:0/", "https://shop.example:99999/", "https://shop.example:/",
          "https://sh<op.example/", "http://[::1/"}) {
        INFO(bad);
        CHECK_FALSE(parse_http_url(bad));
        CHECK_FALSE(http_url_problem(bad).empty());
    }
    CHECK_THROWS_WITH(require_http_url("https://shop.example/\r\nInjected: yes", "--url"),
                      Catch::Contains("--url 'https://shop.example/\\r\\nInjected: yes'"));
    CHECK_NOTHROW(require_http_url("http://127.0.0.1:8080/", "--url"));
}

TEST_CASE("deadline: milliseconds left, below one second too", "[diagnose]") {
    Deadline deadline(1);
    CHECK(deadline.remaining_ms() <= 1000);
    CHECK(deadline.remaining_ms() >= 1);
    Deadline over(0);
    CHECK(over.passed());
    CHECK(over.remaining_ms() == 1);
    CHECK(over.expired("http://shop.example/x").kind == HttpFailureKind::timeout);
    CHECK_THAT(over.expired("http://shop.example/x").message, Catch::Contains("shop.example"));
}

TEST_CASE("environment_secrets: the secrets set in the environment, nothing else",
          "[diagnose][masker]") {
    auto env = mps::Environment::fixed({{"MPSUPPORT_ADMIN_PASSWORD", "admin-pw"},
                                        {"MPSUPPORT_SMTP_PASSWORD", "smtp-pw"},
                                        {"MPSUPPORT_SFTP_PASSWORD", ""},
                                        {"HOME", "/home/someone"}});
    CHECK(mps::environment_secrets(env) == std::vector<std::string>{"admin-pw", "smtp-pw"});
    CHECK(mps::environment_secrets(mps::Environment::fixed({})).empty());
}

TEST_CASE("zip_bytes: an archive the strict release reader accepts, deflated and stored members",
          "[diagnose][bundle][zip]") {
    testing::TempDir dir;
    std::string text;
    for (int i = 0; i < 2000; ++i) text += "line " + std::to_string(i % 7) + " of a log\n";
    std::string random;
    for (int i = 0; i < 4096; ++i) random += static_cast<char>((i * 2654435761u) >> 24);
    std::vector<ZipMember> members = {{"logs/app.log", text},
                                      {"empty.txt", ""},
                                      {"noise.bin", random},
                                      {"manifest.json", "{\"schema\": \"x\"}\n"}};
    std::string bytes = zip_bytes(members, 1790000000);
    CHECK(bytes.size() < text.size());  // the log is deflated
    testing::write(dir / "b.zip", bytes);
    ZipArchive zip(dir / "b.zip", "b.zip");
    REQUIRE(zip.entries().size() == members.size());
    for (std::size_t i = 0; i < members.size(); ++i) {
        const auto& entry = zip.entries()[i];
        CHECK(entry.name == members[i].name);
        CHECK(entry.kind == ZipEntryInfo::file);
        std::string content;
        zip.read(entry, [&](const char* data, std::size_t n) { content.append(data, n); });
        CHECK(content == members[i].content);
    }
    CHECK(zip.entries()[0].method == 8);
}
