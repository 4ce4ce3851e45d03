// Vendor-signed releases (pristine keygen, sign, fetch; verify's auto-fetch) against a real
// release server on loopback, and PrestaShop core integrity (pristine import-core, verify
// --core) on generated shop trees, locally and over SFTP.
#include <sys/stat.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <memory>
#include <set>

#include "json_result.hpp"
#include "sshd_server.hpp"
#include "test_support.hpp"
#include "tls_fixture.hpp"
#include "util/md5.hpp"

namespace fs = std::filesystem;
using testing::json_of;
using testing::run_mpsupport;
using testing::RunResult;
using testing::TempDir;

namespace {

// ReleaseServer: the vendor's side: a signing key made by `pristine keygen`, releases signed
// by `pristine sign`, served over HTTPS by nginx with a test CA (tests/support/tls_fixture.hpp):
// the releases folder as static files, /moved/ redirecting to it, /error500/ and /htmlpage/
// proxied to tests/fixtures/releases.php (a broken server, an HTML error page). A second site
// has a self-signed certificate.
struct ReleaseServer {
    TempDir vendor;
    fs::path key = vendor / "keys/vendor.key";
    fs::path site = vendor / "site";
    std::string public_key;
    int php_port = testing::free_port();
    std::unique_ptr<testing::ServerProcess> php;
    std::unique_ptr<testing::TestCa> ca;
    std::unique_ptr<testing::NginxServer> nginx;

    ReleaseServer() {
        auto r =
            run_mpsupport({"--json", "pristine", "keygen", "--key", key.string()}, vendor.path());
        INFO(r.out << r.err);
        REQUIRE(r.exit_code == 0);
        public_key = json_of(r)["public_key"];
        fs::create_directories(site);
        php = std::make_unique<testing::ServerProcess>(
            std::vector<std::string>{"/usr/bin/php", "-S", "127.0.0.1:" + std::to_string(php_port),
                                     MPSUPPORT_FIXTURES "/releases.php"},
            php_port, std::map<std::string, std::string>{{"RELEASES_DIR", site.string()}});
        ca = std::make_unique<testing::TestCa>(vendor / "ca");
        std::string proxy = "proxy_pass http://127.0.0.1:" + std::to_string(php_port) + ";";
        std::string directives = "    root " + site.string() + ";\n" +
                                 "    location /error500/ { " + proxy + " }\n" +
                                 "    location /htmlpage/ { " + proxy + " }\n" +
                                 "    location /moved/ { rewrite ^/moved/(.*)$ /$1 redirect; }\n";
        nginx = std::make_unique<testing::NginxServer>(
            vendor / "nginx", std::vector<testing::NginxSite>{
                                  {testing::free_port(), ca->issue("releases"), directives},
                                  {testing::free_port(), ca->self_signed("self"), directives}});
    }
    std::string base() const { return "https://localhost:" + std::to_string(nginx->port(0)); }
    std::string untrusted_base() const {
        return "https://localhost:" + std::to_string(nginx->port(1));
    }
    std::map<std::string, std::string> trust() const {
        return {{"SSL_CERT_FILE", ca->ca_cert().string()}};
    }
    // publish: mymod-<version>.zip holding `content_version`, signed with `signing_key` (none:
    // unsigned).
    fs::path publish(const std::string& version, const std::string& content_version = "",
                     const fs::path& signing_key = {}) {
        auto files =
            testing::module_files("mymod", content_version.empty() ? version : content_version);
        fs::path zip = site / "mymod" / ("mymod-" + version + ".zip");
        fs::create_directories(zip.parent_path());
        testing::make_zip(zip, testing::zip_entries(files, "mymod"));
        if (signing_key.empty() || signing_key != "none") {
            auto r = run_mpsupport({"pristine", "sign", zip.string(), "--key",
                                    (signing_key.empty() ? key : signing_key).string()},
                                   vendor.path());
            INFO(r.err);
            REQUIRE(r.exit_code == 0);
        }
        return zip;
    }
};

struct Customer {
    TempDir home;
    std::map<std::string, std::string> env;  // trust of the test CA
    fs::path store() const { return home / ".local/share/mpsupport/pristine"; }
    void configure(const std::string& manifest_url, const std::string& public_key) {
        std::string text = "[vendor]\nmanifest_url = \"" + manifest_url + "\"\n";
        if (!public_key.empty()) text += "public_key = \"" + public_key + "\"\n";
        testing::write(home / ".config/mpsupport/config.toml", text);
    }
    RunResult run(const std::vector<std::string>& args) const {
        return run_mpsupport(args, home.path(), env);
    }
    std::size_t stored() const {
        return testing::count_files(store() / "manifests") +
               testing::count_files(store() / "objects") +
               testing::count_files(store() / "archives");
    }
};

std::string error_hint(const RunResult& r) {
    return json_of(r)["error"]["hint"].get<std::string>();
}
std::string error_message(const RunResult& r) {
    return json_of(r)["error"]["message"].get<std::string>();
}

}  // namespace

