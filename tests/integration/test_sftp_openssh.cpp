// --ssh-client openssh: the system ssh (OpenSSH client) against the test sshd
// (tests/support/sshd_server.hpp), compared with the built-in libssh2 client.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <thread>

#include "json_result.hpp"
#include "ssh/openssh_connection.hpp"
#include "sshd_server.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using testing::json_of;
using testing::RunResult;
using testing::SshdServer;

namespace {

// OpensshShop: a module tree on the server, its release stored in a test home, a known_hosts
// file that trusts the server, and a private TMPDIR (where the ssh control folder goes).
struct OpensshShop {
    SshdServer& server = SshdServer::shared();
    testing::TempDir home;
    std::map<std::string, std::string> files = testing::module_files("mymod", "1.2.3");
    fs::path shop;
    fs::path known_hosts = home / "known_hosts";
    fs::path tmp = home / "tmp";

    OpensshShop() {
        std::string big;
        for (int i = 0; big.size() < 200 * 1024 + 3; ++i)
            big += "var y" + std::to_string(i) + ";\n";
        files["vendor/big.js"] = big;
        shop = server.chroot_dir() / ("openssh-shop-" + std::to_string(counter()++));
        testing::write_tree(shop / "modules/mymod", files);
        testing::write(shop / "classes/Cart.php", "<?php class CartCore {}\n");
        testing::run_shell("chmod -R a+rX " + shop.string());
        testing::make_zip(home / "mymod.zip", testing::zip_entries(files, "mymod"));
        REQUIRE(run({"pristine", "add", (home / "mymod.zip").string()}).exit_code == 0);
        testing::write(known_hosts, server.known_hosts_line(server.port()) + "\n" +
                                        server.known_hosts_line(server.sftp_only_port()) + "\n");
        fs::create_directories(tmp);
    }
    ~OpensshShop() {
        std::error_code ec;
        fs::remove_all(shop, ec);
    }
    static int& counter() {
        static int n = 0;
        return n;
    }
    std::string url(const std::string& relative, const std::string& user = "root") const {
        return "sftp://" + user + "@127.0.0.1:" + std::to_string(server.port()) +
               (shop / relative).string();
    }
    RunResult run(std::vector<std::string> args,
                  std::map<std::string, std::string> env = {}) const {
        env.emplace("TMPDIR", tmp.string());
        return testing::run_mpsupport(args, home.path(), env);
    }
    RunResult verify(const std::string& client, const std::string& target,
                     std::vector<std::string> extra = {},
                     const std::map<std::string, std::string>& env = {}) const {
        std::vector<std::string> args = {"--json",
                                         "--timeout",
                                         "10",
                                         "verify",
                                         target,
                                         "--ssh-client",
                                         client,
                                         "--known-hosts",
                                         known_hosts.string(),
                                         "--identity",
                                         server.client_key().string()};
        for (const auto& a : extra) args.push_back(a);
        return run(args, env);
    }
    // leftovers: control folders still in TMPDIR, and ssh processes still using them, once
    // a master that is on its way out (it unlinks its socket first) had time to go.
    std::string leftovers() const {
        std::string out;
        for (int tries = 0; tries < 30; ++tries) {
            out = leftovers_now();
            if (out.empty()) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return out;
    }
    std::string leftovers_now() const {
        std::string out;
        for (const auto& entry : fs::directory_iterator(tmp))
            out += entry.path().filename().string() + " ";
        // "[/]tmp...": a pattern that does not match the shell running pgrep.
        std::string pattern = "[" + tmp.string().substr(0, 1) + "]" + tmp.string().substr(1);
        out += testing::run_shell("pgrep -af -- '" + pattern + "' || true");
        return out;
    }
};

std::map<std::string, std::string> classes(const nlohmann::json& doc) {
    std::map<std::string, std::string> out;
    for (const auto& f : doc["files"]) out[f["path"]] = f["class"];
    return out;
}

}  // namespace

TEST_CASE("openssh client: same verdicts and JSON as libssh2, over SFTP and exec",
          "[sftp][openssh]") {
    OpensshShop remote;
    auto compare = [&](int expected_exit) {
        for (const char* mode : {"never", "only"}) {
            auto built_in =
                remote.verify("libssh2", remote.url("modules/mymod"), {"--exec-hash", mode});
            auto system =
                remote.verify("openssh", remote.url("modules/mymod"), {"--exec-hash", mode});
            INFO(mode << "\nlibssh2: " << built_in.out << built_in.err
                      << "\nopenssh: " << system.out << system.err);
            CHECK(built_in.exit_code == expected_exit);
            CHECK(system.exit_code == expected_exit);
            auto a = json_of(built_in), b = json_of(system);
            CHECK(classes(a) == classes(b));
            CHECK(a["support"] == b["support"]);
            CHECK(a["verdict"] == b["verdict"]);
            CHECK(a["transport"]["hashing"] == b["transport"]["hashing"]);
            CHECK(a["transport"]["files_fetched"] == b["transport"]["files_fetched"]);
            CHECK(a["transport"]["host"] == b["transport"]["host"]);
            CHECK(b["checks"][0]["id"] == "files.connect");
            CHECK_THAT(b["checks"][0]["message"].get<std::string>(),
                       Catch::Contains("via OpenSSH") && Catch::Contains("SHA256:"));
            CHECK(remote.leftovers() == "");
        }
    };
    compare(0);
    auto exec =
        json_of(remote.verify("openssh", remote.url("modules/mymod"), {"--exec-hash", "only"}));
    CHECK(exec["transport"]["hashing"] == "exec sha256sum");

    fs::path dir = remote.shop / "modules/mymod";
    std::string big = remote.files["vendor/big.js"];
    big.replace(150 * 1024, 5, "XXXXX");
    testing::write(dir / "vendor/big.js", big);
    testing::write(dir / "controllers/front/backdoor.php", "<?php eval($_POST['x']);\n");
    testing::run_shell("chmod -R a+rX " + remote.shop.string());
    compare(3);

    // The SFTP-only chrooted account refuses commands: auto falls back to SFTP as with libssh2.
    std::string relative = remote.shop.lexically_relative(remote.server.chroot_dir()).string();
    std::string url = "sftp://root@127.0.0.1:" + std::to_string(remote.server.sftp_only_port()) +
                      "/" + relative + "/modules/mymod";
    auto chrooted = remote.verify("openssh", url);
    INFO(chrooted.out << chrooted.err);
    CHECK(chrooted.exit_code == 3);
    CHECK(json_of(chrooted)["transport"]["hashing"] == "sftp");
    CHECK(remote.leftovers() == "");
}

TEST_CASE("openssh client: the ssh configuration decides host, port, user and key",
          "[sftp][openssh]") {
    OpensshShop remote;
    // ssh reads ~/.ssh/config from the passwd home, not $HOME: the test names the file, with
    // [ssh] config_file = "~/.ssh/config" (resolved with $HOME as every mpsupport path).
    testing::write(remote.home / ".ssh/config",
                   "Host shopalias\n  HostName 127.0.0.1\n  Port " +
                       std::to_string(remote.server.port()) + "\n  User root\n  IdentityFile " +
                       remote.server.client_key().string() + "\n  UserKnownHostsFile " +
                       remote.known_hosts.string() + "\n");
    testing::write(remote.home / ".config/mpsupport/config.toml",
                   "[ssh]\nclient = \"openssh\"\nconfig_file = \"~/.ssh/config\"\n");
    std::string alias_url = "sftp://shopalias" + (remote.shop / "modules/mymod").string();
    auto r = remote.run({"--json", "--timeout", "10", "verify", alias_url});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    auto doc = json_of(r);
    CHECK(doc["support"] == "covered");
    CHECK_THAT(doc["transport"]["host"].get<std::string>(),
               Catch::Contains("shopalias") &&
                   Catch::Contains("root@[127.0.0.1]:" + std::to_string(remote.server.port())));
    CHECK(remote.leftovers() == "");

    // The same alias means nothing to the libssh2 client.
    auto built_in =
        remote.run({"--json", "--timeout", "5", "verify", alias_url, "--ssh-client", "libssh2"});
    CHECK(built_in.exit_code == 4);

    // A missing configuration file is a usage error.
    auto missing = remote.run(
        {"--json", "verify", alias_url, "--ssh-config", (remote.home / "nope").string()});
    CHECK(missing.exit_code == 2);
    // A bad [ssh] client value too.
    testing::write(remote.home / ".config/mpsupport/config.toml", "[ssh]\nclient = \"putty\"\n");
    auto bad = remote.run({"--json", "verify", alias_url});
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err + bad.out, Catch::Contains("ssh.client"));
}

