// SFTP tests against a real OpenSSH sshd on loopback (tests/support/sshd_server.hpp).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <map>

#include "json_result.hpp"
#include "sshd_server.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using testing::json_of;
using testing::run_mpsupport;
using testing::RunResult;
using testing::SshdServer;

namespace {

// RemoteShop: a module tree on the server (under the chroot, so both accounts see it), its
// release stored in a test home, and a known_hosts file that trusts the server.
struct RemoteShop {
    SshdServer& server = SshdServer::shared();
    testing::TempDir home;
    std::map<std::string, std::string> files = testing::module_files("mymod", "1.2.3");
    fs::path shop;  // absolute on the server (full account)
    fs::path known_hosts = home / "known_hosts";

    RemoteShop() {
        // Files of several 64 KiB read chunks, one an exact multiple: fetched whole or the
        // digests would differ.
        std::string big;
        for (int i = 0; big.size() < 300 * 1024 + 7; ++i)
            big += "var x" + std::to_string(i) + " = " + std::to_string(i * 7) + ";\n";
        files["vendor/big.js"] = big;
        files["vendor/exact.bin"] = std::string(128 * 1024, '\x01');
        shop = server.chroot_dir() / ("shop-" + std::to_string(counter()++));
        testing::write_tree(shop / "modules/mymod", files);
        testing::write(shop / "classes/Cart.php", "<?php class CartCore {}\n");
        testing::write(shop / "src/Core/Version.php",
                       "<?php\nnamespace PrestaShop\\PrestaShop\\Core;\nfinal class Version\n{\n"
                       "    public const VERSION = '8.2.0';\n}\n");
        testing::write(shop / "config/settings.inc.php",
                       "<?php\ndefine('_DB_PASSWD_', 'db-secret-123');\n");
        run_shell_ok("chmod -R a+rX " + shop.string());
        testing::make_zip(home / "mymod.zip", testing::zip_entries(files, "mymod"));
        REQUIRE(run({"pristine", "add", (home / "mymod.zip").string()}).exit_code == 0);
        testing::write(known_hosts, server.known_hosts_line(server.port()) + "\n" +
                                        server.known_hosts_line(server.sftp_only_port()) + "\n" +
                                        server.known_hosts_line(server.broken_port()) + "\n");
    }
    ~RemoteShop() {
        std::error_code ec;
        fs::remove_all(shop, ec);
    }
    static int& counter() {
        static int n = 0;
        return n;
    }
    static void run_shell_ok(const std::string& command) { testing::run_shell(command); }

    std::string url(const std::string& relative, const std::string& user = "root") const {
        return "sftp://" + user + "@127.0.0.1:" + std::to_string(server.port()) +
               (shop / relative).string();
    }
    std::vector<std::string> ssh_args() const {
        return {"--known-hosts", known_hosts.string(), "--identity", server.client_key().string()};
    }
    RunResult run(std::vector<std::string> args,
                  const std::map<std::string, std::string>& env = {}) const {
        return run_mpsupport(args, home.path(), env);
    }
    RunResult verify(const std::string& target, std::vector<std::string> extra = {},
                     const std::map<std::string, std::string>& env = {}) const {
        std::vector<std::string> args = {"--json", "--timeout", "10", "verify", target};
        for (const auto& a : ssh_args()) args.push_back(a);
        for (const auto& a : extra) args.push_back(a);
        return run(args, env);
    }
};

std::map<std::string, std::string> classes(const nlohmann::json& doc) {
    std::map<std::string, std::string> out;
    for (const auto& f : doc["files"]) out[f["path"]] = f["class"];
    return out;
}

}  // namespace