TEST_CASE("pristine keygen and sign: key files, modes, never printed, never overwritten",
          "[cli][signature]") {
    TempDir vendor;
    fs::path key = vendor / "k/vendor.key";
    auto r = run_mpsupport({"pristine", "keygen", "--key", key.string()}, vendor.path());
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    struct stat st {};
    REQUIRE(::stat(key.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    std::string secret = testing::slurp(key);
    std::string body = secret.substr(secret.find('\n') + 1, 40);
    CHECK(r.out.find(body) == std::string::npos);
    CHECK(r.err.find(body) == std::string::npos);
    CHECK(r.out.find("PRIVATE") == std::string::npos);
    CHECK_THAT(r.out, Catch::Contains("public_key = \"ed25519:"));
    auto again = run_mpsupport({"pristine", "keygen", "--key", key.string()}, vendor.path());
    CHECK(again.exit_code == 2);
    CHECK(testing::slurp(key) == secret);

    // Default location under the data folder.
    auto default_key = run_mpsupport({"--json", "pristine", "keygen"}, vendor.path());
    REQUIRE(default_key.exit_code == 0);
    CHECK(json_of(default_key)["private_key_file"] ==
          (vendor / ".local/share/mpsupport/keys/release-signing.key").string());

    fs::path zip = vendor / "mymod-1.0.0.zip";
    testing::make_zip(zip, testing::zip_entries(testing::module_files("mymod", "1.0.0"), "mymod"));
    auto sign = run_mpsupport({"--json", "pristine", "sign", zip.string(), "--key", key.string()},
                              vendor.path());
    REQUIRE(sign.exit_code == 0);
    CHECK(fs::exists(zip.string() + ".sig"));
    CHECK(json_of(sign)["signature_file"] == zip.string() + ".sig");
    CHECK(sign.out.find(body) == std::string::npos);
    // The default key signs too; a missing key or a non-zip is exit 2.
    CHECK(run_mpsupport({"pristine", "sign", zip.string()}, vendor.path()).exit_code == 0);
    CHECK(run_mpsupport({"pristine", "sign", zip.string(), "--key", (vendor / "nokey").string()},
                        vendor.path())
              .exit_code == 2);
    testing::write(vendor / "notes.txt", "hello");
    CHECK(
        run_mpsupport({"pristine", "sign", (vendor / "notes.txt").string(), "--key", key.string()},
                      vendor.path())
            .exit_code == 2);
}

TEST_CASE("pristine fetch: a signed release is verified, stored and its archive cached",
          "[cli][fetch]") {
    ReleaseServer vendor;
    vendor.publish("1.2.3");
    Customer customer;
    customer.env = vendor.trust();
    customer.configure(vendor.base() + "/{module}/{module}-{version}.zip", vendor.public_key);
    auto r = customer.run({"--json", "pristine", "fetch", "mymod", "1.2.3"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    auto doc = json_of(r);
    CHECK(doc["outcome"] == "added");
    CHECK(doc["signature"] == "valid");
    CHECK(doc["release"]["source"] == vendor.base() + "/mymod/mymod-1.2.3.zip");
    std::string sha = doc["archive_sha256"];
    CHECK(fs::exists(customer.store() / "archives" / sha.substr(0, 2) / (sha + ".zip")));
    CHECK(fs::exists(customer.store() / "archives" / sha.substr(0, 2) / (sha + ".zip.sig")));
    CHECK(testing::count_files(customer.store() / "tmp") == 0);
    CHECK(customer.run({"pristine", "show", "mymod", "1.2.3"}).exit_code == 0);
    auto again = customer.run({"--json", "pristine", "fetch", "mymod", "1.2.3"});
    CHECK(again.exit_code == 0);
    CHECK(json_of(again)["outcome"] == "already-present");

    // Redirects are followed (the signature decides, wherever the bytes came from).
    vendor.publish("1.3.0");
    customer.configure(vendor.base() + "/moved/{module}/{module}-{version}.zip", vendor.public_key);
    auto moved = customer.run({"--json", "pristine", "fetch", "mymod", "1.3.0"});
    INFO(moved.out << moved.err);
    CHECK(moved.exit_code == 0);
    // A server whose certificate nobody vouches for is unreachable, not trusted.
    vendor.publish("1.4.0");
    customer.configure(vendor.untrusted_base() + "/{module}/{module}-{version}.zip",
                       vendor.public_key);
    auto untrusted = customer.run({"--json", "pristine", "fetch", "mymod", "1.4.0"});
    CHECK(untrusted.exit_code == 4);
    CHECK_FALSE(customer.run({"pristine", "show", "mymod", "1.4.0"}).exit_code == 0);
}

TEST_CASE("pristine fetch refuses bad signatures and broken servers; nothing is stored",
          "[cli][fetch]") {
    ReleaseServer vendor;
    // One byte changed after signing.
    fs::path tampered = vendor.publish("2.0.0");
    std::string bytes = testing::slurp(tampered);
    bytes[bytes.size() / 2] ^= 0x01;
    testing::write(tampered, bytes);
    // Signed by another key.
    TempDir other;
    REQUIRE(
        run_mpsupport({"pristine", "keygen", "--key", (other / "other.key").string()}, other.path())
            .exit_code == 0);
    vendor.publish("3.0.0", "", other / "other.key");
    // Truncated signature.
    fs::path truncated = vendor.publish("4.0.0");
    std::string sig = testing::slurp(truncated.string() + ".sig");
    testing::write(truncated.string() + ".sig", sig.substr(0, sig.size() / 2));
    // No signature at all.
    vendor.publish("5.0.0", "", "none");
    // A valid signature of another release served under this version.
    vendor.publish("1.2.9", "1.2.3");

    Customer customer;
    customer.env = vendor.trust();
    customer.configure(vendor.base() + "/{module}/{module}-{version}.zip", vendor.public_key);
    struct Case {
        std::string version;
        int exit_code;
        std::string needle;
    };
    for (const auto& c : std::vector<Case>{{"2.0.0", 5, "bad signature"},
                                           {"3.0.0", 5, "bad signature"},
                                           {"4.0.0", 5, "not a signature"},
                                           {"5.0.0", 5, "no signature"},
                                           {"1.2.9", 5, "holds mymod 1.2.3"},
                                           {"9.9.9", 6, "no release mymod 9.9.9"}}) {
        auto r = customer.run({"--json", "pristine", "fetch", "mymod", c.version});
        INFO(c.version << ": " << r.out << r.err);
        CHECK(r.exit_code == c.exit_code);
        CHECK_THAT(error_message(r), Catch::Contains(c.needle));
        CHECK(customer.stored() == 0);
        CHECK(testing::count_files(customer.store() / "tmp") == 0);
    }

    customer.configure(vendor.base() + "/error500/{module}-{version}.zip", vendor.public_key);
    auto broken = customer.run({"--json", "pristine", "fetch", "mymod", "1.2.3"});
    CHECK(broken.exit_code == 4);
    CHECK_THAT(error_message(broken), Catch::Contains("HTTP 500"));
    customer.configure(vendor.base() + "/htmlpage/{module}-{version}.zip", vendor.public_key);
    auto html = customer.run({"--json", "pristine", "fetch", "mymod", "1.2.3"});
    CHECK(html.exit_code == 4);
    CHECK_THAT(error_message(html), Catch::Contains("HTML page"));
    CHECK(customer.stored() == 0);

    // A public key of the wrong shape is refused when the config is read, naming the key.
    customer.configure(vendor.base() + "/{module}/{module}-{version}.zip", "ed25519:c2hvcnQ=");
    auto bad_key = customer.run({"--json", "pristine", "fetch", "mymod", "1.2.3"});
    CHECK(bad_key.exit_code == 2);
    CHECK_THAT(error_message(bad_key), Catch::Contains("vendor.public_key"));
    // `config set` checks it the same way and then accepts the real key.
    customer.configure(vendor.base() + "/{module}/{module}-{version}.zip", "");
    CHECK(customer.run({"config", "set", "vendor.public_key", "ed25519:nope"}).exit_code == 2);
    CHECK(customer.run({"config", "set", "vendor.public_key", vendor.public_key}).exit_code == 0);
    CHECK(customer.run({"config", "get", "vendor.public_key"}).out.find(vendor.public_key) !=
          std::string::npos);

    // The shipped placeholder key verifies nothing: a clear configuration error.
    customer.configure(vendor.base() + "/{module}/{module}-{version}.zip", "");
    auto placeholder = customer.run({"--json", "pristine", "fetch", "mymod", "1.2.3"});
    CHECK(placeholder.exit_code == 2);
    CHECK_THAT(error_hint(placeholder), Catch::Contains("[vendor] public_key"));
    CHECK(customer.stored() == 0);
}

TEST_CASE("verify fetches a missing release unless --no-fetch", "[cli][fetch][verify]") {
    ReleaseServer vendor;
    vendor.publish("1.2.3");
    Customer customer;
    customer.env = vendor.trust();
    customer.configure(vendor.base() + "/{module}/{module}-{version}.zip", vendor.public_key);
    fs::path installed = customer.home / "shop/modules/mymod";
    testing::write_tree(installed, testing::module_files("mymod", "1.2.3"));

    auto no_fetch = customer.run({"--json", "verify", installed.string(), "--no-fetch"});
    CHECK(no_fetch.exit_code == 6);
    CHECK(customer.stored() == 0);
    auto r = customer.run({"--json", "verify", installed.string()});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(json_of(r)["support"] == "covered");
    CHECK(json_of(r)["pristine"]["source"] == vendor.base() + "/mymod/mymod-1.2.3.zip");

    // A release the vendor does not publish: still exit 6, naming where it looked.
    testing::write_tree(installed, testing::module_files("mymod", "7.0.0"));
    auto missing = customer.run({"--json", "verify", installed.string()});
    CHECK(missing.exit_code == 6);
    CHECK_THAT(error_message(missing), Catch::Contains("mymod-7.0.0.zip"));
}

// ---- PrestaShop core integrity -------------------------------------------------------------

namespace {

// core_files: the core of a small PrestaShop 8.2.0, as the release ships it ("admin/" unrenamed).
std::map<std::string, std::string> core_files(const std::string& version = "8.2.0") {
    return {
        {"index.php", "<?php require 'config/config.inc.php';\n"},
        {"classes/Cart.php", "<?php class CartCore extends ObjectModel {}\n"},
        {"classes/Order.php", "<?php class OrderCore extends ObjectModel {}\n"},
        {"classes/db/Db.php", "<?php abstract class DbCore {}\n"},
        {"controllers/front/CartController.php", "<?php class CartControllerCore {}\n"},
        {"src/Core/Version.php",
         "<?php\nfinal class Version\n{\n    public const VERSION = '" + version + "';\n}\n"},
        {"config/config.inc.php", "<?php // config\n"},
        {"config/defines.inc.php", "<?php define('_PS_MODE_DEV_', false);\n"},
        {"vendor/autoload.php", "<?php // autoload\n"},
        {"vendor/composer/installers/src/Installer.php", "<?php // installer\n"},
        {"admin/index.php", "<?php // admin\n"},
        {"admin/init.php", "<?php // admin init\n"},
        {"admin/themes/default/template/header.tpl", "<header></header>\n"},
        {"img/logo.jpg", "JPEG"},
        {"install/index.php", "<?php // installer\n"},
        {"override/classes/index.php", "<?php\n"},
        {"modules/ps_banner/ps_banner.php", "<?php class Ps_Banner {}\n"},
    };
}

// checksum_xml: PrestaShop's checksum list of `files`, nested dir/md5file like the real ones.
std::string checksum_xml(const std::map<std::string, std::string>& files,
                         const std::string& version) {
    struct Node {
        std::map<std::string, Node> dirs;
        std::map<std::string, std::string> files;
    } root;
    for (const auto& [path, content] : files) {
        Node* node = &root;
        std::string rest = path;
        for (auto slash = rest.find('/'); slash != std::string::npos; slash = rest.find('/')) {
            node = &node->dirs[rest.substr(0, slash)];
            rest = rest.substr(slash + 1);
        }
        node->files[rest] = mps::md5_hex(content);
    }
    std::function<std::string(const Node&)> render = [&](const Node& node) {
        std::string out;
        for (const auto& [name, child] : node.dirs)
            out += "<dir name=\"" + name + "\">" + render(child) + "</dir>\n";
        for (const auto& [name, md5] : node.files)
            out += "<md5file name=\"" + name + "\">" + md5 + "</md5file>\n";
        return out;
    };
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checksum_list><ps_root_dir version=\"" +
           version + "\">\n" + render(root) + "</ps_root_dir></checksum_list>\n";
}

// write_changed_shop: the shop as installed (admin renamed), then changed: a core class edited,
// a file missing, files changed in an ignored folder, upgrade leftovers.
void write_changed_shop(const fs::path& shop) {
    for (const auto& [path, content] : core_files()) {
        std::string target =
            path.compare(0, 6, "admin/") == 0 ? "admin842xkq/" + path.substr(6) : path;
        testing::write(shop / target, content);
    }
    testing::write(shop / "classes/Cart.php",
                   "<?php class CartCore extends ObjectModel { /* hacked */ }\n");
    fs::remove(shop / "classes/Order.php");
    testing::write(shop / "admin842xkq/init.php", "<?php // admin init, edited\n");
    testing::write(shop / "img/logo.jpg", "PNG now");
    fs::remove_all(shop / "install");
    testing::write(shop / "config/defines.inc.php", "<?php define('_PS_MODE_DEV_', true);\n");
    fs::remove_all(shop / "vendor/composer/installers");
    testing::write_tree(shop / "modules/mymod", testing::module_files("mymod", "1.2.3"));
}

std::set<std::string> listed(const nlohmann::json& core, const std::string& state) {
    std::set<std::string> out;
    for (const auto& [area, states] : core["areas"].items())
        if (states.contains(state))
            for (const auto& path : states[state]) out.insert(path.get<std::string>());
    return out;
}

void check_core_findings(const nlohmann::json& doc) {
    std::map<std::string, nlohmann::json> checks;
    for (const auto& c : doc["checks"]) checks[c["id"]] = c;
    REQUIRE(checks.count("files.core-integrity"));
    const auto& core = checks["files.core-integrity"];
    CHECK(core["status"] == "warn");
    CHECK(listed(core["data"], "updated") ==
          std::set<std::string>{"admin842xkq/init.php", "classes/Cart.php"});
    CHECK(listed(core["data"], "missing") == std::set<std::string>{"classes/Order.php"});
    CHECK(core["data"]["areas"]["admin"]["updated"][0] == "admin842xkq/init.php");
    CHECK(core["data"]["admin_folder"] == "admin842xkq");
    CHECK(core["data"]["upgrade_leftovers"].size() == 2);
    CHECK(core["data"]["environment"] == "non-standard");
    CHECK(checks["files.prestashop-root"]["data"]["version"] == "8.2.0");
    CHECK(doc["environment"] == "non-standard");
}

}  // namespace

TEST_CASE("pristine import-core stores PrestaShop's list; hostile XML is exit 2", "[cli][core]") {
    TempDir home;
    testing::write(home / "8.2.0.xml", checksum_xml(core_files(), "8.2.0"));
    auto r = run_mpsupport({"--json", "pristine", "import-core", (home / "8.2.0.xml").string()},
                           home.path());
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(json_of(r)["core_list"]["version"] == "8.2.0");
    CHECK(json_of(r)["core_list"]["files"] == core_files().size());
    auto again = run_mpsupport({"--json", "pristine", "import-core", (home / "8.2.0.xml").string()},
                               home.path());
    CHECK(json_of(again)["outcome"] == "unchanged");

    TempDir other;
    testing::write(other / "bomb.xml",
                   "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol1 "
                   "\"&lol;&lol;&lol;\">]>\n"
                   "<checksum_list><ps_root_dir version=\"8.2.0\"><md5file "
                   "name=\"&lol1;\">x</md5file></ps_root_dir>"
                   "</checksum_list>\n");
    auto bomb = run_mpsupport({"--json", "pristine", "import-core", (other / "bomb.xml").string()},
                              other.path());
    CHECK(bomb.exit_code == 2);
    CHECK_THAT(error_message(bomb), Catch::Contains("bomb.xml: line 2"));
    CHECK_THAT(error_message(bomb), Catch::Contains("DOCTYPE"));
    std::string deep = "<checksum_list><ps_root_dir version=\"8.2.0\">";
    for (int i = 0; i < 5000; ++i) deep += "<dir name=\"d\">";
    testing::write(other / "deep.xml", deep);
    CHECK(run_mpsupport({"pristine", "import-core", (other / "deep.xml").string()}, other.path())
              .exit_code == 2);
    testing::write(other / "page.xml", "<html><body>Not found</body></html>");
    CHECK(run_mpsupport({"pristine", "import-core", (other / "page.xml").string()}, other.path())
              .exit_code == 2);
    CHECK(run_mpsupport({"pristine", "import-core"}, other.path()).exit_code == 2);
    CHECK(testing::count_files(other / ".local/share/mpsupport") == 0);
}

TEST_CASE("verify --core on a shop root: changed, missing, admin renamed, ignored folders",
          "[cli][core]") {
    TempDir home;
    fs::path shop = home / "shop";
    write_changed_shop(shop);
    testing::write(home / "8.2.0.xml", checksum_xml(core_files(), "8.2.0"));
    testing::write(home / "1.7.8.10.xml", checksum_xml(core_files("1.7.8.10"), "1.7.8.10"));

    // Only a list for another version: a skip that says what to import, never a silent pass.
    REQUIRE(
        run_mpsupport({"pristine", "import-core", (home / "1.7.8.10.xml").string()}, home.path())
            .exit_code == 0);
    auto skipped = run_mpsupport({"--json", "verify", shop.string(), "--core"}, home.path());
    INFO(skipped.out << skipped.err);
    CHECK(skipped.exit_code == 0);
    auto skip_doc = json_of(skipped);
    CHECK(skip_doc["checks"].back()["id"] == "files.core-integrity");
    CHECK(skip_doc["checks"].back()["status"] == "skip");
    CHECK_THAT(skip_doc["checks"].back()["message"].get<std::string>(),
               Catch::Contains("1.7.8.10"));
    CHECK_THAT(skip_doc["checks"].back()["hint"].get<std::string>(),
               Catch::Contains(
                   "pristine import-core --url https://api.prestashop.com/xml/md5-8/8.2.0.xml"));
    CHECK(skip_doc["environment"] == "unknown");
    auto text = run_mpsupport({"verify", shop.string(), "--core"}, home.path());
    CHECK_THAT(text.out, Catch::Contains("core not checked"));

    REQUIRE(run_mpsupport({"pristine", "import-core", (home / "8.2.0.xml").string()}, home.path())
                .exit_code == 0);
    auto r = run_mpsupport({"--json", "verify", shop.string(), "--core"}, home.path());
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);  // a warning: the environment is non-standard, nothing is voided
    check_core_findings(json_of(r));
    auto text_core = run_mpsupport({"verify", shop.string(), "--core"}, home.path());
    CHECK(text_core.exit_code == 0);
    CHECK_THAT(text_core.out, Catch::Contains("updated  classes/Cart.php"));
    CHECK_THAT(text_core.out, Catch::Contains("missing  classes/Order.php"));
    CHECK_THAT(text_core.out, Catch::Contains("known upgrade leftovers (not tampering)"));
    CHECK_THAT(text_core.out, Catch::Contains("environment non-standard"));

    // With a module: the module's verdict stands, the environment is marked non-standard.
    testing::make_zip(home / "mymod.zip",
                      testing::zip_entries(testing::module_files("mymod", "1.2.3"), "mymod"));
    REQUIRE(
        run_mpsupport({"pristine", "add", (home / "mymod.zip").string()}, home.path()).exit_code ==
        0);
    auto both = run_mpsupport({"--json", "verify", shop.string(), "--module", "mymod", "--core"},
                              home.path());
    CHECK(both.exit_code == 0);
    auto both_doc = json_of(both);
    CHECK(both_doc["support"] == "covered");
    check_core_findings(both_doc);
    CHECK_THAT(both_doc["verdict"].get<std::string>(), Catch::Contains("core files changed"));

    // --core needs a shop root.
    CHECK(run_mpsupport({"verify", (shop / "modules/mymod").string(), "--core"}, home.path())
              .exit_code == 2);
}

TEST_CASE("verify --core over SFTP gives the same findings", "[sftp][core]") {
    auto& server = testing::SshdServer::shared();
    TempDir home;
    static int counter = 0;
    fs::path shop = server.chroot_dir() / ("core-shop-" + std::to_string(counter++));
    write_changed_shop(shop);
    testing::run_shell("chmod -R a+rX " + shop.string());
    testing::write(home / "8.2.0.xml", checksum_xml(core_files(), "8.2.0"));
    REQUIRE(run_mpsupport({"pristine", "import-core", (home / "8.2.0.xml").string()}, home.path())
                .exit_code == 0);
    testing::write(home / "known_hosts", server.known_hosts_line(server.port()) + "\n" +
                                             server.known_hosts_line(server.sftp_only_port()) +
                                             "\n");
    std::vector<std::string> ssh = {"--known-hosts", (home / "known_hosts").string(), "--identity",
                                    server.client_key().string()};
    auto args = [&](const std::string& url) {
        std::vector<std::string> a = {"--json", "--timeout", "10", "verify", url, "--core"};
        a.insert(a.end(), ssh.begin(), ssh.end());
        return a;
    };
    auto r = run_mpsupport(
        args("sftp://root@127.0.0.1:" + std::to_string(server.port()) + shop.string()),
        home.path());
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    auto doc = json_of(r);
    check_core_findings(doc);
    CHECK(doc["checks"][0]["id"] == "files.connect");
    CHECK(doc["core"]["hashing"] == "exec md5sum");  // the full account may run commands
    auto over_sftp = run_mpsupport(
        [&] {
            auto a = args("sftp://root@127.0.0.1:" + std::to_string(server.port()) + shop.string());
            a.insert(a.end(), {"--exec-hash", "never"});
            return a;
        }(),
        home.path());
    CHECK(over_sftp.exit_code == 0);
    check_core_findings(json_of(over_sftp));
    CHECK(json_of(over_sftp)["core"]["hashing"] == "sftp");
    // The chrooted SFTP-only account sees the same.
    std::string relative = shop.lexically_relative(server.chroot_dir()).string();
    auto chrooted = run_mpsupport(
        args("sftp://root@127.0.0.1:" + std::to_string(server.sftp_only_port()) + "/" + relative),
        home.path());
    CHECK(chrooted.exit_code == 0);
    check_core_findings(json_of(chrooted));
    CHECK(json_of(chrooted)["core"]["hashing"] ==
          "sftp");  // ForceCommand internal-sftp: no commands
    std::error_code ec;
    fs::remove_all(shop, ec);
}

TEST_CASE("pristine import-core --url downloads the list over HTTPS", "[cli][core][fetch]") {
    ReleaseServer server;
    testing::write(server.site / "xml/md5-8/8.2.0.xml", checksum_xml(core_files(), "8.2.0"));
    Customer customer;
    customer.env = server.trust();
    auto r = customer.run(
        {"--json", "pristine", "import-core", "--url", server.base() + "/xml/md5-8/8.2.0.xml"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(json_of(r)["core_list"]["source"] == server.base() + "/xml/md5-8/8.2.0.xml");
    auto missing = customer.run(
        {"--json", "pristine", "import-core", "--url", server.base() + "/xml/md5-8/8.1.0.xml"});
    CHECK(missing.exit_code == 6);
    auto html = customer.run(
        {"--json", "pristine", "import-core", "--url", server.base() + "/htmlpage/8.1.0.xml"});
    CHECK(html.exit_code == 2);
    auto broken = customer.run(
        {"--json", "pristine", "import-core", "--url", server.base() + "/error500/8.1.0.xml"});
    CHECK(broken.exit_code == 4);
    CHECK(customer.run({"pristine", "import-core", "x.xml", "--url", server.base() + "/x.xml"})
              .exit_code == 2);
}
