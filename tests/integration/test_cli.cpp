// CLI tests: the built binary on zips and folders the tests create; exit codes, text and JSON.
#include <fcntl.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "json_result.hpp"
#include "raw_zip.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using testing::json_of;
using testing::run_mpsupport;
using testing::RunResult;
using testing::TempDir;

namespace {

// Fixture: a home with a stored release of mymod 1.2.3 and an installed copy of it.
struct Shop {
    TempDir home;
    std::map<std::string, std::string> files = testing::module_files("mymod", "1.2.3");
    fs::path zip = home / "mymod-1.2.3.zip";
    fs::path installed = home / "installed" / "mymod";

    Shop() {
        testing::make_zip(zip, testing::zip_entries(files, "mymod"));
        testing::write_tree(installed, files);
    }
    RunResult run(const std::vector<std::string>& args,
                  const std::map<std::string, std::string>& env = {}) {
        return run_mpsupport(args, home.path(), env);
    }
    void add_release() {
        auto r = run({"pristine", "add", zip.string()});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
    }
    fs::path data() const { return home / ".local/share/mpsupport"; }
};

// IsolatedRun: what run_isolated saw.
struct IsolatedRun {
    RunResult result;
    long max_rss_kb = 0;  // peak resident memory of the mpsupport process
};

// run_isolated: run_mpsupport from a forked child, so that getrusage(RUSAGE_CHILDREN) there sees
// only this mpsupport process. With `without_dac_override`, the child first drops
// CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from its bounding set, so that the binary, even run
// as root (as the tests are), cannot read files and folders of mode 000.
IsolatedRun run_isolated(const std::vector<std::string>& args, const fs::path& home,
                         bool without_dac_override) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(fds[0]);
        if (without_dac_override && ::geteuid() == 0) {
            if (::prctl(PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, 0, 0, 0) != 0 ||
                ::prctl(PR_CAPBSET_DROP, CAP_DAC_READ_SEARCH, 0, 0, 0) != 0)
                ::_exit(99);
        }
        RunResult r = run_mpsupport(args, home);
        rusage usage{};
        ::getrusage(RUSAGE_CHILDREN, &usage);
        std::string blob = std::to_string(r.exit_code) + " " + std::to_string(usage.ru_maxrss) +
                           " " + std::to_string(r.out.size()) + "\n" + r.out + r.err;
        for (std::size_t done = 0; done < blob.size();) {
            ssize_t n = ::write(fds[1], blob.data() + done, blob.size() - done);
            if (n <= 0) ::_exit(98);
            done += static_cast<std::size_t>(n);
        }
        ::_exit(0);
    }
    ::close(fds[1]);
    std::string blob;
    char buffer[65536];
    for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;)
        blob.append(buffer, static_cast<std::size_t>(n));
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    IsolatedRun run;
    std::size_t out_size = 0;
    std::size_t header_end = blob.find('\n');
    REQUIRE(header_end != std::string::npos);
    std::sscanf(blob.substr(0, header_end).c_str(), "%d %ld %zu", &run.result.exit_code,
                &run.max_rss_kb, &out_size);
    run.result.out = blob.substr(header_end + 1, out_size);
    run.result.err = blob.substr(header_end + 1 + out_size);
    return run;
}

}  // namespace

TEST_CASE("version, help and unknown commands", "[cli]") {
    TempDir home;
    auto version = run_mpsupport({"--version"}, home.path());
    CHECK(version.exit_code == 0);
    CHECK_THAT(version.out, Catch::StartsWith("mpsupport "));
    auto help = run_mpsupport({"--help"}, home.path());
    CHECK(help.exit_code == 0);
    CHECK_THAT(help.out, Catch::Contains("verify") && Catch::Contains("pristine"));
    auto sub_help = run_mpsupport({"verify", "--help"}, home.path());
    CHECK(sub_help.exit_code == 0);
    CHECK_THAT(sub_help.out, Catch::Contains("--strict"));

    auto typo = run_mpsupport({"verfy", "x"}, home.path());
    CHECK(typo.exit_code == 2);
    CHECK_THAT(typo.err, Catch::Contains("unknown command 'verfy'") &&
                             Catch::Contains("did you mean 'mpsupport verify'"));
    CHECK(typo.out.empty());
    auto bad_flag = run_mpsupport({"verify", "--frobnicate", "x"}, home.path());
    CHECK(bad_flag.exit_code == 2);
    auto none = run_mpsupport({}, home.path());
    CHECK(none.exit_code == 2);
}