TEST_CASE("remote verify gives the same verdicts as a local verify", "[sftp]") {
    RemoteShop remote;
    fs::path dir = remote.shop / "modules/mymod";
    testing::write(dir / "views/css/front.css",
                   "\xEF\xBB\xBF" + remote.files["views/css/front.css"]);
    std::string tpl = remote.files["views/templates/hook/block.tpl"];
    tpl.replace(tpl.find("block-3"), 7, "block-X");
    testing::write(dir / "views/templates/hook/block.tpl", tpl);
    testing::write(dir / "src/Service.php", "<?php\nclass Service {}\r\n");
    fs::remove(dir / "views/js/front.js");
    testing::write(dir / "controllers/front/backdoor.php", "<?php eval($_POST['x']);\n");
    std::string big = remote.files["vendor/big.js"];
    big.replace(200 * 1024, 5, "XXXXX");  // a change deep in the third chunk
    testing::write(dir / "vendor/big.js", big);
    testing::run_shell("chmod -R a+rX " + remote.shop.string());

    auto local = remote.run({"--json", "verify", dir.string()});
    auto over_sftp = remote.verify(remote.url("modules/mymod"), {"--exec-hash", "never"});
    auto over_exec = remote.verify(remote.url("modules/mymod"), {"--exec-hash", "only"});
    CHECK(local.exit_code == 3);
    CHECK(over_sftp.exit_code == 3);
    CHECK(over_exec.exit_code == 3);
    auto local_doc = json_of(local), remote_doc = json_of(over_sftp), exec_doc = json_of(over_exec);
    CHECK(classes(local_doc) == classes(remote_doc));
    CHECK(classes(local_doc) == classes(exec_doc));
    CHECK(remote_doc["transport"]["hashing"] == "sftp");
    CHECK(exec_doc["transport"]["hashing"] == "exec sha256sum");
    // Exec mode fetches only the files whose digest differs (big.js, Service.php, block.tpl,
    // front.css).
    CHECK(exec_doc["transport"]["files_fetched"] == 4);
    CHECK(remote_doc["transport"]["files_fetched"].get<int>() > 4);
    CHECK(classes(remote_doc).size() == 6);
    CHECK(classes(remote_doc)["vendor/big.js"] == "modified");
    CHECK(remote_doc["checks"][0]["id"] == "files.connect");
    CHECK(remote_doc["transport"]["kind"] == "sftp");
}

TEST_CASE("remote verify of a shop root: version, overrides, theme templates", "[sftp]") {
    RemoteShop remote;
    testing::write(remote.shop / "override/classes/Cart.php", "<?php\n/*\n * module: mymod\n */\n");
    testing::write(remote.shop / "themes/classic/modules/mymod/views/templates/hook/block.tpl",
                   "<p>themed</p>\n");
    testing::run_shell("chmod -R a+rX " + remote.shop.string());
    auto r = remote.verify(remote.url(""), {"--module", "mymod"});
    CHECK(r.exit_code == 0);
    auto doc = json_of(r);
    std::map<std::string, nlohmann::json> checks;
    for (const auto& c : doc["checks"]) checks[c["id"]] = c;
    CHECK(checks["files.prestashop-root"]["data"]["version"] == "8.2.0");
    CHECK(checks["files.overrides"]["status"] == "warn");
    CHECK(checks["files.theme-overrides"]["data"]["files"].size() == 1);
    CHECK(doc["environment"] == "non-standard");
    // Only the version line of a settings file is ever used: its secrets never appear.
    CHECK(r.out.find("db-secret-123") == std::string::npos);
    auto need_module = remote.verify(remote.url(""));
    CHECK(need_module.exit_code == 2);
    auto absent = remote.verify(remote.url(""), {"--module", "nosuch"});
    CHECK(absent.exit_code == 6);
}

// sftp_runs: the "N SFTP requests in M runs" line verify logs at -vv (M: how many times the
// client waited for every answer: each is at least one round trip after the previous one).
int sftp_runs(const std::string& err) {
    auto at = err.find(" SFTP requests in ");
    if (at == std::string::npos) return -1;
    return std::stoi(err.substr(at + 18));
}

