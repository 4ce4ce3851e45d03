// verify SHOP --all: every module of a shop root in one report, on this machine and over SFTP.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <map>

#include "ftp_servers.hpp"
#include "json_result.hpp"
#include "sshd_server.hpp"
#include "test_support.hpp"
#include "tls_fixture.hpp"

namespace fs = std::filesystem;
using testing::json_of;
using testing::run_mpsupport;
using testing::RunResult;

namespace {

// AllShop: a shop root with three modules: pristine (release stored, untouched), changed
// (release stored, a PHP file changed: voids support) and norelease (no release stored).
struct AllShop {
    testing::TempDir home;
    fs::path root;

    explicit AllShop(fs::path shop_root) : root(std::move(shop_root)) {
        for (const std::string name : {"pristine", "changed", "norelease"}) {
            auto files = testing::module_files(name, "1.0.0");
            testing::write_tree(root / "modules" / name, files);
            if (name == "norelease") continue;
            fs::path zip = home / (name + ".zip");
            testing::make_zip(zip, testing::zip_entries(files, name));
            auto r = run({"pristine", "add", zip.string()});
            INFO(r.err);
            REQUIRE(r.exit_code == 0);
        }
        testing::write(root / "modules/changed/src/Service.php",
                       "<?php\nnamespace Test;\n\nclass Service\n{\n    public function run() { "
                       "return 43; }\n}\n");
        testing::write(root / "classes/Cart.php", "<?php class CartCore {}\n");
        testing::write(root / "config/defines.inc.php", "<?php\n");
        testing::write(root / "src/Core/Version.php",
                       "<?php\nnamespace PrestaShop\\PrestaShop\\Core;\nfinal class Version\n{\n"
                       "    public const VERSION = '8.2.0';\n}\n");
        testing::run_shell("chmod -R a+rX " + root.string());
    }
    RunResult run(const std::vector<std::string>& args) const {
        return run_mpsupport(args, home.path());
    }
};

std::map<std::string, nlohmann::json> by_module(const nlohmann::json& doc) {
    std::map<std::string, nlohmann::json> out;
    for (const auto& m : doc["module_files"]) out[m["module"]] = m;
    return out;
}

// check_three_modules: the verdicts every transport must give for AllShop.
void check_three_modules(const RunResult& r) {
    INFO(r.out << r.err);
    CHECK(r.exit_code == 3);
    auto doc = json_of(r);
    CHECK(doc["schema"] == "mpsupport.verify-all/1");
    CHECK(doc["modules"] == nlohmann::json::array({"changed", "norelease", "pristine"}));
    CHECK(doc["counts"]["verified"] == 2);
    CHECK(doc["counts"]["voided"] == 1);
    CHECK(doc["counts"]["skipped"] == 1);
    CHECK(doc["support"] == "voided");
    auto modules = by_module(doc);
    CHECK(modules["pristine"]["status"] == "verified");
    CHECK(modules["pristine"]["support"] == "covered");
    CHECK(modules["changed"]["status"] == "verified");
    CHECK(modules["changed"]["support"] == "voided");
    CHECK(modules["changed"]["files"][0]["path"] == "src/Service.php");
    CHECK(modules["changed"]["files"][0]["class"] == "modified");
    CHECK(modules["norelease"]["status"] == "skipped");
    CHECK_THAT(modules["norelease"]["reason"].get<std::string>(),
               Catch::Contains("no pristine release of norelease 1.0.0"));
    std::map<std::string, std::string> integrity;  // module -> status
    for (const auto& c : doc["checks"])
        if (c["id"] == "files.integrity") integrity[c["data"]["module"]] = c["status"];
    CHECK(integrity == std::map<std::string, std::string>{
                           {"changed", "fail"}, {"norelease", "skip"}, {"pristine", "pass"}});
    CHECK_THAT(doc["verdict"].get<std::string>(), Catch::Contains("support voided for 1 of 2") &&
                                                      Catch::Contains("changed") &&
                                                      Catch::Contains("1 skipped"));
    CHECK(doc["exit_code"] == 3);
}

}  // namespace

TEST_CASE("verify --all on a local shop: pristine, changed, without release", "[cli][verify]") {
    testing::TempDir shop_dir;
    AllShop shop(shop_dir / "shop");
    check_three_modules(shop.run({"--json", "verify", shop.root.string(), "--all"}));

    auto text = shop.run({"verify", shop.root.string(), "--all"});
    CHECK(text.exit_code == 3);
    CHECK_THAT(text.out, Catch::Contains("norelease: skipped: no pristine release") &&
                             Catch::Contains("all 8 files of pristine 1.0.0 match") &&
                             Catch::Contains("src/Service.php") && Catch::Contains("Verdict:"));

    // Without the changed module: the pristine one passes, the skip does not change the exit.
    fs::remove_all(shop.root / "modules/changed");
    auto ok = shop.run({"--json", "verify", shop.root.string(), "--all"});
    INFO(ok.out << ok.err);
    CHECK(ok.exit_code == 0);
    auto doc = json_of(ok);
    CHECK(doc["support"] == "covered");
    CHECK(doc["counts"]["skipped"] == 1);

    // --all and --module exclude each other; --all needs a shop root.
    auto both = shop.run({"verify", shop.root.string(), "--all", "--module", "pristine"});
    CHECK(both.exit_code == 2);
    auto version = shop.run({"verify", shop.root.string(), "--all", "--version", "1.0.0"});
    CHECK(version.exit_code == 2);
    auto module_dir = shop.run({"verify", (shop.root / "modules/pristine").string(), "--all"});
    CHECK(module_dir.exit_code == 2);
    CHECK_THAT(module_dir.err, Catch::Contains("shop root"));
}