TEST_CASE("errors in JSON mode are a mpsupport.error/1 document on stdout", "[cli]") {
    TempDir home;
    auto r = run_mpsupport({"--json", "verfy"}, home.path());
    CHECK(r.exit_code == 2);
    auto doc = json_of(r);
    CHECK(doc["schema"] == "mpsupport.error/1");
    CHECK(doc["error"]["code"] == 2);
    CHECK(doc["error"]["kind"] == "usage");
    CHECK(doc["exit_code"] == 2);
    CHECK_THAT(doc["error"]["hint"].get<std::string>(), Catch::Contains("verify"));
    CHECK(r.out.find("\"schema\"") < r.out.find("\"error\""));
}

TEST_CASE("pristine add, list and show", "[cli][pristine]") {
    Shop shop;
    auto added = shop.run({"--json", "pristine", "add", shop.zip.string()});
    CHECK(added.exit_code == 0);
    auto doc = json_of(added);
    CHECK(doc["schema"] == "mpsupport.pristine/1");
    CHECK(doc["outcome"] == "added");
    CHECK(doc["release"]["module"] == "mymod");
    CHECK(doc["release"]["version"] == "1.2.3");
    CHECK(doc["release"]["files"] == shop.files.size());

    auto again = shop.run({"pristine", "add", shop.zip.string()});
    CHECK(again.exit_code == 0);
    CHECK_THAT(again.out, Catch::Contains("already stored"));

    auto list = shop.run({"pristine", "list"});
    CHECK(list.exit_code == 0);
    CHECK_THAT(list.out, Catch::Contains("mymod") && Catch::Contains("1.2.3"));
    auto show = shop.run({"--json", "pristine", "show", "mymod", "1.2.3"});
    CHECK(show.exit_code == 0);
    CHECK(json_of(show)["release"]["files_list"].size() == shop.files.size());
    auto unknown = shop.run({"pristine", "show", "mymod", "9.9.9"});
    CHECK(unknown.exit_code == 6);
    CHECK_THAT(unknown.err, Catch::Contains("1.2.3"));

    SECTION("a different release of the same version is refused without prompting") {
        auto changed = shop.files;
        changed["views/js/front.js"] = "tampered();\n";
        testing::make_zip(shop.home / "other.zip", testing::zip_entries(changed, "mymod"));
        // Not a terminal: --no-input is implied, so no question is asked.
        auto refused = run_mpsupport({"pristine", "add", (shop.home / "other.zip").string()},
                                     shop.home.path(), {}, "y\n");
        CHECK(refused.exit_code == 2);
        CHECK_THAT(refused.err, Catch::Contains("--replace"));
        auto replaced =
            shop.run({"pristine", "add", "--replace", (shop.home / "other.zip").string()});
        CHECK(replaced.exit_code == 0);
        CHECK_THAT(replaced.out, Catch::StartsWith("replaced mymod 1.2.3"));
    }
}

