// `mpsupport diagnose` against real servers on loopback: the PrestaShop fixture shop on php -S
// (tests/fixtures/shop/router.php: 1.6, 1.7, 8, 9), nginx with TLS in front of it
// (certificates made at test time), a server that never answers, and sshd for files and logs.
#include <archive.h>
#include <archive_entry.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <memory>

#include "json_result.hpp"
#include "sshd_server.hpp"
#include "test_support.hpp"
#include "tls_fixture.hpp"
#include "util/md5.hpp"
#include "util/sha256.hpp"

namespace fs = std::filesystem;
using testing::json_of;
using testing::run_mpsupport;
using testing::RunResult;

namespace {

const std::string kPassword = "S3cret-Admin-pw!";

// FixtureShop: the fixture shop of one PrestaShop version on php -S.
struct FixtureShop {
    int port = testing::free_port();
    std::unique_ptr<testing::ServerProcess> php;

    explicit FixtureShop(const std::string& version, std::map<std::string, std::string> env = {}) {
        env["MPS_SHOP_VERSION"] = version;
        env.emplace("MPS_ADMIN_PASSWORD", kPassword);
        env.emplace("MPS_MODULES", "mymod");
        php = std::make_unique<testing::ServerProcess>(
            std::vector<std::string>{"/usr/bin/php", "-S", "127.0.0.1:" + std::to_string(port),
                                     MPSUPPORT_FIXTURES "/shop/router.php"},
            port, env);
    }
    std::string url(const std::string& path = "/") const {
        return "http://127.0.0.1:" + std::to_string(port) + path;
    }
    std::string admin(const std::string& folder = "admin123abc") const {
        return url("/" + folder + "/");
    }
};

std::map<std::string, nlohmann::json> checks_by_id(const nlohmann::json& doc) {
    std::map<std::string, nlohmann::json> out;
    for (const auto& check : doc["checks"]) out.emplace(check["id"].get<std::string>(), check);
    return out;
}

std::string status_of(const nlohmann::json& doc, const std::string& id) {
    auto checks = checks_by_id(doc);
    return checks.count(id) ? checks[id]["status"].get<std::string>() : "absent";
}

RunResult diagnose(const testing::TempDir& home, std::vector<std::string> args,
                   const std::map<std::string, std::string>& env = {}) {
    std::vector<std::string> all = {"--json", "--timeout", "15", "diagnose"};
    all.insert(all.end(), args.begin(), args.end());
    return run_mpsupport(all, home.path(), env);
}

std::map<std::string, std::string> read_zip(const fs::path& path) {
    std::map<std::string, std::string> members;
    std::unique_ptr<archive, decltype(&archive_read_free)> zip(archive_read_new(),
                                                               archive_read_free);
    archive_read_support_format_zip(zip.get());
    REQUIRE(archive_read_open_filename(zip.get(), path.c_str(), 65536) == ARCHIVE_OK);
    archive_entry* entry = nullptr;
    while (archive_read_next_header(zip.get(), &entry) == ARCHIVE_OK) {
        std::string content;
        char buffer[65536];
        la_ssize_t n = 0;
        while ((n = archive_read_data(zip.get(), buffer, sizeof buffer)) > 0)
            content.append(buffer, static_cast<std::size_t>(n));
        members[archive_entry_pathname(entry)] = content;
    }
    return members;
}

}  // namespace