TEST_CASE("a realistic shop root is listed and read in one run, overrides and themes intact",
          "[sftp]") {
    RemoteShop remote;
    const std::string stub = "<?php\nheader('Location: ../');\nexit;\n";
    for (const char* folder : {"", "classes/", "classes/cache/", "classes/db/", "controllers/",
                               "controllers/admin/", "controllers/admin/templates/",
                               "controllers/front/", "controllers/front/listing/", "modules/"})
        testing::write(remote.shop / ("override/" + std::string(folder) + "index.php"), stub);
    testing::write(remote.shop / "override/classes/Cart.php", "<?php\n/*\n * module: mymod\n */\n");
    testing::write(remote.shop / "override/controllers/front/listing/CategoryController.php",
                   "<?php\n/*\n * module: mymod\n */\n");
    testing::write(remote.shop / "override/classes/db/Db.php",
                   "<?php\n/*\n * module: othermod\n */\n");
    testing::write(remote.shop / "themes/classic/templates/index.tpl", "{block}{/block}\n");
    testing::write(remote.shop / "themes/classic/modules/mymod/views/templates/hook/block.tpl",
                   "<p>1</p>\n");
    testing::write(remote.shop / "themes/classic/modules/mymod/views/templates/front/deep/list.tpl",
                   "<p>2</p>\n");
    testing::write(remote.shop / "themes/child/modules/mymod/block.tpl", "<p>3</p>\n");
    testing::write(remote.shop / "themes/child/modules/othermod/block.tpl", "<p>4</p>\n");
    testing::write(remote.shop / "themes/bare/theme.yml", "name: bare\n");
    testing::write(remote.shop / "var/logs/prod.log", "[2026-11-30] php.WARNING: x\n");
    // A changed module file deep down: classified as locally, wherever its folder is listed.
    std::string tpl = remote.files["views/templates/hook/block.tpl"];
    tpl.replace(tpl.find("block-3"), 7, "block-X");
    testing::write(remote.shop / "modules/mymod/views/templates/hook/block.tpl", tpl);
    testing::run_shell("chmod -R a+rX " + remote.shop.string());

    auto local = remote.run({"--json", "verify", remote.shop.string(), "--module", "mymod"});
    REQUIRE(json_of(local)["checks"].size() > 0);
    const std::vector<std::string> expected_classes = {
        "override/classes/Cart.php", "override/controllers/front/listing/CategoryController.php"};
    const std::vector<std::string> expected_themes = {
        "themes/child/modules/mymod/block.tpl",
        "themes/classic/modules/mymod/views/templates/front/deep/list.tpl",
        "themes/classic/modules/mymod/views/templates/hook/block.tpl"};
    for (const char* mode : {"never", "only"}) {
        INFO("--exec-hash " << mode);
        std::vector<std::string> args = {
            "-vv",          "--json",   "--timeout", "10",          "verify",
            remote.url(""), "--module", "mymod",     "--exec-hash", mode};
        for (const auto& a : remote.ssh_args()) args.push_back(a);
        auto r = remote.run(args);
        INFO(r.err);
        REQUIRE(r.exit_code == local.exit_code);
        auto doc = json_of(r);
        std::map<std::string, nlohmann::json> checks;
        for (const auto& c : doc["checks"]) checks[c["id"]] = c;
        CHECK(checks["files.prestashop-root"]["data"]["version"] == "8.2.0");
        CHECK(checks["files.overrides"]["data"]["files"] == nlohmann::json(expected_classes));
        CHECK(checks["files.theme-overrides"]["data"]["files"] == nlohmann::json(expected_themes));
        CHECK(classes(doc) == classes(json_of(local)));
        CHECK(classes(doc).count("views/templates/hook/block.tpl") == 1);
        // One stat of the root's marks and the module folder, then one run for everything
        // else: module listing and reads, identity files, version files, override/ and themes.
        CHECK(sftp_runs(r.err) == 2);
    }
}

TEST_CASE("folders read ahead count only where their parent lists a folder", "[sftp]") {
    // verify reads the release's folders, override/'s skeleton and themes/classic ahead of the
    // listing; a link in their place must still be a link, never followed.
    RemoteShop remote;
    fs::path mod = remote.shop / "modules/mymod";
    fs::rename(mod / "views/templates", remote.shop / "elsewhere-templates");
    fs::create_directory_symlink(remote.shop / "elsewhere-templates", mod / "views/templates");
    testing::write(remote.shop / "override/real/classes/Cart.php",
                   "<?php\n/*\n * module: mymod\n */\n");
    fs::create_directory_symlink(remote.shop / "override/real/classes",
                                 remote.shop / "override/classes");
    testing::write(remote.shop / "themes/real/modules/mymod/views/templates/hook/block.tpl",
                   "<p>1</p>\n");
    fs::create_directory_symlink(remote.shop / "themes/real", remote.shop / "themes/classic");
    testing::run_shell("chmod -R a+rX " + remote.shop.string());

    for (const char* mode : {"never", "only"}) {
        INFO("--exec-hash " << mode);
        auto r = remote.verify(remote.url(""), {"--module", "mymod", "--exec-hash", mode});
        INFO(r.out << r.err);
        auto doc = json_of(r);
        std::map<std::string, nlohmann::json> checks;
        for (const auto& c : doc["checks"]) checks[c["id"]] = c;
        // The link itself is listed; the release file behind it is missing, not unchanged.
        CHECK(classes(doc)["views/templates/hook/block.tpl"] == "missing");
        CHECK(checks["files.overrides"]["data"]["files"] ==
              nlohmann::json(std::vector<std::string>{"override/real/classes/Cart.php"}));
        CHECK(checks["files.theme-overrides"]["data"]["files"] ==
              nlohmann::json(std::vector<std::string>{
                  "themes/real/modules/mymod/views/templates/hook/block.tpl"}));
    }
}