TEST_CASE("hostile zips give exit 2 and store nothing", "[cli][pristine]") {
    Shop shop;
    auto entries = testing::zip_entries(shop.files, "mymod");
    entries.push_back({"mymod/../../../tmp/evil.php", "<?php system($_GET['c']);"});
    testing::make_zip(shop.home / "slip.zip", entries);
    auto slip = shop.run({"pristine", "add", (shop.home / "slip.zip").string()});
    CHECK(slip.exit_code == 2);
    CHECK_THAT(slip.err, Catch::Contains("slip.zip") && Catch::Contains("'..' leaves the folder"));
    CHECK(testing::count_files(shop.data()) == 0);

    std::string bytes = testing::slurp(shop.zip);
    testing::write(shop.home / "truncated.zip", bytes.substr(0, bytes.size() - 200));
    auto truncated =
        shop.run({"--json", "pristine", "add", (shop.home / "truncated.zip").string()});
    CHECK(truncated.exit_code == 2);
    CHECK(json_of(truncated)["error"]["kind"] == "usage");
    CHECK(testing::count_files(shop.data()) == 0);

    auto missing = shop.run({"pristine", "add", (shop.home / "nope.zip").string()});
    CHECK(missing.exit_code == 2);
    CHECK_THAT(missing.err, Catch::Contains("nope.zip"));
}

TEST_CASE("damaged or ambiguous zips give exit 2 naming the entry and store nothing",
          "[cli][pristine]") {
    Shop shop;
    auto base = testing::raw_zip_entries(shop.files, "mymod");
    auto refused = [&](const std::vector<testing::RawZipEntry>& entries, const std::string& needle,
                       const std::string& comment = "") {
        testing::write(shop.home / "bad.zip", testing::raw_zip(entries, comment));
        auto r = shop.run({"pristine", "add", (shop.home / "bad.zip").string()});
        INFO(r.err);
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("bad.zip") && Catch::Contains(needle));
        CHECK(testing::count_files(shop.data()) == 0);
    };
    auto bad_crc = base;
    bad_crc[0].bad_crc = true;
    refused(bad_crc, "CRC-32");
    auto overlapping = base;
    for (int i = 0; i < 10; ++i)
        overlapping.push_back({"mymod/x" + std::to_string(i) + ".php", "", false, 0});
    refused(overlapping, "overlap");
    auto windows = base;
    windows.push_back({"mymod/views/templates/caf\xe9.tpl", "{$x}"});
    refused(windows, "caf\\xe9.tpl");
    auto with_nul = base;
    with_nul.push_back({std::string("mymod/a.php") + std::string(1, '\0') + ".jpg", "<?php"});
    refused(with_nul, "a.php\\x00.jpg");
    auto file_and_folder = base;
    file_and_folder.push_back({"mymod/a", "x"});
    file_and_folder.push_back({"mymod/a/b.php", "<?php"});
    refused(file_and_folder, "both a file and a folder");

    // A valid zip with a long comment is read.
    testing::write(shop.home / "commented.zip", testing::raw_zip(base, std::string(30000, '#')));
    auto commented = shop.run({"pristine", "add", (shop.home / "commented.zip").string()});
    INFO(commented.err);
    CHECK(commented.exit_code == 0);
    CHECK_THAT(commented.out, Catch::Contains("mymod 1.2.3"));
}

TEST_CASE("pristine import-core of a list with a Latin-1 name is exit 2 naming it",
          "[cli][pristine]") {
    TempDir home;
    testing::write(home / "latin1.xml",
                   "<?xml version=\"1.0\"?>\n<checksum_list><ps_root_dir version=\"8.2.0\">"
                   "<md5file name=\"index.php\">0123456789abcdef0123456789abcdef</md5file>"
                   "<md5file name=\"caf\xe9.php\">0123456789abcdef0123456789abcdef</md5file>"
                   "</ps_root_dir></checksum_list>\n");
    auto r =
        run_mpsupport({"pristine", "import-core", (home / "latin1.xml").string()}, home.path());
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("latin1.xml") && Catch::Contains("caf\\xe9.php") &&
                          Catch::Contains("not UTF-8"));
    CHECK(testing::count_files(home / ".local/share") == 0);
}