TEST_CASE("diagnose: every PrestaShop line, its version, login page and credentials",
          "[diagnose]") {
    testing::TempDir home;
    struct Case {
        std::string version, family, flavour;
    };
    for (const Case& c :
         {Case{"1.6.1.24", "1.6", "1.6-8 login form"}, Case{"1.7.8.10", "1.7", "1.6-8 login form"},
          Case{"8.2.0", "8 or later", "1.6-8 login form"},
          Case{"9.0.0", "8 or later", "9.0 Symfony login"}}) {
        INFO("PrestaShop " << c.version);
        FixtureShop shop(c.version);
        std::map<std::string, std::string> env = {{"MPSUPPORT_ADMIN_PASSWORD", kPassword}};
        RunResult run = diagnose(home,
                                 {"--url", shop.url(), "--admin", shop.admin(), "--module", "mymod",
                                  "--admin-email", "demo@example.com"},
                                 env);
        CHECK(run.exit_code == 0);
        auto doc = json_of(run);
        auto checks = checks_by_id(doc);
        CHECK(doc["schema"] == "mpsupport.diagnose/1");
        CHECK(checks["storefront.reach"]["status"] == "pass");
        CHECK(checks["storefront.prestashop"]["status"] == "pass");
        CHECK(checks["storefront.prestashop"]["data"]["family"] == c.family);
        CHECK(checks["storefront.version"]["data"]["version"] == c.version);
        CHECK(checks["storefront.module-assets"]["status"] == "pass");
        CHECK(checks["storefront.tls"]["status"] == "warn");  // plain http
        CHECK(checks["admin.login-page"]["status"] == "pass");
        CHECK(checks["admin.login-page"]["data"]["flavour"] == c.flavour);
        CHECK(checks["admin.credentials"]["status"] == "pass");
        CHECK(checks["files.connect"]["status"] == "skip");
        CHECK_THAT(doc["verdict"].get<std::string>(), Catch::StartsWith("could not tell"));
        CHECK(run.out.find(kPassword) == std::string::npos);
        CHECK(run.err.find(kPassword) == std::string::npos);

        RunResult wrong =
            diagnose(home, {"--admin", shop.admin(), "--admin-email", "demo@example.com"},
                     {{"MPSUPPORT_ADMIN_PASSWORD", "wrong-password"}});
        CHECK(wrong.exit_code == 5);
        CHECK(status_of(json_of(wrong), "admin.credentials") == "fail");
        CHECK(wrong.out.find("wrong-password") == std::string::npos);
    }
}

TEST_CASE("diagnose: maintenance, PHP errors, debug mode, admin security, wrong admin folder",
          "[diagnose]") {
    testing::TempDir home;
    {
        FixtureShop shop("8.2.0", {{"MPS_SHOP_MODE", "maintenance"}});
        RunResult run = diagnose(home, {"--url", shop.url()});
        CHECK(run.exit_code == 0);
        auto doc = json_of(run);
        CHECK(status_of(doc, "storefront.maintenance") == "warn");
        CHECK(status_of(doc, "storefront.reach") == "warn");
    }
    {
        FixtureShop shop("1.7.8.10", {{"MPS_SHOP_MODE", "fatal"}});
        RunResult run = diagnose(home, {"--url", shop.url(), "--module", "mymod"});
        CHECK(run.exit_code == 3);
        auto checks = checks_by_id(json_of(run));
        CHECK(checks["storefront.php-errors"]["status"] == "fail");
        CHECK_THAT(checks["storefront.php-errors"]["message"].get<std::string>(),
                   Catch::Contains("mymodule.php:42"));
        CHECK(checks["storefront.prestashop"]["status"] == "skip");
    }
    {
        FixtureShop shop("8.2.0", {{"MPS_SHOP_MODE", "notice"}});
        auto doc = json_of(diagnose(home, {"--url", shop.url()}));
        CHECK(status_of(doc, "storefront.php-errors") == "warn");
    }
    {
        FixtureShop shop("8.2.0", {{"MPS_SHOP_MODE", "devmode"}});
        auto checks = checks_by_id(json_of(diagnose(home, {"--url", shop.url()})));
        CHECK(checks["storefront.php-errors"]["status"] == "warn");
        CHECK(checks["storefront.php-errors"]["data"]["debug"].dump().find("Symfony") !=
              std::string::npos);
    }
    {
        FixtureShop shop("1.7.8.10", {{"MPS_ADMIN_DIR", "admin"}, {"MPS_INSTALL_LEFT", "1"}});
        RunResult run = diagnose(home, {"--admin", shop.admin("admin")});
        auto checks = checks_by_id(json_of(run));
        CHECK(checks["admin.login-page"]["status"] == "pass");
        CHECK(checks["admin.security"]["status"] == "warn");
        std::string problems = checks["admin.security"]["data"]["problems"].dump();
        CHECK_THAT(problems, Catch::Contains("called \\\"admin\\\""));
        CHECK_THAT(problems, Catch::Contains("/install"));
        CHECK(run.exit_code == 0);

        RunResult wrong = diagnose(home, {"--admin", shop.admin("admin999")});
        CHECK(wrong.exit_code == 3);
        auto wrong_checks = checks_by_id(json_of(wrong));
        CHECK(wrong_checks["admin.login-page"]["status"] == "fail");
        CHECK(wrong_checks["admin.version"]["status"] == "skip");
    }
}

