// FTP and FTPS (core/ftp) against real servers started by the test on loopback ports
// (tests/support/ftp_servers.hpp): ProFTPD with mod_tls (MLSD), vsftpd (LIST only), pyftpdlib
// (plain FTP) and a server that stalls. Listings, file digests and verify verdicts must be the
// same as LocalFiles on the same folder.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <map>
#include <memory>

#include "files/local_files.hpp"
#include "ftp/ftp_files.hpp"
#include "ftp_servers.hpp"
#include "integrity/pristine_store.hpp"
#include "remote/verify_remote.hpp"
#include "sshd_server.hpp"
#include "test_support.hpp"
#include "util/error.hpp"

namespace fs = std::filesystem;
using namespace mps;
using testing::FtpKind;

namespace {

// FtpShop: a shop folder served by the FTP servers: a changed module (one template edited, a
// backdoor added, a file removed) and a folder of odd entries.
struct FtpShop {
    testing::FtpDir dir;
    testing::TestCa ca{dir.path / "ca"};
    testing::TempDir home;
    PristineStore store{home / "store"};
    std::map<std::string, std::string> files = testing::module_files("mymod", "1.2.3");
    fs::path shop = dir.path / "shop";
    fs::path module_dir = shop / "modules/mymod";

    FtpShop() {
        testing::make_zip(home / "mymod.zip", testing::zip_entries(files, "mymod"));
        store.add(home / "mymod.zip", AddOptions{});
        testing::write_tree(module_dir, files);
        std::string tpl = files["views/templates/hook/block.tpl"];
        tpl.replace(tpl.find("block-3"), 7, "block-X");
        testing::write(module_dir / "views/templates/hook/block.tpl", tpl);
        testing::write(module_dir / "controllers/front/backdoor.php", "<?php eval($_POST['x']);\n");
        testing::write(module_dir / ".htaccess", "Deny from all\n");
        testing::write(module_dir / "views/img/logo copy.png", "not really a png\n");
        fs::remove(module_dir / "views/js/front.js");
        // Odd entries: spaces, a newline, non-UTF-8, a link out of the root, an unreadable file.
        fs::path odd = shop / "odd";
        testing::write(odd / "two  spaces .txt", "spaces\n");
        testing::write(odd / "new\nline.txt", "newline\n");
        testing::write(odd / "latin1-\xe9t\xe9.txt", "latin1\n");
        testing::write(odd / "secret.txt", "secret\n");
        testing::write(odd / "big.bin", std::string(300000, 'b'));
        fs::create_directory_symlink("/etc", odd / "outside");
        testing::run_shell("chmod -R a+rX " + shop.string());
        fs::permissions(odd / "secret.txt", fs::perms::none);
    }

    FtpOptions options(const testing::FtpServer& server) const {
        FtpOptions o;
        o.host = "127.0.0.1";
        o.port = server.port();
        o.user = server.config().user;
        o.password = server.config().password;
        o.implicit_tls = server.config().implicit_tls;
        o.timeout_seconds = 10;
        o.tls.ca_file = ca.ca_cert().string();
        return o;
    }

    testing::FtpServerConfig config(FtpKind kind) const {
        testing::FtpServerConfig c;
        c.kind = kind;
        if (kind == FtpKind::vsftpd) c.user = "anonymous";
        c.home = shop;
        c.ca = &ca;
        return c;
    }

