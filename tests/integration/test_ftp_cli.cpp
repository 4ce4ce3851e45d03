// `verify ftp://` and `diagnose --files ftp://` as a user runs them: the password from
// MPSUPPORT_FTP_PASSWORD, the certificate trusted through MPSUPPORT_CA_BUNDLE, the same verdicts
// and exit codes as on the folder itself, and the documented refusals.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <map>

#include "ftp_servers.hpp"
#include "json_result.hpp"
#include "sshd_server.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using testing::FtpKind;
using testing::json_of;
using testing::RunResult;

namespace {

struct FtpCliShop {
    testing::FtpDir dir;
    testing::TestCa ca{dir.path / "ca"};
    testing::TempDir home;
    std::map<std::string, std::string> files = testing::module_files("mymod", "1.2.3");
    fs::path shop = dir.path / "shop";

    FtpCliShop() {
        testing::write_tree(shop / "modules/mymod", files);
        testing::write(shop / "classes/Cart.php", "<?php class CartCore {}\n");
        testing::write(shop / "config/defines.inc.php", "<?php\n");
        testing::write(shop / "src/Core/Version.php",
                       "<?php\nfinal class Version\n{\n    public const VERSION = '8.2.0';\n}\n");
        testing::run_shell("chmod -R a+rX " + shop.string());
        testing::make_zip(home / "mymod.zip", testing::zip_entries(files, "mymod"));
        REQUIRE(
            testing::run_mpsupport({"pristine", "add", (home / "mymod.zip").string()}, home.path())
                .exit_code == 0);
    }

    testing::FtpServerConfig config(FtpKind kind) const {
        testing::FtpServerConfig c;
        c.kind = kind;
        c.home = shop;
        c.ca = &ca;
        return c;
    }

    RunResult run(std::vector<std::string> args, std::map<std::string, std::string> env = {},
                  bool with_password = true) const {
        env.emplace("MPSUPPORT_CA_BUNDLE", ca.ca_cert().string());
        if (with_password) env.emplace("MPSUPPORT_FTP_PASSWORD", "Ftp-Pw-42");
        args.insert(args.begin(), {"--json", "--timeout", "10"});
        return testing::run_mpsupport(args, home.path(), env);
    }
};

std::string url(const testing::FtpServer& server, const std::string& path,
                const std::string& scheme = "ftp") {
    return scheme + "://shopuser@127.0.0.1:" + std::to_string(server.port()) + path;
}

}  // namespace

TEST_CASE("verify ftp://: the verdicts of the folder itself, and the documented refusals",
          "[ftp][cli]") {
    FtpCliShop shop;
    testing::FtpServer server(shop.dir, shop.config(FtpKind::proftpd));

    auto clean = shop.run({"verify", url(server, "/~/modules/mymod")});
    INFO(clean.out << clean.err);
    CHECK(clean.exit_code == 0);
    auto doc = json_of(clean);
    CHECK(doc["support"] == "covered");
    CHECK(doc["transport"]["kind"] == "ftp");
    CHECK(doc["path"] == url(server, "/~/modules/mymod"));
    CHECK(clean.out.find("Ftp-Pw-42") == std::string::npos);
    CHECK(clean.err.find("Ftp-Pw-42") == std::string::npos);

    // A shop root with --module, absolute path; then a changed PHP file voids support, as on
    // the folder itself.
    auto root = shop.run({"verify", url(server, shop.shop.string()), "--module", "mymod"});
    CHECK(root.exit_code == 0);
    testing::write(shop.shop / "modules/mymod/mymod.php",
                   shop.files["mymod.php"] + "\nfunction hack() { return 1; }\n");
    testing::run_shell("chmod a+r " + (shop.shop / "modules/mymod/mymod.php").string());
    auto voided = shop.run({"verify", url(server, "/~"), "--module", "mymod"});
    auto local = shop.run({"verify", shop.shop.string(), "--module", "mymod"});
    CHECK(voided.exit_code == 3);
    CHECK(local.exit_code == 3);
    CHECK(json_of(voided)["files"] == json_of(local)["files"]);

    // Missing module 6, wrong password 5, password in the address 2, --exec-hash only 2.
    CHECK(shop.run({"verify", url(server, "/~"), "--module", "othermod"}).exit_code == 6);
    auto wrong = shop.run({"verify", url(server, "/~/modules/mymod")},
                          {{"MPSUPPORT_FTP_PASSWORD", "not-it"}}, false);
    CHECK(wrong.exit_code == 5);
    CHECK(wrong.out.find("not-it") == std::string::npos);
    auto in_url = shop.run(
        {"verify", "ftp://shopuser:secret@127.0.0.1:" + std::to_string(server.port()) + "/x"});
    CHECK(in_url.exit_code == 2);
    CHECK(in_url.out.find("secret") == std::string::npos);
    CHECK_THAT(in_url.out, Catch::Contains("MPSUPPORT_FTP_PASSWORD"));
    auto only = shop.run({"verify", url(server, "/~/modules/mymod"), "--exec-hash", "only"});
    CHECK(only.exit_code == 2);
    // No password and no terminal to ask on: 5, naming the variable.
    auto none = shop.run({"verify", url(server, "/~/modules/mymod")}, {}, false);
    CHECK(none.exit_code == 5);
    CHECK_THAT(none.out, Catch::Contains("MPSUPPORT_FTP_PASSWORD"));
}