TEST_CASE("pristine add of a folder with an unreadable sub-folder is exit 2, nothing stored",
          "[cli][pristine]") {
    Shop shop;
    testing::write(shop.installed / "views" / "templates" / "admin" / "config.tpl", "{$x}");
    auto locked = shop.installed / "views" / "templates" / "admin";
    REQUIRE(::chmod(locked.c_str(), 0) == 0);
    // Without CAP_DAC_OVERRIDE even root cannot list the folder (the tests run as root).
    auto r =
        run_isolated({"pristine", "add", shop.installed.string()}, shop.home.path(), true).result;
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("views/templates/admin"));
    CHECK(testing::count_files(shop.data()) == 0);
}

TEST_CASE("verify an untouched module", "[cli][verify]") {
    Shop shop;
    shop.add_release();
    auto r = shop.run({"verify", shop.installed.string()});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out,
               Catch::Contains("✓ files.integrity") && Catch::Contains("Verdict: support covered"));
    CHECK(r.out.find("\033[") == std::string::npos);  // no colour when not a terminal

    // The same folder written as a file:// address; a relative one or an unknown scheme is
    // refused.
    auto url = shop.run({"verify", "file://" + shop.installed.string()});
    CHECK(url.exit_code == 0);
    CHECK_THAT(url.out, Catch::Contains("Verdict: support covered"));
    CHECK(shop.run({"verify", "file://relative/mymod"}).exit_code == 2);
    auto gopher = shop.run({"verify", "gopher://host/mymod"});
    CHECK(gopher.exit_code == 2);
    CHECK_THAT(gopher.err, Catch::Contains("unknown address scheme"));
}

TEST_CASE("verify shows every verdict class and voids support", "[cli][verify]") {
    Shop shop;
    shop.add_release();
    auto& dir = shop.installed;
    testing::write(dir / "views/css/front.css",
                   "\xEF\xBB\xBF" + shop.files["views/css/front.css"]);  // BOM only
    std::string tpl = shop.files["views/templates/hook/block.tpl"];
    tpl.replace(tpl.find("block-3"), 7, "block-X");
    testing::write(dir / "views/templates/hook/block.tpl", tpl);  // 1 of 10 lines
    testing::write(dir / "src/Service.php",
                   "<?php\nnamespace Test;\nclass Service {}\n");  // modified
    fs::remove(dir / "views/js/front.js");                         // missing
    testing::write(dir / "controllers/front/backdoor.php",
                   "<?php eval($_POST['x']);\n");                              // added code
    testing::write(dir / "views/img/extra.png", std::string("\x89PNG\0", 5));  // added, harmless

    auto text = shop.run({"verify", "--diff", dir.string()});
    INFO(text.out << text.err);
    CHECK(text.exit_code == 3);
    CHECK_THAT(text.out, Catch::Contains("✗ files.integrity"));
    CHECK_THAT(text.out, Catch::Contains("Verdict: support voided"));
    CHECK_THAT(text.out, Catch::Contains("+class Service {}"));
    // Files that void support come first.
    CHECK(text.out.find("controllers/front/backdoor.php") < text.out.find("views/img/extra.png"));

    auto r = shop.run({"--json", "verify", dir.string()});
    CHECK(r.exit_code == 3);
    auto doc = json_of(r);
    CHECK(doc["schema"] == "mpsupport.verify/1");
    CHECK(doc["exit_code"] == 3);
    CHECK(doc["support"] == "voided");
    CHECK(doc["module"] == "mymod");
    CHECK(doc["version"] == "1.2.3");
    std::map<std::string, std::pair<std::string, bool>> got;
    for (const auto& f : doc["files"]) got[f["path"]] = {f["class"], f["voids"]};
    CHECK(got["views/css/front.css"] == std::pair<std::string, bool>{"whitespace-only", false});
    CHECK(got["views/templates/hook/block.tpl"] ==
          std::pair<std::string, bool>{"allowed-change", false});
    CHECK(got["src/Service.php"] == std::pair<std::string, bool>{"modified", true});
    CHECK(got["views/js/front.js"] == std::pair<std::string, bool>{"missing", true});
    CHECK(got["controllers/front/backdoor.php"] == std::pair<std::string, bool>{"added", true});
    CHECK(got["views/img/extra.png"] == std::pair<std::string, bool>{"added", false});
    CHECK(got.size() == 6);
    const auto& integrity = doc["checks"][1];
    CHECK(integrity["id"] == "files.integrity");
    CHECK(integrity["status"] == "fail");
    CHECK(integrity["data"]["voiding"] == 3);

    SECTION("a major rewrite of a template voids support") {
        std::string rewritten;
        for (int i = 0; i < 12; ++i)
            rewritten += "<section>new " + std::to_string(i) + "</section>\n";
        testing::write_tree(dir, shop.files);
        fs::remove_all(dir / "controllers");
        fs::remove(dir / "views/img/extra.png");
        testing::write(dir / "views/templates/hook/block.tpl", rewritten);
        auto major = shop.run({"--json", "verify", dir.string()});
        CHECK(major.exit_code == 3);
        auto files = json_of(major)["files"];
        REQUIRE(files.size() == 1);
        CHECK(files[0]["class"] == "major-rewrite");
        CHECK(files[0]["changed_ratio"].get<double>() == Approx(1.0));
    }
}