TEST_CASE("diagnose over TLS: trusted, expiring, self-signed, expired; http redirected to https",
          "[diagnose][tls]") {
    testing::TempDir home;
    testing::TempDir dir;
    FixtureShop shop("8.2.0");
    testing::TestCa ca(dir.path() / "ca");
    std::string proxy =
        "    location / { proxy_pass http://127.0.0.1:" + std::to_string(shop.port) +
        "; proxy_set_header Host $http_host; }\n";
    int good = testing::free_port(), soon = testing::free_port(), self = testing::free_port(),
        expired = testing::free_port(), plain = testing::free_port();
    testing::NginxServer nginx(
        dir.path() / "nginx",
        {{good, ca.issue("good", -1, 365), proxy},
         {soon, ca.issue("soon", -1, 5), proxy},
         {self, ca.self_signed("self"), proxy},
         {expired, ca.issue("expired", -30, -2), proxy},
         {plain, std::nullopt,
          "    return 301 https://localhost:" + std::to_string(good) + "$request_uri;\n"}});
    auto https = [](int port) { return "https://localhost:" + std::to_string(port) + "/"; };
    std::map<std::string, std::string> trust = {{"SSL_CERT_FILE", ca.ca_cert().string()}};

    RunResult run = diagnose(home,
                             {"--url", "http://localhost:" + std::to_string(plain) + "/", "--admin",
                              https(good) + "admin123abc/"},
                             trust);
    CHECK(run.exit_code == 0);
    auto checks = checks_by_id(json_of(run));
    CHECK(checks["storefront.tls"]["status"] == "pass");
    CHECK(checks["storefront.reach"]["data"]["chain"].size() == 2);
    CHECK(checks["storefront.reach"]["data"]["chain"][0]["status"] == 301);
    CHECK(checks["storefront.version"]["data"]["version"] ==
          "8.2.0");  // cookie domain: "localhost" has no dot
    CHECK(checks["admin.security"]["status"] == "pass");

    auto soon_checks = checks_by_id(json_of(diagnose(home, {"--url", https(soon)}, trust)));
    CHECK(soon_checks["storefront.tls"]["status"] == "warn");
    CHECK_THAT(soon_checks["storefront.tls"]["message"].get<std::string>(),
               Catch::Contains("expires on"));

    for (int port : {self, expired}) {
        RunResult bad = diagnose(home, {"--url", https(port)}, trust);
        CHECK(bad.exit_code == 4);
        auto bad_checks = checks_by_id(json_of(bad));
        CHECK(bad_checks["storefront.tls"]["status"] == "fail");
        CHECK(bad_checks["storefront.prestashop"]["status"] == "pass");  // the page was still read
    }

    RunResult insecure =
        run_mpsupport({"--json", "--insecure", "diagnose", "--url", https(self)}, home.path());
    CHECK(insecure.exit_code == 0);
    CHECK(status_of(json_of(insecure), "storefront.tls") == "warn");
    CHECK_THAT(insecure.err, Catch::Contains("--insecure"));
}

TEST_CASE("diagnose: a hung storefront ends by --timeout, the other checks still report",
          "[diagnose][network]") {
    testing::TempDir home;
    testing::SilentServer silent;
    FixtureShop shop("8.2.0");
    RunResult run = run_mpsupport(
        {"--json", "--timeout", "3", "diagnose", "--url",
         "http://127.0.0.1:" + std::to_string(silent.port()) + "/", "--admin", shop.admin()},
        home.path());
    CHECK(run.exit_code == 4);
    auto checks = checks_by_id(json_of(run));
    CHECK(checks["storefront.reach"]["status"] == "fail");
    CHECK_THAT(checks["storefront.reach"]["message"].get<std::string>(),
               Catch::Contains("timeout"));
    CHECK(checks["admin.login-page"]["status"] == "pass");
    CHECK(checks["storefront.prestashop"]["status"] == "skip");
}