TEST_CASE("verify ftp:// on a server with HASH: only the differing files travel",
          "[ftp][cli][hash]") {
    FtpCliShop shop;
    auto config = shop.config(FtpKind::proftpd);
    config.digest = true;
    testing::FtpServer server(shop.dir, config);
    auto clean = shop.run({"verify", url(server, "/~/modules/mymod")});
    INFO(clean.out << clean.err);
    CHECK(clean.exit_code == 0);
    auto doc = json_of(clean);
    CHECK(doc["transport"]["hashing"] == "ftp HASH");
    CHECK(doc["transport"]["files_fetched"] == 0);

    testing::write(shop.shop / "modules/mymod/mymod.php",
                   shop.files["mymod.php"] + "\nfunction hack() { return 1; }\n");
    testing::run_shell("chmod a+r " + (shop.shop / "modules/mymod/mymod.php").string());
    auto voided = shop.run({"verify", url(server, "/~"), "--module", "mymod"});
    auto local = shop.run({"verify", shop.shop.string(), "--module", "mymod"});
    CHECK(voided.exit_code == 3);
    CHECK(json_of(voided)["files"] == json_of(local)["files"]);
    CHECK(json_of(voided)["transport"]["files_fetched"] == 1);
}

TEST_CASE("verify ftp:// to a server without TLS: refused (5) unless --allow-plain-ftp",
          "[ftp][cli]") {
    FtpCliShop shop;
    testing::FtpServer plain(shop.dir, shop.config(FtpKind::pyftpdlib));
    auto refused = shop.run({"verify", url(plain, "/modules/mymod")});
    CHECK(refused.exit_code == 5);
    CHECK_THAT(json_of(refused)["error"]["hint"].get<std::string>(),
               Catch::Contains("--allow-plain-ftp"));
    auto allowed = shop.run({"verify", url(plain, "/modules/mymod"), "--allow-plain-ftp"});
    INFO(allowed.out << allowed.err);
    CHECK(allowed.exit_code == 0);
    CHECK(json_of(allowed)["support"] == "covered");
}

TEST_CASE("diagnose --files ftp://: the same checks and verdict as on the folder", "[ftp][cli]") {
    FtpCliShop shop;
    testing::FtpServer server(shop.dir, shop.config(FtpKind::proftpd));
    auto over_ftp = shop.run({"diagnose", "--files", url(server, "/~"), "--module", "mymod",
                              "--only", "files,logs", "--connections", "2"});
    auto here = shop.run(
        {"diagnose", "--files", shop.shop.string(), "--module", "mymod", "--only", "files,logs"});
    INFO(over_ftp.out << over_ftp.err);
    CHECK(over_ftp.exit_code == here.exit_code);
    auto a = json_of(over_ftp), b = json_of(here);
    CHECK(a["support"] == "covered");
    CHECK(a["support"] == b["support"]);
    CHECK(a["prestashop_version"] == "8.2.0");
    std::map<std::string, std::string> remote_status, local_status;
    for (const auto& check : a["checks"]) remote_status[check["id"]] = check["status"];
    for (const auto& check : b["checks"]) local_status[check["id"]] = check["status"];
    CHECK(remote_status == local_status);
}