TEST_CASE("the SFTP-only chrooted account gives the same answer", "[sftp]") {
    RemoteShop remote;
    std::string relative = remote.shop.lexically_relative(remote.server.chroot_dir()).string();
    std::string url = "sftp://root@127.0.0.1:" + std::to_string(remote.server.sftp_only_port()) +
                      "/" + relative + "/modules/mymod";
    auto r = remote.verify(url);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(json_of(r)["support"] == "covered");
    // ForceCommand internal-sftp: no commands, so auto falls back to SFTP and only fails.
    CHECK(json_of(r)["transport"]["hashing"] == "sftp");
    auto only = remote.verify(url, {"--exec-hash", "only"});
    CHECK(only.exit_code == 4);
    CHECK_THAT(json_of(only)["error"]["hint"].get<std::string>(), Catch::Contains("--exec-hash"));
}

TEST_CASE("a /~/ address is shown as written, never as ./ or as the absolute path", "[sftp][url]") {
    RemoteShop remote;
    testing::write(remote.shop / "themes/classic/modules/mymod/views/templates/hook/block.tpl",
                   "<p>themed</p>\n");
    testing::run_shell("chmod -R a+rX " + remote.shop.string());
    // The chrooted SFTP-only account logs in at the chroot's /: /~/shop-N is relative to it.
    std::string relative = remote.shop.lexically_relative(remote.server.chroot_dir()).string();
    std::string base = "sftp://root@127.0.0.1:" + std::to_string(remote.server.sftp_only_port());
    auto module = remote.verify(base + "/~/" + relative + "/modules/mymod");
    INFO(module.out << module.err);
    CHECK(module.exit_code == 0);
    CHECK(json_of(module)["path"] == base + "/~/" + relative + "/modules/mymod");

    auto root = remote.verify(base + "/~/" + relative + "/", {"--module", "mymod"});
    INFO(root.out << root.err);
    CHECK(root.exit_code == 0);
    auto doc = json_of(root);
    CHECK(doc["path"] == base + "/~/" + relative + "/modules/mymod");
    for (const auto& c : doc["checks"])
        if (c["id"] == "files.prestashop-root")
            CHECK_THAT(c["message"].get<std::string>(), Catch::Contains("at ~/" + relative));
    CHECK(root.out.find("/./") == std::string::npos);
    CHECK(root.out.find(base + "/" + relative) == std::string::npos);

    auto missing = remote.verify(base + "/~/" + relative + "/nothing-here");
    CHECK(missing.exit_code == 6);
    CHECK_THAT(json_of(missing)["error"]["message"].get<std::string>(),
               Catch::StartsWith(base + "/~/" + relative + "/nothing-here "));
    auto text = remote.run({"--timeout", "10", "verify", base + "/~/" + relative + "/nothing-here",
                            "--known-hosts", remote.known_hosts.string(), "--identity",
                            remote.server.client_key().string()});
    CHECK_THAT(text.err, Catch::Contains(base + "/~/" + relative + "/nothing-here"));
}