TEST_CASE("diagnose: usage errors, --list-checks, --only, store profiles", "[diagnose]") {
    testing::TempDir home;
    auto list = run_mpsupport({"--json", "diagnose", "--list-checks"}, home.path());
    CHECK(list.exit_code == 0);
    std::string ids = json_of(list)["checks"].dump();
    for (const char* id :
         {"storefront.reach", "admin.credentials", "files.core-integrity", "logs.errors"})
        CHECK_THAT(ids, Catch::Contains(id));
    CHECK(run_mpsupport({"diagnose"}, home.path()).exit_code == 2);
    CHECK(run_mpsupport({"diagnose", "--url", "https://x.example", "--only", "bogus"}, home.path())
              .exit_code == 2);
    CHECK(run_mpsupport({"diagnose", "nosuchstore"}, home.path()).exit_code == 2);
    CHECK(run_mpsupport({"diagnose", "--url", "shop.example"}, home.path()).exit_code == 2);
    for (const char* bad : {"https://x.example/\r\nInjected: yes", "https://x .example/",
                            "https://", "https://x.example:0/"}) {
        INFO(bad);
        auto refused = run_mpsupport({"diagnose", "--url", bad}, home.path());
        CHECK(refused.exit_code == 2);
        CHECK_THAT(refused.err, Catch::Contains("--url"));
        CHECK(run_mpsupport({"diagnose", "--admin", bad}, home.path()).exit_code == 2);
    }
    CHECK(run_mpsupport({"diagnose", "--url", "https://x.example", "--bundle", "b.tar.gz"},
                        home.path())
              .exit_code == 2);
    auto no_key = run_mpsupport(
        {"diagnose", "--sftp", "sftp://root@127.0.0.1:1/x", "--identity", "/nonexistent/key"},
        home.path());
    CHECK(no_key.exit_code == 2);
    CHECK_THAT(no_key.err, Catch::Contains("/nonexistent/key"));

    FixtureShop shop("8.2.0");
    testing::write(home / "config.toml", "[stores.myshop]\nurl = \"" + shop.url() +
                                             "\"\nadmin_url = \"" + shop.admin() +
                                             "\"\nmodules = [\"mymod\"]\norder = \"XKBKNABJK\"\n");
    RunResult run = run_mpsupport({"--json", "--config", (home / "config.toml").string(),
                                   "diagnose", "myshop", "--only", "admin"},
                                  home.path());
    CHECK(run.exit_code == 0);
    auto doc = json_of(run);
    CHECK(doc["store"] == "myshop");
    CHECK(status_of(doc, "admin.login-page") == "pass");
    CHECK(status_of(doc, "storefront.reach") == "absent");
}