TEST_CASE("verify --strict and -q", "[cli][verify]") {
    Shop shop;
    shop.add_release();
    testing::write(shop.installed / "views/css/front.css",
                   shop.files["views/css/front.css"] + "\n\n");
    CHECK(shop.run({"verify", shop.installed.string()}).exit_code == 0);
    auto strict = shop.run({"verify", "--strict", shop.installed.string()});
    CHECK(strict.exit_code == 3);
    CHECK_THAT(strict.out, Catch::Contains("--strict"));
    auto quiet = shop.run({"-q", "verify", shop.installed.string()});
    CHECK(quiet.exit_code == 0);
    CHECK_THAT(quiet.out, !Catch::Contains("files.version") && Catch::Contains("Verdict:"));
}

TEST_CASE("verify a shop root needs --module and reports overrides", "[cli][verify]") {
    Shop shop;
    shop.add_release();
    fs::path root = shop.home / "shop";
    testing::write_tree(root / "modules" / "mymod", shop.files);
    testing::write(root / "modules" / "othermod" / "othermod.php", "<?php");
    testing::write(root / "classes" / "Product.php", "<?php class ProductCore {}");
    testing::write(root / "themes/classic/modules/mymod/views/templates/hook/block.tpl",
                   "<div>themed</div>\n");
    testing::write(root / "override/classes/Cart.php",
                   "<?php\nclass Cart extends CartCore\n{\n    /*\n    * module: mymod\n    * "
                   "date: 2026-01-01\n"
                   "    * version: 1.2.3\n    */\n    public function getOrderTotal() {}\n}\n");
    testing::write(root / "override/classes/Product.php", "<?php\n/*\n * module: othermod\n */\n");

    auto need = shop.run({"verify", root.string()});
    CHECK(need.exit_code == 2);
    CHECK_THAT(need.err, Catch::Contains("--module") && Catch::Contains("mymod, othermod"));

    auto r = shop.run({"--json", "verify", root.string(), "--module", "mymod"});
    INFO(r.out << r.err);
    CHECK(r.exit_code ==
          0);  // overrides make the environment non-standard, they do not void support
    auto doc = json_of(r);
    CHECK(doc["environment"] == "non-standard");
    CHECK(doc["support"] == "covered");
    std::map<std::string, nlohmann::json> checks;
    for (const auto& c : doc["checks"]) checks[c["id"]] = c;
    CHECK(checks["files.overrides"]["status"] == "warn");
    CHECK(checks["files.overrides"]["data"]["files"] ==
          nlohmann::json::array({"override/classes/Cart.php"}));
    CHECK(checks["files.theme-overrides"]["status"] == "info");
    CHECK(checks["files.theme-overrides"]["data"]["files"].size() == 1);

    auto absent = shop.run({"verify", root.string(), "--module", "nosuch"});
    CHECK(absent.exit_code == 6);
}

