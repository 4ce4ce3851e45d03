// SFTP against servers other than the shared test sshd, each started by the test in the
// foreground with its own configuration on a free loopback port (never a system service):
//  - OpenSSH sshd with ed25519 + ecdsa + RSA host keys (host-key choice as OpenSSH makes it),
//    and an RSA-only sshd (libssh2 1.10 cannot verify rsa-sha2-* host keys);
//  - ProFTPD 1.3.8 with mod_sftp (proftpd-core + proftpd-mod-crypto);
//  - Dropbear 2022.83 (dropbear-bin) with OpenSSH's sftp-server.
// Verdicts must match a local verify of the same module folder.
#include <unistd.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <map>
#include <memory>

#include "json_result.hpp"
#include "sshd_server.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using testing::json_of;
using testing::RunResult;

namespace {

// PeerDir: a root-owned 0755 folder for one server's keys, configuration and shop (sshd and
// Dropbear check the modes of key folders; /tmp is world-writable).
struct PeerDir {
    fs::path path;
    PeerDir() {
        fs::path parent = "/var/lib/mpsupport-tests";
        fs::create_directories(parent);
        fs::permissions(parent, fs::perms(0755));
        std::string pattern = (parent / "peer-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path = pattern;
        fs::permissions(path, fs::perms(0755));
    }
    ~PeerDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::string str(const std::string& relative) const { return (path / relative).string(); }
};

// key_of: "type base64" of an OpenSSH public key line.
std::string key_of(const std::string& pub) {
    auto type_end = pub.find(' ');
    auto key_end = pub.find_first_of(" \n", type_end + 1);
    return pub.substr(0, key_end);
}

std::map<std::string, std::string> classes(const nlohmann::json& doc) {
    std::map<std::string, std::string> out;
    for (const auto& f : doc["files"]) out[f["path"]] = f["class"];
    return out;
}

// PeerShop: a tampered module folder under `root`, its release in a test home, and the local
// verify to compare with.
struct PeerShop {
    testing::TempDir home;
    std::map<std::string, std::string> files = testing::module_files("mymod", "1.2.3");
    fs::path module_dir;
    RunResult local;

    explicit PeerShop(const fs::path& root) : module_dir(root / "shop/modules/mymod") {
        testing::make_zip(home / "mymod.zip", testing::zip_entries(files, "mymod"));
        REQUIRE(run({"pristine", "add", (home / "mymod.zip").string()}).exit_code == 0);
        testing::write_tree(module_dir, files);
        std::string tpl = files["views/templates/hook/block.tpl"];
        tpl.replace(tpl.find("block-3"), 7, "block-X");
        testing::write(module_dir / "views/templates/hook/block.tpl", tpl);
        testing::write(module_dir / "controllers/front/backdoor.php", "<?php eval($_POST['x']);\n");
        fs::remove(module_dir / "views/js/front.js");
        testing::run_shell("chmod -R a+rX " + (root / "shop").string());
        local = run({"--json", "verify", module_dir.string()});
        REQUIRE(local.exit_code == 3);
    }
    RunResult run(const std::vector<std::string>& args,
                  const std::map<std::string, std::string>& env = {}) const {
        return testing::run_mpsupport(args, home.path(), env);
    }
    // verify: --json verify `url` with a known_hosts file holding `known_hosts`.
    RunResult verify(const std::string& url, const std::string& known_hosts,
                     std::vector<std::string> extra = {},
                     const std::map<std::string, std::string>& env = {}) const {
        fs::path kh = home / "known_hosts";
        testing::write(kh, known_hosts);
        std::vector<std::string> args = {"--json", "--timeout",     "10",       "verify",
                                         url,      "--known-hosts", kh.string()};
        args.insert(args.end(), extra.begin(), extra.end());
        return run(args, env);
    }
    // same_as_local: the remote run gave the local verdicts.
    void check_same_as_local(const RunResult& remote) const {
        INFO(remote.out << remote.err);
        CHECK(remote.exit_code == local.exit_code);
        CHECK(classes(json_of(remote)) == classes(json_of(local)));
        CHECK(json_of(remote)["support"] == json_of(local)["support"]);
    }
};

// Sshd: an OpenSSH sshd with the given host key types and extra configuration, root logs in
// with an ed25519 key.
struct Sshd {
    PeerDir dir;
    int port = testing::free_port();
    std::map<std::string, std::string> host_keys;  // "ed25519" -> "ssh-ed25519 AAAA..."
    std::unique_ptr<testing::ServerProcess> process;