    Report verify(RemoteFiles& files, const std::string& path) const {
        RemoteVerifyOptions options;
        options.exec_hash = ExecHash::auto_;
        return verify_files(files, path, path, options, store, PolicyConfig{});
    }
};

// Digests: path -> "type sha256" (or "error: ...") of a tree as `files` lists and reads it.
std::map<std::string, std::string> digests(RemoteFiles& files, const std::string& root) {
    RemoteListing listing = list_remote_tree(files, root);
    std::map<std::string, std::string> out;
    std::vector<RemoteEntry> regular;
    for (const auto& e : listing.files) {
        if (e.attrs.is_link())
            out[e.path] = "link";
        else
            regular.push_back(e);
    }
    fetch_remote_files(
        files, root, regular,
        FileSink{[&](const RemoteEntry& e, FetchedFile& f) { out[e.path] = "file " + f.sha256; },
                 [&](const RemoteEntry& e, const std::string& why) {
                     out[e.path] = "error";
                     (void)why;
                 }});
    for (const auto& r : listing.refused) out[r] = "refused";
    return out;
}

std::map<std::string, std::string> classes(const Report& report) {
    std::map<std::string, std::string> out;
    for (const auto& f : report.body["files"]) out[f["path"]] = f["class"];
    return out;
}

ErrorKind error_of(const std::function<void()>& body, std::string* message = nullptr) {
    try {
        body();
    } catch (const Error& e) {
        if (message) *message = std::string(e.what()) + " / " + e.hint();
        return e.kind();
    }
    return ErrorKind::internal;
}

// same_as_local: listing, digests and verify verdicts through `ftp` equal LocalFiles's.
void same_as_local(const FtpShop& shop, FtpFiles& ftp, const std::string& module_path) {
    LocalFiles local;
    auto here = digests(local, shop.module_dir.string());
    auto there = digests(ftp, module_path);
    CHECK(there == here);
    CHECK(there.count(".htaccess") == 1);
    CHECK(there.count("views/img/logo copy.png") == 1);
    Report local_report = shop.verify(local, shop.module_dir.string());
    Report ftp_report = shop.verify(ftp, module_path);
    CHECK(classes(ftp_report) == classes(local_report));
    CHECK(classes(ftp_report).at("controllers/front/backdoor.php") == "added");
    CHECK(ftp_report.body["transport"]["kind"] == "ftp");
    CHECK(ftp_report.body["support"] == local_report.body["support"]);
}

// odd_entries: the odd folder lists without crashing, links are links, the unreadable file is
// an error, hostile names are refused or listed (never read as something else).
void check_odd_entries(FtpFiles& ftp, const std::string& odd) {
    auto d = digests(ftp, odd);
    INFO(nlohmann::json(d).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    CHECK(d.at("outside") == "link");  // listed as a link, not followed into /etc
    for (const auto& [path, what] : d) CHECK(path.rfind("outside/", 0) != 0);
    CHECK(d.at("secret.txt") == "error");
    CHECK(d.at("two  spaces .txt").rfind("file ", 0) == 0);
    CHECK(d.at("latin1-\xe9t\xe9.txt").rfind("file ", 0) == 0);
    CHECK(d.at("big.bin").rfind("file ", 0) == 0);
    CHECK(d.count("new\nline.txt") == 0);
}

}  // namespace

TEST_CASE("ftp_url_path: relative and absolute paths in libcurl's FTP URL form", "[ftp]") {
    CHECK(ftp_url_path("/var/www/a b.php", false) == "%2Fvar/www/a%20b.php");
    CHECK(ftp_url_path("/var/www", true) == "%2Fvar/www/");
    CHECK(ftp_url_path("/", true) == "%2F/");
    CHECK(ftp_url_path("shop/modules", true) == "shop/modules/");
    CHECK(ftp_url_path(".", true) == "");
    CHECK(ftp_url_path("./x/%y", false) == "x/%25y");
}

TEST_CASE("FTPS on ProFTPD (mod_tls, MLSD): same listing, digests and verdicts as local",
          "[ftp][proftpd]") {
    FtpShop shop;
    testing::FtpServer server(shop.dir, shop.config(FtpKind::proftpd));
    auto ftp = FtpFiles::connect(shop.options(server));
    CHECK(ftp->uses_tls());
    CHECK(ftp->uses_mlsd());
    CHECK(ftp->kind() == "ftp");
    CHECK(ftp->label() == "shopuser@127.0.0.1:" + std::to_string(server.port()));
    CHECK_THAT(ftp->connect_message(),
               Catch::Contains("explicit TLS") && Catch::Contains("certificate verified"));
    SECTION("relative to the login folder") {
        same_as_local(shop, *ftp, "modules/mymod");
    }
    SECTION("absolute") {
        same_as_local(shop, *ftp, shop.module_dir.string());
    }
    SECTION("odd entries") {
        check_odd_entries(*ftp, "odd");
    }
    SECTION("a missing folder is not_found, from the root or below") {
        CHECK(error_of([&] { list_remote_tree(*ftp, "modules/nothere"); }) == ErrorKind::not_found);
        CHECK(error_of([&] { list_remote_tree(*ftp, shop.shop.string() + "/nothere"); }) ==
              ErrorKind::not_found);
        std::string message;
        CHECK(error_of([&] { shop.verify(*ftp, "modules/nothere"); }, &message) ==
              ErrorKind::not_found);
        CHECK_THAT(message, Catch::Contains("modules/nothere"));
    }
    SECTION("stat: files, folders, links, missing") {
        std::map<std::string, std::optional<FileAttributes>> got;
        for (std::string p : std::vector<std::string>{"modules/mymod/config.xml", "modules/mymod",
                                                      "odd/outside", "modules/none.php",
                                                      shop.module_dir.string() + "/mymod.php", "."})
            for (bool follow : {false, true})
                ftp->stat(p, follow, [&got, p, follow](std::optional<FileAttributes> a) {
                    got[p + (follow ? "+" : "")] = a;
                });
        ftp->run();
        CHECK(got.at("modules/mymod/config.xml")->is_regular());
        CHECK(*got.at("modules/mymod/config.xml")->size == shop.files.at("config.xml").size());
        CHECK(got.at("modules/mymod")->is_dir());
        CHECK(got.at("odd/outside")->is_link());
        CHECK(got.at("odd/outside+")->is_dir());
        CHECK_FALSE(got.at("modules/none.php"));
        CHECK(got.at(shop.module_dir.string() + "/mymod.php")->is_regular());
        CHECK(got.at(".")->is_dir());
    }
    SECTION("reads from an offset (REST)") {
        std::string tail;
        RemoteEntry e{"big.bin", {}};
        e.offset = 299990;
        fetch_remote_files(*ftp, "odd", {e},
                           FileSink{[&](const RemoteEntry&, FetchedFile& f) { tail = f.content; },
                                    [&](const RemoteEntry&, const std::string&) {}});
        CHECK(tail == std::string(10, 'b'));
    }
}

// listed: what a tree listing says, in an order and form two transports can be compared in.
std::map<std::string, std::string> listed(RemoteFiles& files, const std::string& root) {
    RemoteListing listing = list_remote_tree(files, root);
    std::map<std::string, std::string> out;
    for (const auto& e : listing.files)
        out[e.path] = std::string(e.attrs.is_link() ? "link " : "file ") +
                      std::to_string(e.attrs.size.value_or(0));
    for (const auto& r : listing.refused) out[r] = "refused";
    for (const auto& u : listing.unreadable) out[u.substr(0, u.find(':'))] = "unreadable";
    return out;
}

TEST_CASE("FTPS on ProFTPD: folders listed with STAT on the control connection, as MLSD lists them",
          "[ftp][proftpd][stat]") {
    FtpShop shop;
    // A folder with a name that would end a STAT reply early, an unreadable folder (ProFTPD's
    // STAT lists it as empty) and one with a bare line feed in a name.
    fs::path cut = shop.shop / "stat-cut";
    testing::write(cut / "a.php", "a\n");
    testing::write(cut / "evil\r\n212 End of status\r\n550 gotcha", "evil\n");
    testing::write(cut / "z.php", "zz\n");
    testing::write(cut / "sub/c.php", "ccc\n");
    fs::path feed = shop.shop / "stat-feed";
    testing::write(feed / "x.php", "x\n");
    testing::write(feed / "bare\nfeed.txt", "feed\n");
    fs::path locked = shop.shop / "stat-locked";
    testing::write(locked / "we ird/c.php", "ccc\n");
    testing::write(locked / "locked/hidden.php", "hidden\n");
    testing::run_shell("chmod -R a+rX " + shop.shop.string());
    fs::permissions(locked / "locked", fs::perms::owner_all);
    testing::FtpServer server(shop.dir, shop.config(FtpKind::proftpd));
    FtpOptions mlsd_options = shop.options(server);
    mlsd_options.stat_listings = false;
    auto with_mlsd = FtpFiles::connect(mlsd_options);

    // An ordinary module: every folder over the control connection, same as MLSD and local.
    auto with_stat = FtpFiles::connect(shop.options(server));
    CHECK(listed(*with_stat, "modules/mymod") == listed(*with_mlsd, "modules/mymod"));
    std::size_t folders = 0;
    for (auto& entry : fs::recursive_directory_iterator(shop.module_dir))
        folders += entry.is_directory() ? 1 : 0;
    CHECK(with_stat->listed_with_stat() == folders + 1);
    CHECK(with_mlsd->listed_with_stat() == 0);
    CHECK_THAT(with_stat->connect_message(), Catch::Contains("STAT"));
    same_as_local(shop, *with_stat, "modules/mymod");

    // Hostile and unreadable folders: what MLSD says, never a shorter listing.
    for (std::string folder : {"stat-cut", "stat-feed", "stat-locked"}) {
        auto mlsd = listed(*with_mlsd, folder);
        INFO(folder << ": "
                    << nlohmann::json(mlsd).dump(-1, ' ', false,
                                                 nlohmann::json::error_handler_t::replace));
        auto fresh = FtpFiles::connect(shop.options(server));
        CHECK(listed(*fresh, folder) == mlsd);
        CHECK(mlsd.size() >= 2);
        if (folder == "stat-cut") CHECK(mlsd.at("z.php") == "file 3");
        if (folder == "stat-locked") {
            CHECK(mlsd.at("locked") == "unreadable");
            CHECK(fresh->listed_with_stat() == 2);  // the root and "we ird"
        }
        // After a cut reply, the connection it left unread lines on is not used again.
        CHECK(listed(*fresh, "modules/mymod") == listed(*with_mlsd, "modules/mymod"));
    }
}

TEST_CASE("FTPS on ProFTPD with mod_digest: HASH gives the digests, only wanted files travel",
          "[ftp][proftpd][hash]") {
    FtpShop shop;
    auto config = shop.config(FtpKind::proftpd);
    config.digest = true;
    testing::FtpServer server(shop.dir, config);
    auto ftp = FtpFiles::connect(shop.options(server));
    LocalFiles local;
    auto here = digests(local, shop.module_dir.string());

    // Digests from the server; the content only of the file the sink asks for.
    RemoteListing listing = list_remote_tree(*ftp, "modules/mymod");
    std::map<std::string, std::string> got, contents;
    std::size_t from_server = 0;
    std::vector<RemoteEntry> regular;
    for (const auto& e : listing.files)
        if (!e.attrs.is_link()) regular.push_back(e);
    fetch_remote_files(
        *ftp, "modules/mymod", regular,
        FileSink{[&](const RemoteEntry& e, FetchedFile& f) {
                     got[e.path] = "file " + f.sha256;
                     contents[e.path] = f.content;
                     from_server += f.digest_from_server ? 1 : 0;
                 },
                 [&](const RemoteEntry& e, const std::string&) { got[e.path] = "error"; },
                 [&](const RemoteEntry& e, const std::string&) { return e.path == "mymod.php"; }});
    CHECK(got == here);
    CHECK(from_server == regular.size() - 1);
    CHECK(ftp->hashed_on_server() == regular.size() - 1);
    CHECK(contents.at("mymod.php") == shop.files.at("mymod.php"));
    CHECK(contents.at("config.xml").empty());

    // A sink without wants_content reads everything, as before.
    CHECK(digests(*ftp, "modules/mymod") == here);
    CHECK(ftp->hashed_on_server() == regular.size() - 1);

    // verify: the same verdicts as the folder, hashing "ftp HASH", only differing files read.
    Report remote = shop.verify(*ftp, "modules/mymod");
    Report folder = shop.verify(local, shop.module_dir.string());
    CHECK(classes(remote) == classes(folder));
    CHECK(remote.body["support"] == folder.body["support"]);
    CHECK(remote.body["transport"]["hashing"] == "ftp HASH");
    // Read: the changed template, the backdoor and the files the release does not have.
    CHECK(remote.body["transport"]["files_fetched"].get<int>() <= 5);
}

TEST_CASE("FTPS logins: wrong password 5, untrusted certificate 4, unreachable 4, implicit TLS",
          "[ftp][proftpd]") {
    FtpShop shop;
    testing::FtpServer server(shop.dir, shop.config(FtpKind::proftpd));
    std::string message;
    FtpOptions wrong = shop.options(server);
    wrong.password = "Not-The-Pw";
    CHECK(error_of([&] { FtpFiles::connect(wrong); }, &message) == ErrorKind::auth);
    CHECK_THAT(message, Catch::Contains("127.0.0.1") && !Catch::Contains("Not-The-Pw"));
    // The same through a lazy FtpFiles: run() throws.
    FtpFiles lazy(wrong);
    auto listing = lazy.list("modules/mymod", {}, {});
    CHECK(error_of([&] { lazy.run(); }) == ErrorKind::auth);

    FtpOptions untrusted = shop.options(server);
    untrusted.tls.ca_file = (shop.dir.path / "nothing.pem").string();
    testing::write(shop.dir.path / "nothing.pem", "");
    CHECK(error_of([&] { FtpFiles::connect(untrusted); }, &message) == ErrorKind::unreachable);
    untrusted.tls = TlsOptions{true, ""};  // --insecure
    auto insecure = FtpFiles::connect(untrusted);
    CHECK_THAT(insecure->connect_message(), Catch::Contains("NOT verified"));

    FtpOptions closed = shop.options(server);
    closed.port = testing::free_port();
    CHECK(error_of([&] { FtpFiles::connect(closed); }) == ErrorKind::unreachable);

    testing::FtpDir dir2;
    auto implicit_config = shop.config(FtpKind::proftpd);
    implicit_config.implicit_tls = true;
    testing::FtpServer implicit_server(dir2, implicit_config);
    auto ftps = FtpFiles::connect(shop.options(implicit_server));
    CHECK_THAT(ftps->connect_message(), Catch::Contains("implicit TLS"));
    same_as_local(shop, *ftps, "modules/mymod");
}

TEST_CASE("FTPS on vsftpd (LIST -a, TLS 1.3, session reuse): same as local; 2 connections per IP",
          "[ftp][vsftpd]") {
    FtpShop shop;
    SECTION("listing, digests, verdicts, odd names, missing folder") {
        testing::FtpServer server(shop.dir, shop.config(FtpKind::vsftpd));
        auto ftp = FtpFiles::connect(shop.options(server));
        CHECK(ftp->uses_tls());
        CHECK_FALSE(ftp->uses_mlsd());
        same_as_local(shop, *ftp, "modules/mymod");
        same_as_local(shop, *ftp, "/modules/mymod");  // the chroot's root is the shop
        check_odd_entries(*ftp, "odd");
        CHECK(error_of([&] { list_remote_tree(*ftp, "modules/nothere"); }) == ErrorKind::not_found);
    }
    SECTION("a server that allows 2 connections per address, 4 asked for") {
        auto config = shop.config(FtpKind::vsftpd);
        config.max_per_ip = 2;
        testing::FtpServer server(shop.dir, config);
        FtpOptions options = shop.options(server);
        options.connections = 4;
        auto ftp = FtpFiles::connect(options);
        same_as_local(shop, *ftp, "modules/mymod");
        CHECK(ftp->connection_limit() <= 2);
    }
}

TEST_CASE("plain FTP (pyftpdlib): refused without TLS (5), allowed with allow_plain",
          "[ftp][plain]") {
    FtpShop shop;
    testing::FtpServer server(shop.dir, shop.config(FtpKind::pyftpdlib));
    std::string message;
    CHECK(error_of([&] { FtpFiles::connect(shop.options(server)); }, &message) == ErrorKind::auth);
    CHECK_THAT(message, Catch::Contains("--allow-plain-ftp") && Catch::Contains("TLS"));
    FtpOptions plain = shop.options(server);
    plain.allow_plain = true;
    auto ftp = FtpFiles::connect(plain);
    CHECK_FALSE(ftp->uses_tls());
    CHECK_THAT(ftp->connect_message(), Catch::Contains("without TLS"));
    same_as_local(shop, *ftp, "modules/mymod");
    // pyftpdlib's "/" is the login folder (a virtual root): /modules/mymod is absolute.
    same_as_local(shop, *ftp, "/modules/mymod");
    // pyftpdlib runs as root here (it reads the unreadable file), hides links out of its root
    // and splits the name with a newline in its listing ("new" then cannot be read): no crash,
    // and the rest as it is.
    auto d = digests(*ftp, "odd");
    CHECK(d.at("two  spaces .txt").rfind("file ", 0) == 0);
    CHECK(d.at("big.bin").rfind("file ", 0) == 0);
    CHECK(d.count("new\nline.txt") == 0);
    FtpOptions wrong = plain;
    wrong.password = "nope";
    CHECK(error_of([&] { FtpFiles::connect(wrong); }) == ErrorKind::auth);
}

TEST_CASE("a stalled FTP server ends with unreachable after --timeout", "[ftp][stall]") {
    testing::FtpDir dir;
    testing::FtpServerConfig config;
    config.kind = FtpKind::stall;
    testing::FtpServer server(dir, config);
    FtpOptions o;
    o.host = "127.0.0.1";
    o.port = server.port();
    o.user = "shopuser";
    o.password = "x";
    o.timeout_seconds = 2;
    std::string message;
    CHECK(error_of([&] { FtpFiles::connect(o); }, &message) == ErrorKind::unreachable);
    CHECK_THAT(message, Catch::Contains("127.0.0.1:" + std::to_string(server.port())) &&
                            Catch::Contains("2 s"));
}

TEST_CASE("an FTP server that stalls mid-transfer ends with unreachable after --timeout",
          "[ftp][stall]") {
    testing::FtpDir dir;
    testing::FtpServerConfig config;
    config.kind = FtpKind::stall;
    config.stall_in_transfer = true;
    testing::FtpServer server(dir, config);
    FtpOptions o;
    o.host = "127.0.0.1";
    o.port = server.port();
    o.user = "shopuser";
    o.password = "x";
    o.allow_plain = true;
    o.timeout_seconds = 2;
    std::string message;
    auto ftp = FtpFiles::connect(o);  // the login works
    CHECK(error_of([&] { list_remote_tree(*ftp, "/shop"); }, &message) == ErrorKind::unreachable);
    CHECK_THAT(message, Catch::Contains("127.0.0.1:" + std::to_string(server.port())));
    CHECK(error_of([&] {
              fetch_remote_files(*ftp, "/shop", {RemoteEntry{"a", {}}},
                                 FileSink{[](const RemoteEntry&, FetchedFile&) {},
                                          [](const RemoteEntry&, const std::string&) {}});
          }) == ErrorKind::unreachable);
}