TEST_CASE("host keys: unknown, accepted, changed", "[sftp][hostkey]") {
    RemoteShop remote;
    fs::path empty_kh = remote.home / "new_known_hosts";
    auto run_with = [&](const fs::path& kh, std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {
            "--json",    "verify",     remote.url("modules/mymod"),        "--known-hosts",
            kh.string(), "--identity", remote.server.client_key().string()};
        for (auto& a : extra) args.push_back(a);
        return remote.run(args);
    };
    auto unknown = run_with(empty_kh);
    CHECK(unknown.exit_code == 5);
    auto error = json_of(unknown)["error"];
    CHECK_THAT(error["message"].get<std::string>(),
               Catch::Contains("unknown host key") && Catch::Contains("SHA256:"));
    CHECK_THAT(error["hint"].get<std::string>(), Catch::Contains("--accept-new-host-key"));
    CHECK_FALSE(fs::exists(empty_kh));
    // The fingerprint is the one OpenSSH shows.
    std::string keygen =
        testing::run_shell("ssh-keygen -lf " + remote.server.host_public_key().string());
    std::string fingerprint = keygen.substr(keygen.find("SHA256:"), 50);
    fingerprint = fingerprint.substr(0, fingerprint.find(' '));
    CHECK_THAT(error["message"].get<std::string>(), Catch::Contains(fingerprint));

    auto accepted = run_with(empty_kh, {"--accept-new-host-key"});
    CHECK(accepted.exit_code == 0);
    CHECK_THAT(testing::slurp(empty_kh),
               Catch::Contains("[127.0.0.1]:" + std::to_string(remote.server.port())));
    CHECK(run_with(empty_kh).exit_code == 0);

    // Hashed entries (HashKnownHosts) are understood.
    fs::path hashed = remote.home / "hashed_known_hosts";
    testing::write(hashed, remote.server.known_hosts_line(remote.server.port()) + "\n");
    testing::run_shell("ssh-keygen -q -H -f " + hashed.string());
    CHECK(testing::slurp(hashed).substr(0, 3) == "|1|");
    CHECK(run_with(hashed).exit_code == 0);

    // A changed key is refused, whatever flag is given.
    std::string other = testing::slurp(remote.server.stranger_key().string() + ".pub");
    fs::path changed = remote.home / "changed_known_hosts";
    testing::write(changed, "[127.0.0.1]:" + std::to_string(remote.server.port()) + " " +
                                other.substr(0, other.find(' ', other.find(' ') + 1)) + "\n");
    auto refused = run_with(changed, {"--accept-new-host-key"});
    CHECK(refused.exit_code == 5);
    CHECK_THAT(json_of(refused)["error"]["message"].get<std::string>(),
               Catch::Contains("CHANGED HOST KEY"));
}

TEST_CASE("authentication paths and their failures", "[sftp][auth]") {
    RemoteShop remote;
    auto with_key = [&](const fs::path& key, const std::map<std::string, std::string>& env = {},
                        const std::string& user = "root") {
        return remote.run(
            {"--json", "--timeout", "10", "verify", remote.url("modules/mymod", user),
             "--known-hosts", remote.known_hosts.string(), "--identity", key.string()},
            env);
    };
    auto stranger = with_key(remote.server.stranger_key());
    CHECK(stranger.exit_code == 5);
    CHECK_THAT(json_of(stranger)["error"]["message"].get<std::string>(),
               Catch::Contains("authentication"));

    auto rsa = with_key(remote.server.rsa_key());
    CHECK(rsa.exit_code == 5);
    CHECK_THAT(json_of(rsa)["error"]["hint"].get<std::string>(), Catch::Contains("ed25519"));

    std::string user = SshdServer::password_user;
    auto password = with_key(remote.server.stranger_key(),
                             {{"MPSUPPORT_SFTP_PASSWORD", SshdServer::password}}, user);
    INFO(password.out << password.err);
    CHECK(password.exit_code == 0);
    auto wrong = with_key(remote.server.stranger_key(),
                          {{"MPSUPPORT_SFTP_PASSWORD", "not-the-password"}}, user);
    CHECK(wrong.exit_code == 5);
    CHECK_THAT(json_of(wrong)["error"]["hint"].get<std::string>(),
               Catch::Contains("password was refused"));
    // The password never appears anywhere.
    CHECK(wrong.out.find("not-the-password") == std::string::npos);
    CHECK(wrong.err.find("not-the-password") == std::string::npos);

    // ssh-agent comes first when SSH_AUTH_SOCK is set.
    fs::path agent_socket = remote.home / "agent.sock";
    std::string agent = testing::run_shell("ssh-agent -a " + agent_socket.string());
    std::string agent_pid = agent.substr(agent.find("SSH_AGENT_PID=") + 14);
    agent_pid = agent_pid.substr(0, agent_pid.find(';'));
    testing::run_shell("SSH_AUTH_SOCK=" + agent_socket.string() + " ssh-add -q " +
                       remote.server.client_key().string());
    auto via_agent =
        with_key(remote.server.stranger_key(), {{"SSH_AUTH_SOCK", agent_socket.string()}});
    testing::run_shell("kill " + agent_pid);
    CHECK(via_agent.exit_code == 0);
    CHECK_THAT(json_of(via_agent)["checks"][0]["message"].get<std::string>(),
               Catch::Contains("agent"));
}