TEST_CASE("verify --all lists a module whose version cannot be told as skipped", "[cli][verify]") {
    testing::TempDir shop_dir;
    AllShop shop(shop_dir / "shop");
    fs::remove_all(shop.root / "modules/changed");
    testing::write(shop.root / "modules/noversion/readme.txt", "no main class, no config.xml\n");
    auto r = shop.run({"--json", "verify", shop.root.string(), "--all"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    auto modules = by_module(json_of(r));
    CHECK(modules["noversion"]["status"] == "skipped");
    CHECK(modules["pristine"]["support"] == "covered");
}

TEST_CASE("verify --all over SFTP gives the same verdicts as on this machine", "[sftp]") {
    auto& server = testing::SshdServer::shared();
    static int counter = 0;
    AllShop shop(server.chroot_dir() / ("all-shop-" + std::to_string(counter++)));
    fs::path known_hosts = shop.home / "known_hosts";
    testing::write(known_hosts, server.known_hosts_line(server.port()) + "\n");
    std::string url = "sftp://root@127.0.0.1:" + std::to_string(server.port()) + shop.root.string();
    for (const char* exec_hash : {"never", "auto"}) {
        DYNAMIC_SECTION("--exec-hash " << exec_hash) {
            auto r = shop.run({"--json", "--timeout", "10", "verify", url, "--all", "--known-hosts",
                               known_hosts.string(), "--identity", server.client_key().string(),
                               "--exec-hash", exec_hash});
            check_three_modules(r);
            auto doc = json_of(r);
            CHECK(doc["transport"]["kind"] == "sftp");
            CHECK(doc["checks"][0]["id"] == "files.connect");
            int connects = 0;
            for (const auto& c : doc["checks"]) connects += c["id"] == "files.connect";
            CHECK(connects == 1);
        }
    }
    std::error_code ec;
    fs::remove_all(shop.root, ec);
}

TEST_CASE("verify --all over FTP gives the same verdicts as on this machine", "[ftp][cli]") {
    testing::FtpDir dir;
    testing::TestCa ca{dir.path / "ca"};
    AllShop shop(dir.path / "shop");
    testing::FtpServerConfig config;
    config.kind = testing::FtpKind::proftpd;
    config.home = shop.root;
    config.ca = &ca;
    testing::FtpServer server(dir, config);
    std::string url = "ftp://shopuser@127.0.0.1:" + std::to_string(server.port()) + "/~/";
    auto r = run_mpsupport(
        {"--json", "--timeout", "10", "verify", url, "--all"}, shop.home.path(),
        {{"MPSUPPORT_CA_BUNDLE", ca.ca_cert().string()}, {"MPSUPPORT_FTP_PASSWORD", "Ftp-Pw-42"}});
    check_three_modules(r);
    CHECK(json_of(r)["transport"]["kind"] == "ftp");
}

// check_diagnose_all: diagnose --all-modules on AllShop: the same verdicts as verify --all.
static void check_diagnose_all(const RunResult& r) {
    INFO(r.out << r.err);
    CHECK(r.exit_code == 3);
    auto doc = json_of(r);
    CHECK(doc["all_modules"] == true);
    CHECK(doc["modules"] == nlohmann::json::array({"changed", "norelease", "pristine"}));
    CHECK(doc["support"] == "voided");
    std::map<std::string, std::string> integrity;  // module -> status
    for (const auto& c : doc["checks"])
        if (c["id"] == "files.integrity") integrity[c["data"]["module"]] = c["status"];
    CHECK(integrity == std::map<std::string, std::string>{
                           {"changed", "fail"}, {"norelease", "skip"}, {"pristine", "pass"}});
    std::map<std::string, std::string> support;
    for (const auto& m : doc["module_files"]) support[m["module"]] = m["support"];
    CHECK(support ==
          std::map<std::string, std::string>{{"changed", "voided"}, {"pristine", "covered"}});
}

TEST_CASE("diagnose --all-modules on a local shop and over SFTP", "[cli][diagnose][sftp]") {
    auto& server = testing::SshdServer::shared();
    static int counter = 0;
    AllShop shop(server.chroot_dir() / ("diag-all-shop-" + std::to_string(counter++)));
    check_diagnose_all(shop.run(
        {"--json", "diagnose", "--files", shop.root.string(), "--all-modules", "--only", "files"}));

    fs::path known_hosts = shop.home / "known_hosts";
    testing::write(known_hosts, server.known_hosts_line(server.port()) + "\n");
    std::string url = "sftp://root@127.0.0.1:" + std::to_string(server.port()) + shop.root.string();
    check_diagnose_all(
        shop.run({"--json", "--timeout", "20", "diagnose", "--files", url, "--all-modules",
                  "--only", "files", "--known-hosts", known_hosts.string(), "--identity",
                  server.client_key().string()}));

    auto both = shop.run(
        {"diagnose", "--files", shop.root.string(), "--all-modules", "--module", "pristine"});
    CHECK(both.exit_code == 2);
    auto no_files = shop.run({"diagnose", "--url", "http://127.0.0.1:9/", "--all-modules"});
    CHECK(no_files.exit_code == 2);
    std::error_code ec;
    fs::remove_all(shop.root, ec);
}
