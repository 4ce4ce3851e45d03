// `verify sftp://` against a hostile SSH/SFTP server (tests/fixtures/hostile_sftp.py, paramiko):
// one misbehaviour per login, chosen by the user name. Expected everywhere: exit 4 or a
// files.listing warning, never a wrong verdict, bounded memory (bytes read) and time.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <memory>

#include "json_result.hpp"
#include "sshd_server.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using testing::json_of;
using testing::RunResult;

namespace {

// HostileServer: one server process for the whole test run, with its own host and client keys.
struct HostileServer {
    testing::TempDir base;
    int port = testing::free_port();
    std::unique_ptr<testing::ServerProcess> process;
    static constexpr const char* password = "hostile-pw-7";

    HostileServer() {
        const std::string b = base.path().string();
        testing::run_shell("ssh-keygen -q -t ed25519 -N '' -C host -f " + b + "/host_ed25519");
        testing::run_shell("ssh-keygen -q -t ed25519 -N '' -C client -f " + b + "/client_ed25519");
        process = std::make_unique<testing::ServerProcess>(
            std::vector<std::string>{"/usr/bin/python3", MPSUPPORT_FIXTURES "/hostile_sftp.py",
                                     std::to_string(port), b + "/host_ed25519",
                                     b + "/client_ed25519.pub", password},
            port);
    }
    static HostileServer& shared() {
        static HostileServer server;
        return server;
    }
    fs::path client_key() const { return base / "client_ed25519"; }
    std::string known_hosts_line() const {
        std::string pub = testing::slurp(base / "host_ed25519.pub");
        return "[127.0.0.1]:" + std::to_string(port) + " " +
               pub.substr(0, pub.find(' ', pub.find(' ') + 1));
    }
};

// HostileShop: a module on the local disk (the server serves the real file system), its release
// stored in a test home, and a known_hosts file trusting the server.
struct HostileShop {
    HostileServer& server = HostileServer::shared();
    testing::TempDir home;
    std::map<std::string, std::string> files = testing::module_files("mymod", "1.2.3");
    fs::path dir = home / "www/modules/mymod";
    fs::path known_hosts = home / "known_hosts";

    HostileShop() {
        testing::write_tree(dir, files);
        testing::make_zip(home / "mymod.zip", testing::zip_entries(files, "mymod"));
        REQUIRE(run({"pristine", "add", (home / "mymod.zip").string()}).exit_code == 0);
        testing::write(known_hosts, server.known_hosts_line() + "\n");
    }
    RunResult run(const std::vector<std::string>& args) const {
        return testing::run_mpsupport(args, home.path());
    }
    // verify: log in as `mode` (the misbehaviour); `seconds` is how long it took.
    RunResult verify(const std::string& mode, std::vector<std::string> extra = {},
                     int timeout = 5) {
        std::vector<std::string> args = {
            "--json",
            "--timeout",
            std::to_string(timeout),
            "verify",
            "sftp://" + mode + "@127.0.0.1:" + std::to_string(server.port) + dir.string(),
            "--known-hosts",
            known_hosts.string(),
            "--identity",
            server.client_key().string()};
        for (auto& a : extra) args.push_back(a);
        auto started = std::chrono::steady_clock::now();
        RunResult r = run(args);
        seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return r;
    }
    double seconds = 0;
};

std::map<std::string, nlohmann::json> checks_of(const nlohmann::json& doc) {
    std::map<std::string, nlohmann::json> out;
    for (const auto& c : doc["checks"]) out[c["id"]] = c;
    return out;
}

std::map<std::string, std::string> classes(const nlohmann::json& doc) {
    std::map<std::string, std::string> out;
    for (const auto& f : doc["files"]) out[f["path"]] = f["class"];
    return out;
}

std::string error_message(const RunResult& r) {
    auto doc = json_of(r);
    if (doc.contains("error")) return doc["error"]["message"];
    for (const auto& c : doc["checks"])
        if (c["id"] == "files.connect") return c["message"];
    return {};
}

}  // namespace

TEST_CASE("hostile SFTP: a correct server gives the same answer as OpenSSH", "[sftp][hostile]") {
    HostileShop shop;
    auto plain = shop.verify("plain");
    INFO(plain.out << plain.err);
    CHECK(plain.exit_code == 0);
    CHECK(json_of(plain)["support"] == "covered");
    CHECK(json_of(plain)["transport"]["hashing"] == "sftp");  // commands refused: SFTP fallback
    auto exec = shop.verify("exec");
    INFO(exec.out << exec.err);
    CHECK(exec.exit_code == 0);
    CHECK(json_of(exec)["transport"]["hashing"] == "exec sha256sum");
}