TEST_CASE("diagnose over SFTP: files, overrides, logs; a changed file voids support",
          "[diagnose][sftp]") {
    testing::SshdServer& server = testing::SshdServer::shared();
    testing::TempDir home;
    auto files = testing::module_files("mymod", "1.2.3");
    fs::path shop = server.chroot_dir() / "diagnose-shop";
    fs::remove_all(shop);
    testing::write_tree(shop / "modules/mymod", files);
    testing::write(shop / "classes/Cart.php", "<?php class CartCore {}\n");
    testing::write(shop / "src/Core/Version.php",
                   "<?php\nfinal class Version\n{\n    public const VERSION = '8.2.0';\n}\n");
    testing::write(shop / "app/config/parameters.php",
                   "<?php return ['parameters' => ['database_password' => 'db-pw-123']];\n");
    testing::run_shell("chmod -R a+rX " + shop.string());
    testing::make_zip(home / "mymod.zip", testing::zip_entries(files, "mymod"));
    REQUIRE(
        run_mpsupport({"pristine", "add", (home / "mymod.zip").string()}, home.path()).exit_code ==
        0);
    testing::write(home / "known_hosts", server.known_hosts_line(server.port()) + "\n");
    std::string sftp = "sftp://root@127.0.0.1:" + std::to_string(server.port()) + shop.string();
    std::vector<std::string> ssh = {"--known-hosts", (home / "known_hosts").string(), "--identity",
                                    server.client_key().string()};
    // Every answer over SFTP is also checked on this machine's file system (--files FOLDER and
    // file://): the same checks (but the host key), the same verdict and exit code.
    auto run = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = {"--sftp", sftp};
        args.insert(args.end(), ssh.begin(), ssh.end());
        args.insert(args.end(), extra.begin(), extra.end());
        RunResult remote = diagnose(home, args);
        for (const std::string& local : {shop.string(), "file://" + shop.string()}) {
            std::vector<std::string> here = {"--files", local};
            here.insert(here.end(), extra.begin(), extra.end());
            RunResult same = diagnose(home, here);
            INFO(local << "\n" << same.out << same.err);
            CHECK(same.exit_code == remote.exit_code);
            auto a = json_of(remote), b = json_of(same);
            CHECK(a["support"] == b["support"]);
            std::string verdict = a["verdict"];
            if (auto at = verdict.find(sftp); at != std::string::npos)
                verdict.replace(at, sftp.size(), local);
            CHECK(verdict == b["verdict"]);
            CHECK(b["files"] == local);
            auto remote_checks = checks_by_id(a), local_checks = checks_by_id(b);
            CHECK(local_checks.count("files.hostkey") == 0);
            for (auto& [id, check] : remote_checks)
                if (id != "files.hostkey" && id != "files.connect")
                    CHECK(local_checks[id]["status"] == check["status"]);
        }
        return remote;
    };

    RunResult clean = run({"--module", "mymod"});
    CHECK(clean.exit_code == 0);
    auto doc = json_of(clean);
    auto checks = checks_by_id(doc);
    CHECK(checks["files.hostkey"]["status"] == "pass");
    CHECK(checks["files.connect"]["status"] == "pass");
    CHECK(checks["files.prestashop-root"]["data"]["version"] == "8.2.0");
    CHECK(checks["files.module-present"]["status"] == "pass");
    CHECK(checks["files.integrity"]["status"] == "pass");
    CHECK(checks["logs.collect"]["status"] != "fail");
    CHECK(doc["support"] == "covered");
    CHECK_THAT(doc["verdict"].get<std::string>(), Catch::StartsWith("support covered"));

    testing::write(shop / "modules/mymod/mymod.php",
                   files["mymod.php"] + "\n// customer hack\nfunction hack() { return 1; }\n");
    RunResult voided = run({"--module", "mymod"});
    CHECK(voided.exit_code == 3);
    CHECK(json_of(voided)["support"] == "voided");

    RunResult missing = run({"--module", "othermod"});
    CHECK(missing.exit_code == 6);
    CHECK(status_of(json_of(missing), "files.module-present") == "fail");

    // files.core-integrity: a core class changed against the imported list for 8.2.0.
    auto md5 = [](const std::string& text) { return mps::md5_hex(text); };
    testing::write(home / "core.xml",
                   "<?xml version=\"1.0\"?>\n<checksum_list><ps_root_dir version=\"8.2.0\">"
                   "<dir name=\"classes\"><md5file name=\"Cart.php\">" +
                       md5("<?php class CartCore { /* 8.2.0 */ }\n") +
                       "</md5file></dir></ps_root_dir></checksum_list>\n");
    REQUIRE(run_mpsupport({"pristine", "import-core", (home / "core.xml").string()}, home.path())
                .exit_code == 0);
    testing::write(shop / "modules/mymod/mymod.php", files["mymod.php"]);
    RunResult core = run({"--module", "mymod", "--only", "files,core"});
    CHECK(core.exit_code == 0);
    auto core_doc = json_of(core);
    CHECK(status_of(core_doc, "files.core-integrity") == "warn");
    CHECK_THAT(core_doc["verdict"].get<std::string>(),
               Catch::StartsWith("environment non-standard"));

    testing::write(home / "empty_known_hosts", "");
    RunResult unknown_key =
        diagnose(home, {"--sftp", sftp, "--known-hosts", (home / "empty_known_hosts").string(),
                        "--identity", server.client_key().string(), "--module", "mymod"});
    CHECK(unknown_key.exit_code == 5);
    CHECK(status_of(json_of(unknown_key), "files.hostkey") == "fail");
    fs::remove_all(shop);
}