TEST_CASE("verify without the pristine release is exit 6 naming pristine add", "[cli][verify]") {
    Shop shop;
    auto r = shop.run({"verify", shop.installed.string()});
    CHECK(r.exit_code == 6);
    CHECK_THAT(r.err, Catch::Contains("mymod 1.2.3") && Catch::Contains("pristine add"));
    auto not_dir = shop.run({"verify", (shop.home / "nothing").string()});
    CHECK(not_dir.exit_code == 2);
    CHECK_THAT(not_dir.err, Catch::Contains("nothing"));
}

TEST_CASE("verify reads a huge changed file with bounded memory", "[cli][verify]") {
    Shop shop;
    shop.add_release();
    // 3 GiB (sparse: no disk used) where the release has a few lines: text for the first
    // 8 KiB, so only a bounded read can tell what it is. It was read whole: 3 GiB of RSS.
    fs::path big = shop.installed / "src/Service.php";
    testing::write(big, "<?php\n" + std::string(16384, ' ') + "\n");
    REQUIRE(::truncate(big.c_str(), 3LL << 30) == 0);
    auto run = run_isolated({"--json", "verify", "--diff", shop.installed.string()},
                            shop.home.path(), false);
    INFO(run.result.out << run.result.err);
    CHECK(run.result.exit_code == 3);
    auto doc = nlohmann::json::parse(run.result.out);
    REQUIRE(doc["files"].size() == 1);
    CHECK(doc["files"][0]["path"] == "src/Service.php");
    CHECK(doc["files"][0]["class"] == "modified");
    CHECK(doc["files"][0]["note"].get<std::string>().find("not compared line by line") !=
          std::string::npos);
    CHECK(run.max_rss_kb > 0);
#if defined(__SANITIZE_ADDRESS__)
    // ASan's shadow memory and quarantine add ~150 MB; still far below the 3 GiB of a whole read.
    CHECK(run.max_rss_kb < 512 * 1024);
#else
    CHECK(run.max_rss_kb < 64 * 1024);
#endif
    WARN("peak RSS of verify with a 3 GiB changed file: " << run.max_rss_kb << " KiB");
}

TEST_CASE("verify reports unreadable files and folders as not judged, like over SFTP",
          "[cli][verify]") {
    Shop shop;
    shop.add_release();
    fs::path secret = shop.installed / "src/Service.php";
    fs::path hidden = shop.installed / "views/css";
    fs::permissions(secret, fs::perms::none);
    fs::permissions(hidden, fs::perms::none);
    auto run = run_isolated({"verify", shop.installed.string()}, shop.home.path(), true);
    auto json = run_isolated({"--json", "verify", shop.installed.string()}, shop.home.path(), true);
    fs::permissions(secret, fs::perms::owner_read | fs::perms::owner_write);
    fs::permissions(hidden, fs::perms::owner_all);
    INFO(run.result.out << run.result.err);
    // It was exit 2 ("cannot read ...: Permission denied") for the whole module.
    CHECK(run.result.exit_code == 0);
    CHECK_THAT(run.result.out,
               Catch::Contains("! files.listing") && Catch::Contains("1 folder(s) unreadable"));
    CHECK_THAT(run.result.out, Catch::Contains("2 unreadable, not judged"));
    CHECK_THAT(run.result.out,
               Catch::Contains("src/Service.php") &&
                   Catch::Contains("could not be read (Permission denied): not judged"));
    CHECK_THAT(run.result.out,
               Catch::Contains("views/css/front.css") &&
                   Catch::Contains("could not be read (folder views/css: Permission denied)"));
    CHECK_THAT(run.result.out, Catch::Contains("Verdict: support covered"));
    INFO(json.result.out);
    REQUIRE(json.result.exit_code == 0);
    auto doc = nlohmann::json::parse(json.result.out);
    std::map<std::string, std::string> got;
    for (const auto& f : doc["files"]) got[f["path"]] = f["class"];
    CHECK(got["src/Service.php"] == "unreadable");
    CHECK(got["views/css/front.css"] == "unreadable");
    CHECK(got.size() == 2);
}