TEST_CASE("hostile SFTP: READDIR entries without attributes are asked for with LSTAT",
          "[sftp][hostile]") {
    HostileShop shop;
    // Legal in SFTP v3: every release file used to be "missing" and support voided.
    auto r = shop.verify("noattrs", {"--exec-hash", "never"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(json_of(r)["support"] == "covered");
    CHECK(checks_of(json_of(r))["files.integrity"]["data"]["counts"]["unchanged"] ==
          shop.files.size());
    // A server that never says what an entry is: the listing is unusable, not "all missing".
    auto never = shop.verify("noattrs-ever", {"--exec-hash", "never"});
    INFO(never.out << never.err);
    CHECK(never.exit_code == 4);
    CHECK_THAT(error_message(never), Catch::Contains("file or a folder"));
}

TEST_CASE("hostile SFTP: DATA replies that break the protocol are exit 4", "[sftp][hostile]") {
    HostileShop shop;
    // Longer than asked for: used to shift every file and call them all "modified".
    auto longer = shop.verify("longdata", {"--exec-hash", "never"});
    INFO(longer.out << longer.err);
    CHECK(longer.exit_code == 4);
    CHECK_THAT(error_message(longer),
               Catch::Contains("broke the protocol") && Catch::Contains("were asked for"));
    // A string length running past the packet: used to be re-requested forever.
    auto bad = shop.verify("baddata", {"--exec-hash", "never"});
    INFO(bad.out << bad.err);
    CHECK(bad.exit_code == 4);
    CHECK_THAT(error_message(bad), Catch::Contains("runs past its packet"));
    CHECK(shop.seconds < 15);
}

TEST_CASE("hostile SFTP: a file that keeps growing is read only so far", "[sftp][hostile]") {
    HostileShop shop;
    auto r = shop.verify("grow", {"--exec-hash", "never"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);  // not judged, not held against the customer
    auto doc = json_of(r);
    CHECK(classes(doc)["views/js/front.js"] == "unreadable");
    CHECK(doc["transport"]["bytes"].get<std::uint64_t>() <
          4u << 20);  // listed size + 1 MiB, not forever
    CHECK(shop.seconds < 20);
}

TEST_CASE("hostile SFTP: handles longer than 256 bytes are refused", "[sftp][hostile]") {
    HostileShop shop;
    auto r = shop.verify("bighandle", {"--exec-hash", "never"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 4);
    CHECK_THAT(error_message(r), Catch::Contains("handle of 250"));
    CHECK(shop.seconds < 15);
}

TEST_CASE("hostile SFTP: a listing that never ends stops at the entry limit", "[sftp][hostile]") {
    HostileShop shop;
    // Half of the names are refused: they count too.
    auto r = shop.verify("endless", {"--exec-hash", "never"}, 10);
    INFO(r.out.substr(0, 2000) << r.err);
    CHECK(r.exit_code == 4);
    CHECK_THAT(error_message(r), Catch::Contains("more than 200000 entries"));
    CHECK(json_of(r)["partial"] == true);
    CHECK(shop.seconds < 90);  // bounded (200,000 names from a Python server; slow under ASan)
}

TEST_CASE("hostile SFTP: command output that never ends falls back to SFTP", "[sftp][hostile]") {
    HostileShop shop;
    auto r = shop.verify("execflood", {}, 10);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(json_of(r)["transport"]["hashing"] == "sftp");
    CHECK(shop.seconds < 30);
}

TEST_CASE("hostile SFTP: a config.xml that is a link is never followed", "[sftp][hostile]") {
    HostileShop shop;
    testing::write(
        shop.home / "elsewhere/config.xml",
        "<?xml version=\"1.0\"?>\n<module><name>mymod</name><version>9.9.9</version></module>\n");
    fs::remove(shop.dir / "config.xml");
    fs::create_symlink(shop.home / "elsewhere/config.xml", shop.dir / "config.xml");
    for (const char* mode : {"never", "auto"}) {
        auto r = shop.verify("exec", {"--exec-hash", mode});
        INFO(mode << ": " << r.out << r.err);
        CHECK(r.exit_code == 3);  // a release file replaced by a link
        CHECK(r.err.find("9.9.9") == std::string::npos);
        CHECK(r.out.find("9.9.9") == std::string::npos);
        CHECK(json_of(r)["version"] == "1.2.3");
    }
}

TEST_CASE("hostile SFTP: hostile names are refused and shown escaped", "[sftp][hostile]") {
    HostileShop shop;
    auto r = shop.verify("names", {"--exec-hash", "never"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    auto listing = checks_of(json_of(r))["files.listing"];
    CHECK(listing["status"] == "warn");
    CHECK(listing["data"]["refused"].size() ==
          6);  // "a/b.php", "../../etc/passwd", NUL, newline, ESC, "/etc/passwd"
    for (const auto& name : listing["data"]["refused"]) {
        std::string text = name;
        CHECK(text.find('\x1b') == std::string::npos);
        CHECK(text.find('\n') == std::string::npos);
    }
    CHECK(r.out.find("root:x:0:0") == std::string::npos);
    CHECK_FALSE(fs::exists(shop.home / "www/modules/a"));

    // The exec path refuses control characters too, and never keeps them raw.
    testing::write(shop.dir / "views/\x1b[31mred.tpl", "x");
    auto exec = shop.verify("exec", {"--exec-hash", "only"});
    INFO(exec.out << exec.err);
    CHECK(exec.exit_code == 0);
    auto refused = checks_of(json_of(exec))["files.listing"]["data"]["refused"];
    REQUIRE(refused.size() == 1);
    CHECK(refused[0] == "views/?[31mred.tpl");
}

TEST_CASE("hostile SFTP: a server that stops answering mid-fetch, a packet over the limit",
          "[sftp][hostile]") {
    HostileShop shop;
    // Files of several chunks, so that the fetch is well under way when the server goes quiet.
    std::string big(300 * 1024, 'x');
    testing::write(shop.dir / "vendor/big.js", big);
    auto hang = shop.verify("hang", {"--exec-hash", "never"}, 2);
    INFO(hang.out << hang.err);
    CHECK(hang.exit_code == 4);
    CHECK(shop.seconds < 12);
    CHECK_THAT(error_message(hang), Catch::Contains("stopped answering"));

    auto big_packet = shop.verify("bigpacket", {"--exec-hash", "never"});
    INFO(big_packet.out << big_packet.err);
    CHECK(big_packet.exit_code == 4);
    CHECK_THAT(error_message(big_packet), Catch::Contains("malformed packet"));
}