TEST_CASE("diagnose --bundle: a zip with reports, logs, diffs and HTML, secrets masked",
          "[diagnose][bundle]") {
    testing::SshdServer& server = testing::SshdServer::shared();
    testing::TempDir home;
    FixtureShop web("8.2.0");
    auto files = testing::module_files("mymod", "1.2.3");
    fs::path shop = server.chroot_dir() / "bundle-shop";
    fs::remove_all(shop);
    testing::write_tree(shop / "modules/mymod", files);
    testing::write(shop / "modules/mymod/views/css/front.css",
                   files["views/css/front.css"] + "\n.tweak { color: red; }\n");
    testing::write(
        shop / "config/settings.inc.php",
        "<?php\ndefine('_PS_VERSION_', '1.6.1.24');\ndefine('_DB_PASSWD_', 'db-pw-456');\n");
    testing::write(shop / "classes/Cart.php", "<?php class CartCore {}\n");
    const std::string ws_key = "ABCDEFGHIJKLMNOPQRSTUVWXYZ123456";
    std::time_t now = std::time(nullptr);
    char day[16];
    std::strftime(day, sizeof day, "%Y%m%d", std::gmtime(&now));
    testing::write(
        shop / ("log/" + std::string(day) + "_exception.log"),
        "*ERROR* \tv1.6.1.24\t2026/11/27 - 10:00:00: mymod failed for customer "
        "jane.doe@example.org\r\n"
        "*ERROR* \tv1.6.1.24\t2026/11/27 - 10:00:01: login with password " +
            kPassword +
            " refused\r\n"
            "request: GET /api/orders?ws_key=" +
            ws_key +
            "&display=full\r\n"
            "Cookie: PrestaShop-0123abcd=def502secretcookievalue; PHPSESSID=abcdef0123456789\r\n"
            "Authorization: Basic QUJDREVGOg==\r\n"
            "again jane.doe@example.org, token=9f8e7d6c5b4a39281706f5e4d3c2b1a0\r\n");
    // A name that merely contains ".." is an ordinary file (it made the whole run exit 1).
    testing::write(shop / ("log/" + std::string(day) + "_app..log"), "*ERROR* mymod: something\n");
    testing::run_shell("chmod -R a+rX " + shop.string());
    testing::make_zip(home / "mymod.zip", testing::zip_entries(files, "mymod"));
    REQUIRE(
        run_mpsupport({"pristine", "add", (home / "mymod.zip").string()}, home.path()).exit_code ==
        0);
    testing::write(home / "known_hosts", server.known_hosts_line(server.port()) + "\n");
    std::string sftp = "sftp://root@127.0.0.1:" + std::to_string(server.port()) + shop.string();

    RunResult run =
        diagnose(home,
                 {"--url", web.url(), "--admin", web.admin(), "--admin-email", "demo@example.com",
                  "--sftp", sftp, "--known-hosts", (home / "known_hosts").string(), "--identity",
                  server.client_key().string(), "--module", "mymod", "--order", "XKBKNABJK",
                  "--bundle", (home / "bundle.zip").string()},
                 {{"MPSUPPORT_ADMIN_PASSWORD", kPassword}, {"MPSUPPORT_WEBSERVICE_KEY", ws_key}});
    CHECK(run.exit_code == 0);
    fs::path bundle = home / "XKBKNABJK-bundle.zip";
    REQUIRE(fs::exists(bundle));
    CHECK(json_of(run)["bundle"] == bundle.string());
    CHECK_FALSE(fs::exists(home / "bundle.zip"));

    auto members = read_zip(bundle);
    for (const char* name : {"report.json", "report.txt", "storefront.html", "manifest.json"})
        CHECK(members.count(name) == 1);
    std::string log_name = "logs/log/" + std::string(day) + "_exception.log";
    REQUIRE(members.count(log_name) == 1);
    CHECK(members.count("diffs/mymod/views/css/front.css.diff") == 1);
    CHECK(members.count("logs/log/" + std::string(day) + "_app..log") == 1);
    for (const auto& [name, content] : members) {
        INFO(name);
        for (const std::string& secret :
             {kPassword, ws_key, std::string("db-pw-456"), std::string("def502secretcookievalue"),
              std::string("abcdef0123456789"), std::string("QUJDREVGOg=="),
              std::string("jane.doe@example.org"), std::string("contact@shop.example"),
              std::string("9f8e7d6c5b4a39281706f5e4d3c2b1a0"), std::string("demo@example.com")})
            CHECK(content.find(secret) == std::string::npos);
        CHECK(name.find("settings.inc.php") == std::string::npos);
    }
    // The same address gets the same mask in every line.
    const std::string& log = members[log_name];
    auto start = log.find("for customer ");
    REQUIRE(start != std::string::npos);
    start += 13;
    std::string mask = log.substr(start, log.find('\r', start) - start);
    CHECK_THAT(mask, Catch::EndsWith("@masked.invalid"));
    CHECK(log.find("again " + mask + ",") != std::string::npos);

    auto manifest = nlohmann::json::parse(members["manifest.json"]);
    CHECK(manifest["members"].size() == members.size() - 1);
    for (const auto& member : manifest["members"])
        CHECK(member["sha256"] == mps::sha256_hex(members[member["name"].get<std::string>()]));
    fs::remove_all(shop);
}