TEST_CASE("openssh client: host keys are OpenSSH's, failures map to exit codes",
          "[sftp][openssh]") {
    OpensshShop remote;
    auto run_with = [&](const fs::path& kh, std::vector<std::string> extra = {},
                        std::map<std::string, std::string> env = {},
                        const std::string& user = "root") {
        std::vector<std::string> args = {"--json",
                                         "--timeout",
                                         "10",
                                         "verify",
                                         remote.url("modules/mymod", user),
                                         "--ssh-client",
                                         "openssh",
                                         "--known-hosts",
                                         kh.string()};
        for (auto& a : extra) args.push_back(a);
        return remote.run(args, env);
    };
    std::vector<std::string> key = {"--identity", remote.server.client_key().string()};

    fs::path empty_kh = remote.home / "new_known_hosts";
    testing::write(empty_kh, "");
    auto unknown = run_with(empty_kh, key);
    INFO(unknown.out << unknown.err);
    CHECK(unknown.exit_code == 5);
    CHECK_THAT(json_of(unknown)["error"]["message"].get<std::string>(),
               Catch::Contains("host key"));
    CHECK_THAT(json_of(unknown)["error"]["hint"].get<std::string>(),
               Catch::Contains("--accept-new-host-key"));
    CHECK(testing::slurp(empty_kh).empty());

    auto accepted = run_with(
        empty_kh, {"--identity", remote.server.client_key().string(), "--accept-new-host-key"});
    INFO(accepted.out << accepted.err);
    CHECK(accepted.exit_code == 0);
    // Recorded by ssh (hashed when the system's ssh_config says HashKnownHosts).
    CHECK_THAT(
        testing::run_shell("ssh-keygen -F '[127.0.0.1]:" + std::to_string(remote.server.port()) +
                           "' -f " + empty_kh.string()),
        Catch::Contains("ssh-ed25519"));
    CHECK(run_with(empty_kh, key).exit_code == 0);

    std::string other = testing::slurp(remote.server.stranger_key().string() + ".pub");
    fs::path changed = remote.home / "changed_known_hosts";
    testing::write(changed, "[127.0.0.1]:" + std::to_string(remote.server.port()) + " " +
                                other.substr(0, other.find(' ', other.find(' ') + 1)) + "\n");
    auto refused = run_with(
        changed, {"--identity", remote.server.client_key().string(), "--accept-new-host-key"});
    CHECK(refused.exit_code == 5);
    CHECK_THAT(json_of(refused)["error"]["message"].get<std::string>(),
               Catch::Contains("CHANGED HOST KEY"));

    // A key the server does not know.
    auto stranger =
        run_with(remote.known_hosts, {"--identity", remote.server.stranger_key().string()});
    CHECK(stranger.exit_code == 5);
    CHECK_THAT(json_of(stranger)["error"]["message"].get<std::string>(),
               Catch::Contains("Permission denied"));

    // Passwords go through ssh's askpass, from the environment: right, wrong, never shown.
    std::string user = SshdServer::password_user;
    std::vector<std::string> no_key = {"--identity", remote.server.stranger_key().string()};
    auto password = run_with(remote.known_hosts, no_key,
                             {{"MPSUPPORT_SFTP_PASSWORD", SshdServer::password}}, user);
    INFO(password.out << password.err);
    CHECK(password.exit_code == 0);
    CHECK_THAT(json_of(password)["checks"][0]["message"].get<std::string>(),
               Catch::Contains("password"));
    auto wrong = run_with(remote.known_hosts, no_key,
                          {{"MPSUPPORT_SFTP_PASSWORD", "not-the-password"}}, user);
    CHECK(wrong.exit_code == 5);
    for (const auto* r : {&password, &wrong}) {
        CHECK(r->out.find("not-the-password") == std::string::npos);
        CHECK(r->err.find("not-the-password") == std::string::npos);
        CHECK(r->out.find(SshdServer::password) == std::string::npos);
        CHECK(r->err.find(SshdServer::password) == std::string::npos);
        CHECK(r->out.find("PRIVATE KEY") == std::string::npos);
    }

    // Nothing listens: exit 4 with ssh's reason.
    int closed = testing::free_port();
    auto refused_port = remote.run({"--json", "--timeout", "5", "verify",
                                    "sftp://root@127.0.0.1:" + std::to_string(closed) + "/x",
                                    "--ssh-client", "openssh"});
    CHECK(refused_port.exit_code == 4);
    CHECK_THAT(json_of(refused_port)["error"]["message"].get<std::string>(),
               Catch::Contains("Connection refused"));

    // A server that accepts and never speaks: ssh's ConnectTimeout (the banner exchange too).
    testing::SilentServer silent;
    auto started = std::chrono::steady_clock::now();
    auto hung = remote.run({"--json", "--timeout", "2", "verify",
                            "sftp://root@127.0.0.1:" + std::to_string(silent.port()) + "/x",
                            "--ssh-client", "openssh"});
    auto seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    INFO(hung.out << hung.err);
    CHECK(hung.exit_code == 4);
    CHECK(seconds < 10);
    CHECK(remote.leftovers() == "");
}