TEST_CASE("hostile trees: links are not followed, odd names are refused", "[sftp][safety]") {
    RemoteShop remote;
    fs::path dir = remote.shop / "modules/mymod";
    fs::create_symlink("/etc/passwd", dir / "views/passwd.php");
    fs::create_symlink("..", dir / "views/loop");
    testing::write(dir / std::string("views/bad\nname.tpl"), "x");
    testing::write(dir / std::string("views/caf\xe9.png"), "not utf-8");
    testing::run_shell("chmod -R a+rX " + remote.shop.string());
    for (const char* mode : {"never", "only"}) {
        auto r = remote.verify(remote.url("modules/mymod"), {"--exec-hash", mode});
        INFO(mode << ": " << r.out << r.err);
        CHECK(r.exit_code == 3);  // an added PHP link voids support
        auto doc = json_of(r);
        std::map<std::string, nlohmann::json> files;
        for (const auto& f : doc["files"]) files[f["path"]] = f;
        CHECK(files["views/passwd.php"]["class"] == "added");
        CHECK(files["views/passwd.php"]["note"] == "symbolic link");
        CHECK(files.count("views/loop") == 1);
        CHECK(r.out.find("root:x:0:0") == std::string::npos);
        bool listing_warned = false;
        for (const auto& c : doc["checks"])
            if (c["id"] == "files.listing") listing_warned = c["data"]["refused"].size() == 1;
        CHECK(listing_warned);
    }
}

TEST_CASE("unreachable servers: refused, hung, no such folder", "[sftp][network]") {
    RemoteShop remote;
    int closed = testing::free_port();
    auto refused =
        remote.run({"--json", "verify", "sftp://root@127.0.0.1:" + std::to_string(closed) + "/x"});
    CHECK(refused.exit_code == 4);
    CHECK(json_of(refused)["error"]["kind"] == "unreachable");

    testing::SilentServer silent;
    auto started = std::chrono::steady_clock::now();
    auto hung = remote.run({"--json", "--timeout", "2", "verify",
                            "sftp://root@127.0.0.1:" + std::to_string(silent.port()) + "/x"});
    auto seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    CHECK(hung.exit_code == 4);
    CHECK(seconds < 8);
    CHECK_THAT(json_of(hung)["error"]["message"].get<std::string>(),
               Catch::Contains("stopped answering"));

    auto missing = remote.verify(remote.url("modules/nothing-here"));
    CHECK(missing.exit_code == 6);
    auto bad_url = remote.run({"verify", "sftp://root:pw@127.0.0.1/x"});
    CHECK(bad_url.exit_code == 2);
    CHECK(bad_url.err.find("pw@") == std::string::npos);
}

#include "files/local_files.hpp"
#include "remote/remote_logs.hpp"
#include "ssh/sftp_files.hpp"
#include "ssh/ssh_session.hpp"