TEST_CASE("ticket draft --diagnose runs diagnose and attaches its bundle", "[diagnose][ticket]") {
    testing::TempDir home;
    FixtureShop shop("8.2.0");
    testing::write(home / "orders.csv",
                   "order_reference,purchased_at,customer_email,module\nXKBKNABJK," +
                       std::string("2026-11-20") + ",owner@shop.example,mymod\n");
    REQUIRE(run_mpsupport({"orders", "import", (home / "orders.csv").string()}, home.path())
                .exit_code == 0);
    std::vector<std::string> args = {"--json",
                                     "ticket",
                                     "draft",
                                     "--order",
                                     "XKBKNABJK",
                                     "--module",
                                     "mymod",
                                     "--summary",
                                     "Blank page after saving",
                                     "--message",
                                     "Since the update the page is blank.",
                                     "--url",
                                     shop.url(),
                                     "--admin",
                                     shop.admin(),
                                     "--admin-access",
                                     "on-request",
                                     "--sftp-access",
                                     "withheld",
                                     "--diagnose",
                                     "--force"};
    RunResult run = run_mpsupport(args, home.path());
    INFO(run.out << run.err);
    auto doc = json_of(run);
    REQUIRE(doc["ticket"]["attachment"].is_object());
    std::string path = doc["ticket"]["attachment"]["path"];
    CHECK_THAT(path, Catch::Contains("/mpsupport/bundles/XKBKNABJK-diagnose-"));
    REQUIRE(fs::exists(path));
    auto members = read_zip(path);
    CHECK(members.count("storefront.html") == 1);
    CHECK(nlohmann::json::parse(members["report.json"])["schema"] == "mpsupport.diagnose/1");
    CHECK_THAT(run.err, Catch::Contains("diagnose: "));

    args.push_back("--bundle");
    args.push_back((home / "b.zip").string());
    CHECK(run_mpsupport(args, home.path()).exit_code == 2);  // --diagnose or --bundle, not both
}

TEST_CASE("diagnose --admin-email sends the password only to the origin of --admin",
          "[diagnose][security]") {
    testing::TempDir home;
    testing::TempDir logs;
    std::map<std::string, std::string> env = {{"MPSUPPORT_ADMIN_PASSWORD", kPassword}};
    auto credentials = [&](const RunResult& run) {
        INFO(run.out << run.err);
        return checks_by_id(json_of(run))["admin.credentials"];
    };

    SECTION("a redirect to another host (1.6-8 AJAX login)") {
        fs::path other_log = logs / "other.log";
        FixtureShop other("8.2.0", {{"MPS_REQUEST_LOG", other_log.string()}});
        std::string other_admin =
            "http://localhost:" + std::to_string(other.port) + "/admin123abc/";
        FixtureShop shop("8.2.0", {{"MPS_MOVED_ADMIN", other_admin}});
        RunResult run = diagnose(
            home, {"--admin", shop.url("/moved-admin/"), "--admin-email", "demo@example.com"}, env);
        auto check = credentials(run);
        CHECK(check["status"] == "fail");
        CHECK_THAT(check["message"].get<std::string>(), Catch::Contains("password not sent"));
        CHECK_THAT(check["message"].get<std::string>(),
                   Catch::Contains("http://localhost:" + std::to_string(other.port)));
        CHECK(run.exit_code == 5);
        std::string received = testing::slurp(other_log);
        CHECK_THAT(received, Catch::Contains("GET /admin123abc/"));  // the page was read...
        CHECK(received.find("passwd") == std::string::npos);         // ...the password never sent
        CHECK(received.find("moved_secret") == std::string::npos);   // nor the first host's cookie
    }
    SECTION("a login form posting to another host (9.0)") {
        fs::path other_log = logs / "steal.log";
        FixtureShop other("8.2.0", {{"MPS_REQUEST_LOG", other_log.string()}});
        std::string steal = "http://localhost:" + std::to_string(other.port) + "/steal";
        FixtureShop shop("9.0.0", {{"MPS_LOGIN_ACTION", steal}});
        RunResult run =
            diagnose(home, {"--admin", shop.admin(), "--admin-email", "demo@example.com"}, env);
        auto check = credentials(run);
        CHECK(check["status"] == "fail");
        CHECK_THAT(check["message"].get<std::string>(),
                   Catch::Contains("http://localhost:" + std::to_string(other.port)));
        CHECK(run.exit_code == 5);
        CHECK_FALSE(fs::exists(other_log));  // not one request reached it
    }
    SECTION("a redirect from https to plain http on the same host") {
        testing::TempDir dir;
        fs::path shop_log = logs / "shop.log";
        int plain_port = testing::free_port();
        std::string downgrade = "http://localhost:" + std::to_string(plain_port) + "/admin123abc/";
        FixtureShop shop("8.2.0",
                         {{"MPS_MOVED_ADMIN", downgrade}, {"MPS_REQUEST_LOG", shop_log.string()}});
        testing::TestCa ca(dir.path() / "ca");
        std::string proxy =
            "    location / { proxy_pass http://127.0.0.1:" + std::to_string(shop.port) +
            "; proxy_set_header Host $http_host; }\n";
        int tls_port = testing::free_port();
        testing::NginxServer nginx(
            dir.path() / "nginx",
            {{tls_port, ca.issue("good", -1, 365), proxy}, {plain_port, std::nullopt, proxy}});
        RunResult run = diagnose(
            home,
            {"--admin", "https://localhost:" + std::to_string(tls_port) + "/moved-admin/",
             "--admin-email", "demo@example.com"},
            {{"MPSUPPORT_ADMIN_PASSWORD", kPassword}, {"SSL_CERT_FILE", ca.ca_cert().string()}});
        auto check = credentials(run);
        CHECK(check["status"] == "fail");
        CHECK_THAT(check["message"].get<std::string>(),
                   Catch::Contains("http://localhost:" + std::to_string(plain_port)));
        CHECK(run.exit_code == 5);
        std::string received = testing::slurp(shop_log);
        CHECK_THAT(received, Catch::Contains("GET /admin123abc/"));
        CHECK(received.find("passwd") == std::string::npos);
    }
    SECTION("the same origin still logs in") {
        FixtureShop shop("8.2.0", {{"MPS_MOVED_ADMIN", "/admin123abc/"}});
        RunResult run = diagnose(
            home, {"--admin", shop.url("/moved-admin/"), "--admin-email", "demo@example.com"}, env);
        CHECK(credentials(run)["status"] == "pass");
        CHECK(run.exit_code == 0);
    }
}