    Sshd(const std::vector<std::string>& types, const std::string& extra) {
        fs::create_directories("/run/sshd");
        std::ofstream config(dir.path / "sshd_config");
        config << "Port " << port << "\nListenAddress 127.0.0.1\nPidFile " << dir.str("sshd.pid")
               << "\n";
        for (const auto& type : types) {
            testing::run_shell("ssh-keygen -q -t " + type + " -N '' -f " + dir.str("host_" + type));
            host_keys[type] = key_of(testing::slurp(dir.path / ("host_" + type + ".pub")));
            config << "HostKey " << dir.str("host_" + type) << "\n";
        }
        testing::run_shell("ssh-keygen -q -t ed25519 -N '' -C client -f " + dir.str("client"));
        fs::copy_file(dir.path / "client.pub", dir.path / "authorized_keys");
        config << "AuthorizedKeysFile " << dir.str("authorized_keys")
               << "\nStrictModes no\nUsePAM no\nPermitRootLogin yes\nPasswordAuthentication no\n"
               << "KbdInteractiveAuthentication no\nSubsystem sftp internal-sftp\nLogLevel ERROR\n"
               << extra;
        config.close();
        process = std::make_unique<testing::ServerProcess>(
            std::vector<std::string>{"/usr/sbin/sshd", "-D", "-f", dir.str("sshd_config"), "-E",
                                     dir.str("sshd.log")},
            port);
    }
    std::string line(const std::string& type) const {
        return "[127.0.0.1]:" + std::to_string(port) + " " + host_keys.at(type) + "\n";
    }
    std::string url() const {
        return "sftp://root@127.0.0.1:" + std::to_string(port) +
               (dir.path / "shop/modules/mymod").string();
    }
    std::vector<std::string> key() const { return {"--identity", dir.str("client")}; }
};

std::string message_of(const RunResult& r) {
    auto doc = json_of(r);
    return doc.contains("error")
               ? doc["error"].value("message", "") + " / " + doc["error"].value("hint", "")
               : "";
}

}  // namespace

TEST_CASE("several host key types: the one known_hosts records is negotiated",
          "[sftp][hostkey][peers]") {
    // Offers ssh-rsa too (as Dropbear and older hosts do), so an RSA-only known_hosts can work
    // with libssh2 1.10; the default-algorithm server is the next test.
    Sshd sshd(
        {"ed25519", "ecdsa", "rsa"},
        "HostKeyAlgorithms ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256,ssh-rsa\n");
    PeerShop shop(sshd.dir.path);
    for (const std::string type : {"ed25519", "ecdsa", "rsa"}) {
        // libssh2's own order would take ecdsa and call the ed25519/RSA entry "CHANGED".
        INFO("known_hosts holds only the " << type << " key");
        auto r = shop.verify(sshd.url(), sshd.line(type), sshd.key());
        INFO(message_of(r));
        shop.check_same_as_local(r);
    }
    // A recorded key of the negotiated type that differs is still a change.
    PeerDir other;
    testing::run_shell("ssh-keygen -q -t ed25519 -N '' -f " + other.str("k"));
    auto changed =
        shop.verify(sshd.url(),
                    "[127.0.0.1]:" + std::to_string(sshd.port) + " " +
                        key_of(testing::slurp(other.path / "k.pub")) + "\n" + sshd.line("ecdsa"),
                    sshd.key());
    CHECK(changed.exit_code == 5);
    CHECK_THAT(message_of(changed),
               Catch::Contains("CHANGED HOST KEY") && Catch::Contains("ssh-ed25519"));
}

TEST_CASE("a host known only by key types the server does not offer is unknown, not changed",
          "[sftp][hostkey][peers]") {
    // OpenSSH 9.2's defaults: RSA only as rsa-sha2-*, which libssh2 1.10 cannot verify.
    Sshd sshd({"ed25519", "ecdsa", "rsa"}, "");
    PeerShop shop(sshd.dir.path);
    auto ed = shop.verify(sshd.url(), sshd.line("ed25519"), sshd.key());
    shop.check_same_as_local(ed);

    auto rsa_only = shop.verify(sshd.url(), sshd.line("rsa"), sshd.key());
    CHECK(rsa_only.exit_code == 5);
    std::string message = message_of(rsa_only);
    CHECK_THAT(message, Catch::Contains("host key of type ssh-ed25519") &&
                            Catch::Contains("it holds ssh-rsa") && !Catch::Contains("CHANGED"));
    CHECK_THAT(message,
               Catch::Contains("--accept-new-host-key") && Catch::Contains("--ssh-client openssh"));

    // --accept-new-host-key records the new type next to the old one, as ssh's accept-new does.
    auto accepted = shop.verify(sshd.url(), sshd.line("rsa"),
                                {"--identity", sshd.dir.str("client"), "--accept-new-host-key"});
    shop.check_same_as_local(accepted);
    std::string recorded = testing::slurp(shop.home / "known_hosts");
    CHECK_THAT(recorded, Catch::Contains(sshd.host_keys["rsa"]) &&
                             Catch::Contains(sshd.host_keys["ed25519"]));
}

TEST_CASE("an RSA-only host that libssh2 cannot negotiate names --ssh-client openssh",
          "[sftp][hostkey][peers]") {
    Sshd sshd({"rsa"}, "HostKeyAlgorithms rsa-sha2-512,rsa-sha2-256\n");
    PeerShop shop(sshd.dir.path);
    auto r = shop.verify(sshd.url(), sshd.line("rsa"), sshd.key());
    CHECK(r.exit_code == 4);
    auto error = json_of(r)["error"];
    CHECK(error["kind"] == "unreachable");
    // What the server offers, read from its KEXINIT, and what libssh2 would need.
    CHECK_THAT(error["message"].get<std::string>(),
               Catch::Contains("cannot negotiate") &&
                   Catch::Contains("offers the host key algorithms rsa-sha2-512,rsa-sha2-256,") &&
                   Catch::Contains("only as ssh-rsa"));
    CHECK_THAT(error["hint"].get<std::string>(), Catch::Contains("--ssh-client openssh"));
    CHECK_THAT(error["hint"].get<std::string>(), !Catch::Contains("network"));

    // A key exchange libssh2 1.10 does not have (post-quantum only).
    Sshd pq({"ed25519"}, "KexAlgorithms sntrup761x25519-sha512@openssh.com\n");
    auto kex = shop.verify(pq.url(), pq.line("ed25519"), pq.key());
    CHECK(kex.exit_code == 4);
    CHECK_THAT(message_of(kex),
               Catch::Contains("offers the key exchanges sntrup761x25519-sha512@openssh.com") &&
                   Catch::Contains("--ssh-client openssh"));
}

// ProFTPD 1.3.8 with mod_sftp as the test's own process, as root, in the foreground:
//  - `ServerType standalone` and `proftpd -n` (no daemon, stays the child we started);
//  - `User root`/`Group root` keep the listener root (it reads the host keys and switches to
//    the session user after login); the session user is nobody's uid/gid, so no `RootLogin on`;
//  - its own PidFile, ScoreboardFile, `DelayTable none`, `WtmpLog off`, `TransferLog none`,
//    `UseIPv6 off`, and `ModulePath`/`LoadModule mod_sftp.c` instead of /etc/proftpd;
//  - users from an `AuthUserFile` (passwd format, crypt() SHA-512 hash) with `AuthOrder
//    mod_auth_file.c`, `RequireValidShell off`; public keys from `SFTPAuthorizedUserKeys
//    file:.../%u` in RFC 4716 format (ssh-keygen -e).
// ProFTPD has no exec: --exec-hash auto must fall back to SFTP cleanly.
TEST_CASE("ProFTPD mod_sftp: key and password logins, several host key types, local verdicts",
          "[sftp][peers][proftpd]") {
    PeerDir dir;
    int port = testing::free_port();
    std::string password = "Peer-Pw-7";
    testing::run_shell("ssh-keygen -q -t ed25519 -N '' -f " + dir.str("hk_ed25519"));
    testing::run_shell("ssh-keygen -q -t ecdsa -m PEM -N '' -f " + dir.str("hk_ecdsa"));
    testing::run_shell("ssh-keygen -q -t rsa -b 2048 -m PEM -N '' -f " + dir.str("hk_rsa"));
    testing::run_shell("ssh-keygen -q -t ed25519 -N '' -C client -f " + dir.str("client"));
    fs::create_directories(dir.path / "keys");
    testing::run_shell("ssh-keygen -e -f " + dir.str("client.pub") + " > " +
                       dir.str("keys/shopuser"));
    std::string hash = testing::run_shell("openssl passwd -6 '" + password + "'");
    hash = hash.substr(0, hash.find('\n'));
    testing::write(dir.path / "passwd",
                   "shopuser:" + hash + ":65534:65534::" + dir.str("shop") + ":/bin/sh\n");
    testing::write(dir.path / "group", "shopgroup:x:65534:\n");
    fs::permissions(dir.path / "passwd", fs::perms(0600));
    PeerShop shop(dir.path);
    testing::write(dir.path / "proftpd.conf",
                   "ServerName \"mpsupport-test\"\nServerType standalone\nDefaultServer on\nPort " +
                       std::to_string(port) +
                       "\nDefaultAddress 127.0.0.1\nUseIPv6 off\nUser root\nGroup root\n"
                       "PidFile " +
                       dir.str("proftpd.pid") + "\nScoreboardFile " +
                       dir.str("proftpd.scoreboard") +
                       "\nDelayTable none\nWtmpLog off\nTransferLog none\nUseReverseDNS off\n"
                       "ModulePath /usr/lib/proftpd\nLoadModule mod_sftp.c\n"
                       "AuthOrder mod_auth_file.c\nAuthUserFile " +
                       dir.str("passwd") + "\nAuthGroupFile " + dir.str("group") +
                       "\nRequireValidShell off\n"
                       "SFTPEngine on\nSFTPLog " +
                       dir.str("sftp.log") + "\nSFTPHostKey " + dir.str("hk_ed25519") +
                       "\nSFTPHostKey " + dir.str("hk_ecdsa") + "\nSFTPHostKey " +
                       dir.str("hk_rsa") + "\nSFTPAuthorizedUserKeys file:" + dir.str("keys/%u") +
                       "\nSFTPAuthMethods publickey password\n");
    testing::ServerProcess proftpd({"/usr/sbin/proftpd", "-n", "-q", "-c", dir.str("proftpd.conf")},
                                   port);

    // The login folder is the shop: /~/modules/mymod, and the absolute path, both work.
    std::string base = "sftp://shopuser@127.0.0.1:" + std::to_string(port);
    auto line = [&](const std::string& type) {
        return "[127.0.0.1]:" + std::to_string(port) + " " +
               key_of(testing::slurp(dir.path / ("hk_" + type + ".pub"))) + "\n";
    };
    for (const std::string type : {"ed25519", "ecdsa", "rsa"}) {
        INFO("known_hosts holds only the " << type << " key");
        auto r =
            shop.verify(base + "/~/modules/mymod", line(type), {"--identity", dir.str("client")});
        INFO(message_of(r));
        shop.check_same_as_local(r);
        CHECK(json_of(r)["transport"]["hashing"] ==
              "sftp");  // no exec on ProFTPD: a quiet fallback
        CHECK(r.err.empty());
        CHECK(json_of(r)["path"] == base + "/~/modules/mymod");
    }
    auto by_password = shop.verify(base + shop.module_dir.string(), line("ed25519"), {},
                                   {{"MPSUPPORT_SFTP_PASSWORD", password}});
    shop.check_same_as_local(by_password);
    CHECK_THAT(json_of(by_password)["checks"][0]["message"].get<std::string>(),
               Catch::Contains("password"));
    auto wrong = shop.verify(base + "/~/modules/mymod", line("ed25519"), {},
                             {{"MPSUPPORT_SFTP_PASSWORD", "nope"}});
    CHECK(wrong.exit_code == 5);
    // Exec asked for explicitly: a clear refusal (exit 4 naming --exec-hash), not a hang or a
    // crash.
    auto only = shop.verify(base + "/~/modules/mymod", line("ed25519"),
                            {"--identity", dir.str("client"), "--exec-hash", "only"});
    CHECK(only.exit_code == 4);
    CHECK_THAT(json_of(only)["error"]["hint"].get<std::string>(), Catch::Contains("--exec-hash"));
}

// SystemUser: a throw-away account (useradd/chpasswd, like the shared sshd's password account),
// one per test process so that parallel runs never share it; removed at the end.
struct SystemUser {
    std::string name = "mps-peer-" + std::to_string(::getpid());
    SystemUser(const fs::path& home, const std::string& password) {
        testing::run_shell("userdel " + name + " >/dev/null 2>&1; useradd -M -d " + home.string() +
                           " -s /bin/sh " + name);
        testing::run_shell("echo '" + name + ":" + password + "' | chpasswd");
    }
    ~SystemUser() {
        try {
            testing::run_shell("userdel " + name);
        } catch (const std::exception&) {
        }
    }
};

// Dropbear 2022.83 in the foreground (-F, -E logs to stderr), host keys made by dropbearkey and
// given with -r; -p 127.0.0.1:port; -P its own pid file. It runs the sftp subsystem as
// /usr/lib/sftp-server (Debian's openssh-sftp-server links it to /usr/lib/openssh/sftp-server).
// Dropbear has no AuthorizedKeysFile option (keys come from ~/.ssh/authorized_keys) and checks
// passwords against the system's shadow file: the test makes a system account whose home is in
// the test's folder.
TEST_CASE("Dropbear with sftp-server: key and password logins, exec and SFTP, local verdicts",
          "[sftp][peers][dropbear]") {
    const std::string password = "Peer-Pw-7";
    PeerDir dir;
    const fs::path user_home = dir.path / "home";
    SystemUser account(user_home, password);
    const std::string& user = account.name;
    int port = testing::free_port();
    std::vector<std::string> argv = {
        "/usr/sbin/dropbear",   "-F", "-E", "-p", "127.0.0.1:" + std::to_string(port), "-P",
        dir.str("dropbear.pid")};
    std::map<std::string, std::string> lines;
    for (const std::string type : {"ed25519", "ecdsa", "rsa"}) {
        std::string out =
            testing::run_shell("dropbearkey -t " + type + " -f " + dir.str("hk_" + type));
        std::string marker = "Public key portion is:\n";
        auto start = out.find(marker);
        REQUIRE(start != std::string::npos);
        lines[type] = "[127.0.0.1]:" + std::to_string(port) + " " +
                      key_of(out.substr(start + marker.size())) + "\n";
        argv.insert(argv.end(), {"-r", dir.str("hk_" + type)});
    }
    testing::run_shell("ssh-keygen -q -t ed25519 -N '' -C client -f " + dir.str("client"));
    fs::create_directories(user_home / ".ssh");
    fs::copy_file(dir.path / "client.pub", user_home / ".ssh/authorized_keys");
    fs::permissions(user_home / ".ssh", fs::perms(0700));
    testing::run_shell("chown -R " + user + " " + user_home.string() + " && chmod 755 " +
                       user_home.string());
    PeerShop shop(user_home);
    testing::ServerProcess dropbear(argv, port);

    std::string base = "sftp://" + user + "@127.0.0.1:" + std::to_string(port);
    for (const std::string type : {"ed25519", "ecdsa", "rsa"}) {
        INFO("known_hosts holds only the " << type << " key");
        auto r = shop.verify(base + "/~/shop/modules/mymod", lines[type],
                             {"--identity", dir.str("client")});
        INFO(message_of(r));
        shop.check_same_as_local(r);
        CHECK(json_of(r)["transport"]["hashing"] == "exec sha256sum");
        CHECK(r.err.empty());
    }
    auto over_sftp = shop.verify(base + shop.module_dir.string(), lines["ed25519"],
                                 {"--identity", dir.str("client"), "--exec-hash", "never"});
    shop.check_same_as_local(over_sftp);
    CHECK(json_of(over_sftp)["transport"]["hashing"] == "sftp");
    auto by_password = shop.verify(base + "/~/shop/modules/mymod", lines["ed25519"], {},
                                   {{"MPSUPPORT_SFTP_PASSWORD", password}});
    shop.check_same_as_local(by_password);
    CHECK_THAT(json_of(by_password)["checks"][0]["message"].get<std::string>(),
               Catch::Contains("password"));
}