TEST_CASE("verify shows hostile and non-UTF-8 file names escaped", "[cli][verify]") {
    Shop shop;
    shop.add_release();
    // An added template with a Latin-1 name (harmless), an added PHP file whose name fakes a
    // verdict line, and one with an escape sequence.
    testing::write(shop.installed / "views/templates/caf\xe9.tpl", "<p>x</p>\n");
    testing::write(shop.installed / "x\nVerdict: support covered\n.php", "<?php\n");
    testing::write(shop.installed / "\x1b[2J\x1b]0;owned\x07.php", "<?php\n");
    auto text = shop.run({"verify", shop.installed.string()});
    INFO(text.out << text.err);
    CHECK(text.exit_code == 3);
    CHECK_THAT(text.out, Catch::Contains("Verdict: support voided"));
    CHECK(text.out.find("\nVerdict: support covered") == std::string::npos);
    CHECK_THAT(text.out, Catch::Contains("x\\nVerdict: support covered\\n.php"));
    CHECK(text.out.find('\x1b') == std::string::npos);
    CHECK(text.out.find('\x07') == std::string::npos);
    CHECK_THAT(text.out, Catch::Contains("\\x1b[2J\\x1b]0;owned\\x07.php"));
    CHECK_THAT(text.out, Catch::Contains("views/templates/caf\xEF\xBF\xBD.tpl"));

    auto json = shop.run({"--json", "verify", shop.installed.string()});
    INFO(json.out << json.err);
    CHECK(json.exit_code == 3);  // it was exit 1: json::dump refused the Latin-1 name
    auto doc = nlohmann::json::parse(json.out);
    std::map<std::string, std::pair<std::string, bool>> got;
    for (const auto& f : doc["files"]) got[f["path"]] = {f["class"], f["voids"]};
    CHECK(got["views/templates/caf\xEF\xBF\xBD.tpl"] ==
          std::pair<std::string, bool>{"added", false});
    CHECK(got["x\nVerdict: support covered\n.php"] == std::pair<std::string, bool>{"added", true});
    CHECK(doc["support"] == "voided");

    // Error messages quoting a name are escaped too.
    auto error = shop.run({"verify", (shop.home / "no\x1b[31mpe").string()});
    CHECK(error.exit_code == 2);
    CHECK(error.err.find('\x1b') == std::string::npos);
    CHECK_THAT(error.err, Catch::Contains("no\\x1b[31mpe"));
}

TEST_CASE("malformed config gives exit 2 with file and line", "[cli][config]") {
    Shop shop;
    testing::write(shop.home / "bad.toml",
                   "[policy]\nallowed_change = [\"*.tpl\"\nmajor_rewrite_ratio = 0.4\n");
    auto r = shop.run(
        {"--config", (shop.home / "bad.toml").string(), "verify", shop.installed.string()});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("bad.toml:3"));
    auto env =
        shop.run({"config", "list"}, {{"MPSUPPORT_CONFIG", (shop.home / "bad.toml").string()}});
    CHECK(env.exit_code == 2);
    auto absent = shop.run({"--config", (shop.home / "absent.toml").string(), "config", "list"});
    CHECK(absent.exit_code == 2);
    CHECK_THAT(absent.err, Catch::Contains("absent.toml"));
}