TEST_CASE(
    "diagnose: a back office echoing the password, passwords with quotes or short ones never shown",
    "[diagnose][security]") {
    testing::TempDir home;
    FixtureShop shop("8.2.0", {{"MPS_ECHO_PASSWORD", "1"}});
    for (const std::string& password : {std::string("pw\"with\\quote"), std::string("Zq!")}) {
        INFO(password);
        nlohmann::json quoted = password;
        std::string escaped = quoted.dump();  // as JSON writes it
        escaped = escaped.substr(1, escaped.size() - 2);
        fs::path bundle = home / "echo.zip";
        fs::remove(bundle);
        RunResult run = diagnose(home,
                                 {"--url", shop.url(), "--admin", shop.admin(), "--admin-email",
                                  "demo@example.com", "--bundle", bundle.string()},
                                 {{"MPSUPPORT_ADMIN_PASSWORD", password}});
        CHECK(run.exit_code == 5);
        CHECK(status_of(json_of(run), "admin.credentials") == "fail");
        for (const std::string& form : {password, escaped}) {
            CHECK(run.out.find(form) == std::string::npos);
            CHECK(run.err.find(form) == std::string::npos);
        }
        RunResult text = run_mpsupport(
            {"diagnose", "--admin", shop.admin(), "--admin-email", "demo@example.com"}, home.path(),
            {{"MPSUPPORT_ADMIN_PASSWORD", password}});
        CHECK(text.exit_code == 5);
        CHECK(text.out.find(password) == std::string::npos);
        REQUIRE(fs::exists(bundle));
        for (const auto& [name, content] : read_zip(bundle)) {
            INFO(name);
            for (const std::string& form : {password, escaped})
                CHECK(content.find(form) == std::string::npos);
        }
    }
}

TEST_CASE("diagnose --timeout bounds slow redirect hops", "[diagnose][network]") {
    testing::TempDir home;
    FixtureShop shop("8.2.0");
    auto started = std::chrono::steady_clock::now();
    RunResult run = run_mpsupport(
        {"--json", "--timeout", "3", "diagnose", "--url", shop.url("/slow-hop/0")}, home.path());
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    CHECK(seconds < 6.0);  // 3 s and a generous margin (each hop takes 0.9 s: 11 hops were 9.9 s)
    CHECK(run.exit_code == 4);
    auto checks = checks_by_id(json_of(run));
    CHECK(checks["storefront.reach"]["status"] == "fail");
    CHECK_THAT(checks["storefront.reach"]["message"].get<std::string>(),
               Catch::Contains("timeout"));
}