TEST_CASE("remote logs: recent files only, tails only, errors about the module", "[sftp][logs]") {
    RemoteShop remote;
    std::string filler;
    while (filler.size() < 1024 * 1024)
        filler += "*ERROR* \tv8.2.0\t2026/11/01 - 09:00:00: old mymod error far back\r\n";
    testing::write(
        remote.shop / "var/logs/20261126_exception.log",
        filler +
            "*ERROR* \tv8.2.0\t2026/11/26 - 10:00:01: Exception in MyMod::hookDisplayHome\r\n");
    testing::write(remote.shop / "var/logs/prod.log",
                   "[2026-11-26] request.CRITICAL: nothing about us\n");
    testing::write(remote.shop / "var/logs/20260901_exception.log", "*ERROR* mymod ancient\n");
    testing::write(remote.shop / "var/logs/notes.txt", "*ERROR* mymod not a log\n");
    auto now = std::chrono::file_clock::now();
    fs::last_write_time(remote.shop / "var/logs/20260901_exception.log",
                        now - std::chrono::hours(24 * 40));
    testing::run_shell("chmod -R a+rX " + remote.shop.string());

    mps::SshOptions options;
    options.user = "root";
    options.host = "127.0.0.1";
    options.port = remote.server.port();
    options.known_hosts = remote.known_hosts;
    options.identities = {remote.server.client_key()};
    options.use_agent = false;
    auto session = mps::SshSession::connect(options);
    mps::SftpFiles client(std::move(session));
    auto unix_now = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
    auto logs = mps::collect_remote_logs(client, remote.shop.string(), unix_now, 7, 256 * 1024);
    REQUIRE(logs.size() == 2);
    std::map<std::string, mps::LogTail> by_path;
    for (auto& log : logs) by_path[log.path] = log;
    const auto& exception = by_path.at("var/logs/20261126_exception.log");
    CHECK(exception.truncated);
    CHECK(exception.tail.size() == 256 * 1024);
    CHECK(exception.size > 1024 * 1024);
    auto errors = mps::logs_errors_check(logs, "mymod");
    CHECK(errors.status == mps::Status::warn);
    // Only lines within the tail count: the 1 MiB of old errors was never read.
    CHECK(errors.data["count"].get<std::size_t>() < 5000);  // the whole file holds ~16,000
    CHECK(errors.data["lines"].back()["line"].get<std::string>().find("hookDisplayHome") !=
          std::string::npos);
    CHECK(client.bytes_received() < 400 * 1024);

    // The same logs read on this machine's file system: the same tails, whatever the transport.
    mps::LocalFiles local;
    auto local_logs =
        mps::collect_remote_logs(local, remote.shop.string(), unix_now, 7, 256 * 1024);
    REQUIRE(local_logs.size() == logs.size());
    for (std::size_t i = 0; i < logs.size(); ++i) {
        CHECK(local_logs[i].path == logs[i].path);
        CHECK(local_logs[i].tail == logs[i].tail);
        CHECK(local_logs[i].truncated == logs[i].truncated);
    }
    CHECK(local.bytes_received() < 400 * 1024);
}

TEST_CASE("unreadable files and folders are reported, not judged", "[sftp][safety]") {
    RemoteShop remote;
    fs::path dir = remote.shop / "modules/mymod";
    testing::run_shell("chmod 600 " + (dir / "src/Service.php").string() + " && chmod 700 " +
                       (dir / "views/templates").string());
    std::string user = SshdServer::password_user;
    for (const char* mode : {"never", "auto"}) {
        auto r = remote.run({"--json", "verify", remote.url("modules/mymod", user), "--known-hosts",
                             remote.known_hosts.string(), "--identity",
                             remote.server.stranger_key().string(), "--exec-hash", mode},
                            {{"MPSUPPORT_SFTP_PASSWORD", SshdServer::password}});
        INFO(mode << ": " << r.out << r.err);
        CHECK(r.exit_code == 0);  // what could not be read is not held against the customer
        auto doc = json_of(r);
        std::map<std::string, std::string> got = classes(doc);
        CHECK(got["src/Service.php"] == "unreadable");
        if (std::string(mode) == "never")
            CHECK(got["views/templates/hook/block.tpl"] == "unreadable");
        nlohmann::json integrity;
        for (const auto& c : doc["checks"])
            if (c["id"] == "files.integrity") integrity = c;
        CHECK(integrity["status"] == "warn");
        CHECK_THAT(integrity["message"].get<std::string>(),
                   Catch::Contains("unreadable, not judged"));
    }
}

TEST_CASE("a connection that drops half way gives exit 4 and a partial report", "[sftp][network]") {
    RemoteShop remote;
    std::string url = "sftp://root@127.0.0.1:" + std::to_string(remote.server.broken_port()) +
                      (remote.shop / "modules/mymod").string();
    auto r = remote.verify(url, {"--exec-hash", "never"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 4);
    auto doc = json_of(r);
    CHECK(doc["partial"] == true);
    CHECK(doc["support"] == "unknown");
    CHECK(doc["checks"][0]["id"] == "files.connect");
    CHECK(doc["checks"][0]["status"] == "fail");
    CHECK(doc["checks"][2]["status"] == "skip");
    CHECK_THAT(doc["verdict"].get<std::string>(), Catch::StartsWith("could not tell"));
}