TEST_CASE("the policy threshold comes from the config", "[cli][config]") {
    Shop shop;
    shop.add_release();
    std::string tpl = shop.files["views/templates/hook/block.tpl"];
    for (const char* line : {"block-1\"", "block-2\"", "block-3\""})
        tpl.replace(tpl.find(line), 7, "changed");
    testing::write(shop.installed / "views/templates/hook/block.tpl",
                   tpl);  // 3 of 10 lines: ratio 0.3
    CHECK(shop.run({"verify", shop.installed.string()}).exit_code == 0);
    testing::write(shop.home / ".config/mpsupport/config.toml",
                   "[policy]\nmajor_rewrite_ratio = 0.2\n");
    auto strict_policy = shop.run({"--json", "verify", shop.installed.string()});
    CHECK(strict_policy.exit_code == 3);
    CHECK(json_of(strict_policy)["files"][0]["class"] == "major-rewrite");
}

TEST_CASE("config path, init, get and list", "[cli][config]") {
    TempDir home;
    auto path = run_mpsupport({"config", "path"}, home.path());
    CHECK(path.out == (home / ".config/mpsupport/config.toml").string() + "\n");
    CHECK(run_mpsupport({"config", "init"}, home.path()).exit_code == 0);
    CHECK(fs::exists(home / ".config/mpsupport/config.toml"));
    CHECK(run_mpsupport({"config", "init"}, home.path()).exit_code == 2);
    CHECK(run_mpsupport({"config", "init", "--force"}, home.path()).exit_code == 0);
    auto get = run_mpsupport({"config", "get", "vendor.support_email"}, home.path());
    CHECK(get.out == "support@mypresta.rocks\n");  // raw, not a TOML literal
    CHECK(run_mpsupport({"config", "get", "vendor.nope"}, home.path()).exit_code == 2);
    auto list = run_mpsupport({"--json", "config", "list"}, home.path());
    CHECK(json_of(list)["values"]["policy.major_rewrite_ratio"] == 0.5);  // typed
    CHECK(run_mpsupport({"config", "get", "remind.thresholds"}, home.path()).out == "30\n7\n1\n");
    auto typed =
        json_of(run_mpsupport({"--json", "config", "get", "remind.thresholds"}, home.path()));
    CHECK(typed["value"] == nlohmann::json::array({30, 7, 1}));
    CHECK(json_of(run_mpsupport({"--json", "config", "get", "vendor.reply_business_days"},
                                home.path()))["value"] == 1);
    auto set = json_of(
        run_mpsupport({"--json", "config", "set", "vendor.reply_business_days", "2"}, home.path()));
    CHECK(set["value"] == 2);
    // A secret's command key is accepted by set and shown by list (never the secret).
    CHECK(run_mpsupport({"config", "set", "stores.shop.sftp_password_command", "pass show x"},
                        home.path())
              .exit_code == 0);
    CHECK(run_mpsupport({"config", "get", "stores.shop.sftp_password_command"}, home.path()).out ==
          "pass show x\n");
}

TEST_CASE("logs go to stderr and --log-file, never stdout", "[cli]") {
    Shop shop;
    fs::path log = shop.home / "run.log";
    auto r = shop.run(
        {"-vv", "--log-file", log.string(), "--json", "pristine", "add", shop.zip.string()});
    CHECK(r.exit_code == 0);
    CHECK_NOTHROW(nlohmann::json::parse(r.out));
    CHECK_THAT(r.err, Catch::Contains("stored mymod 1.2.3"));
    CHECK_THAT(testing::slurp(log), Catch::Contains("stored mymod 1.2.3"));
    auto bad_log =
        shop.run({"--log-file", (shop.home / "no/such/dir/x.log").string(), "pristine", "list"});
    CHECK(bad_log.exit_code == 2);
}

TEST_CASE("completion scripts are printed for each shell", "[cli]") {
    TempDir home;
    for (const char* shell : {"bash", "zsh", "fish"}) {
        auto r = run_mpsupport({"completion", shell}, home.path());
        CHECK(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::Contains("mpsupport"));
    }
    CHECK(run_mpsupport({"completion", "powershell"}, home.path()).exit_code == 2);
}