TEST_CASE("openssh_error maps ssh's messages to exit kinds", "[openssh]") {
    using mps::ErrorKind;
    auto kind = [](const std::string& text, int code = 255) {
        auto e = mps::openssh_error("u@h", code, text, false);
        REQUIRE(e);
        return e->kind();
    };
    CHECK_FALSE(mps::openssh_error("u@h", 0, "", false));
    CHECK(kind("Host key verification failed.") == ErrorKind::auth);
    CHECK(kind("@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\nHost key "
               "verification failed.") == ErrorKind::auth);
    CHECK(kind("u@h: Permission denied (publickey,password).") == ErrorKind::auth);
    CHECK(kind("ssh: connect to host h port 22: Connection refused") == ErrorKind::unreachable);
    CHECK(kind("ssh: Could not resolve hostname nowhere: Name or service not known") ==
          ErrorKind::unreachable);
    CHECK(kind("ssh: connect to host h port 22: Connection timed out") == ErrorKind::unreachable);
    CHECK(kind("subsystem request failed on channel 0") == ErrorKind::unreachable);
    CHECK(kind("", 255) == ErrorKind::unreachable);
    auto changed = mps::openssh_error(
        "u@h", 255, "debug1: noise\nWARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!", false);
    CHECK_THAT(changed->what(), Catch::Contains("CHANGED HOST KEY") && !Catch::Contains("debug1"));
}
