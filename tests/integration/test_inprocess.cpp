// In-process command tests (as gh's iostreams.Test()): run_cli with string streams and a
// terminal of the test's choosing, no binary spawned. Colours only on a terminal, progress only
// on a terminal's stderr, one JSON document with --json.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <regex>
#include <sstream>

#include "cli.hpp"
#include "context.hpp"
#include "progress_line.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;

namespace {

struct InProcess {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// run_in_process: `args` run by run_cli in this process, with HOME and the XDG folders below
// `home` (as run_mpsupport sets them) and stdout and stderr terminals when `tty`.
InProcess run_in_process(const std::vector<std::string>& args, const fs::path& home, bool tty,
                         std::map<std::string, std::string> env = {}) {
    env["HOME"] = home.string();
    env["XDG_CONFIG_HOME"] = (home / ".config").string();
    env["XDG_DATA_HOME"] = (home / ".local/share").string();
    std::ostringstream out, err;
    std::istringstream in;
    mpscli::Terminal terminal{false, tty, tty, false};
    mpscli::Context ctx(out, err, in, mps::Environment::fixed(env), terminal,
                        [] { return std::chrono::system_clock::now(); });
    int code = mpscli::run_cli(ctx, args);
    return {code, out.str(), err.str()};
}

bool has_escape(const std::string& text) {
    return text.find('\x1b') != std::string::npos;
}

std::string without_colours(const std::string& text) {
    return std::regex_replace(text, std::regex("\x1b\\[[0-9;]*m"), "");
}

// Module: a stored release of mymod 1.2.3 and an installed copy of it (stored in process too).
struct Module {
    testing::TempDir home;
    fs::path installed = home / "installed" / "mymod";

    Module() {
        auto files = testing::module_files("mymod", "1.2.3");
        testing::make_zip(home / "mymod-1.2.3.zip", testing::zip_entries(files, "mymod"));
        testing::write_tree(installed, files);
        auto added = run_in_process({"pristine", "add", (home / "mymod-1.2.3.zip").string()},
                                    home.path(), false);
        INFO(added.err);
        REQUIRE(added.exit_code == 0);
    }
};

}  // namespace

TEST_CASE("in process: verify paints its report on a terminal only", "[cli][inprocess]") {
    Module m;
    auto plain = run_in_process({"verify", m.installed.string()}, m.home.path(), false);
    INFO(plain.err);
    REQUIRE(plain.exit_code == 0);
    CHECK_FALSE(has_escape(plain.out));
    CHECK_THAT(plain.out, Catch::Contains("Verdict:"));

    auto tty = run_in_process({"verify", m.installed.string()}, m.home.path(), true);
    REQUIRE(tty.exit_code == 0);
    CHECK(has_escape(tty.out));
    CHECK(without_colours(tty.out) == plain.out);  // the same text, only coloured

    auto no_color =
        run_in_process({"verify", m.installed.string()}, m.home.path(), true, {{"NO_COLOR", "1"}});
    CHECK(no_color.out == plain.out);
    auto flag = run_in_process({"--no-color", "verify", m.installed.string()}, m.home.path(), true);
    CHECK(flag.out == plain.out);
}

TEST_CASE("in process: --json is one document, never coloured, also on a terminal",
          "[cli][inprocess]") {
    Module m;
    auto r = run_in_process({"--json", "verify", m.installed.string()}, m.home.path(), true);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_FALSE(has_escape(r.out));
    auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["schema"].get<std::string>().rfind("mpsupport.", 0) == 0);
    CHECK(doc.contains("verdict"));

    // An error is a mpsupport.error/1 document on stdout with its exit code (SPEC.md).
    auto missing =
        run_in_process({"--json", "verify", (m.home / "nosuch").string()}, m.home.path(), true);
    CHECK(missing.exit_code != 0);
    auto error = nlohmann::json::parse(missing.out);
    CHECK(error["schema"] == "mpsupport.error/1");
    CHECK_FALSE(has_escape(missing.out));
}

TEST_CASE("in process: diagnose says what it checks on a terminal's stderr only",
          "[cli][inprocess][diagnose]") {
    testing::TempDir home;
    std::string url = "http://127.0.0.1:" + std::to_string(testing::free_port()) + "/";
    auto tty =
        run_in_process({"diagnose", "--url", url, "--only", "storefront.reach"}, home.path(), true);
    CHECK_THAT(tty.err, Catch::Contains("diagnose: checking storefront"));
    auto plain = run_in_process({"diagnose", "--url", url, "--only", "storefront.reach"},
                                home.path(), false);
    CHECK_THAT(plain.err, !Catch::Contains("diagnose: checking"));
    CHECK(plain.exit_code == tty.exit_code);
    CHECK(plain.exit_code == 4);  // nothing listens: unreachable
    auto json = run_in_process({"--json", "diagnose", "--url", url, "--only", "storefront.reach"},
                               home.path(), true);
    CHECK_THAT(json.err, !Catch::Contains("diagnose: checking"));
    CHECK(nlohmann::json::parse(json.out)["schema"] == "mpsupport.diagnose/1");
}

TEST_CASE("in process: ProgressLine draws one line in place, throttled, and clears it",
          "[cli][inprocess][progress]") {
    std::ostringstream err;
    auto now = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
    mpscli::ProgressLine line(err, 60, std::chrono::milliseconds(100), [&now] { return now; });
    line.start("import orders.csv", "rows", 1000000, 0);
    CHECK(err.str() == "\rimport orders.csv: 0/1,000,000 rows (0%)\x1b[K");
    line.advance(51200, 0);  // within 100 ms of the last draw: not drawn
    CHECK(err.str().find("51,200") == std::string::npos);
    now += std::chrono::milliseconds(150);
    line.advance(0, 0);
    CHECK_THAT(err.str(), Catch::EndsWith("\rimport orders.csv: 51,200/1,000,000 rows (5%)\x1b[K"));
    line.finish();
    CHECK_THAT(err.str(), Catch::EndsWith("\r\x1b[K"));

    line.start("check \x1b[2Jorders.csv", "rows", 0, 85262336);
    line.advance(1024, 104858);
    now += std::chrono::milliseconds(150);
    line.advance(0, 0);
    CHECK(line.text() == "check \\x1b[2Jorders.csv: 1,024 rows, 0.1/81.3 MiB (0%)");
    mpscli::ProgressLine narrow(err, 20);
    narrow.start("import a-very-long-file-name.csv", "rows", 10, 0);
    CHECK(narrow.text() == "import a-very-long…");
    narrow.finish();
}

TEST_CASE("in process: ProgressLine shows nested tasks on one line and totals learnt late",
          "[cli][inprocess][progress]") {
    std::ostringstream err;
    auto now = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
    mpscli::ProgressLine line(err, 120, std::chrono::milliseconds(0), [&now] { return now; });
    line.start("verify --all /srv/shop", "modules", 40, 0);
    line.advance(3, 0);
    line.start("verify mymod", "files", 0, 0);
    line.advance(2, 1048576);
    CHECK(line.text() == "verify --all /srv/shop: 3/40 modules › verify mymod: 2 files, 1.0 MiB");
    line.set_total(8, 4 * 1048576);
    CHECK(line.text() ==
          "verify --all /srv/shop: 3/40 modules › verify mymod: 2/8 files, 1.0/4.0 MiB (25%)");
    line.finish();  // back to the enclosing task, still drawn
    CHECK_THAT(err.str(), Catch::EndsWith("\rverify --all /srv/shop: 3/40 modules (7%)\x1b[K"));
    line.finish();
    CHECK_THAT(err.str(), Catch::EndsWith("\r\x1b[K"));
    line.advance(1, 0);  // no task: nothing drawn
    CHECK_THAT(err.str(), Catch::EndsWith("\r\x1b[K"));
}

TEST_CASE(
    "in process: verify --all and diagnose --all-modules show modules and files on a "
    "terminal only",
    "[cli][inprocess][progress]") {
    Module m;
    fs::path shop = m.home / "shop";
    testing::write_tree(shop / "modules" / "mymod", testing::module_files("mymod", "1.2.3"));
    testing::write(shop / "modules" / "other" / "other.php", "<?php\n");
    fs::create_directories(shop / "classes");
    fs::create_directories(shop / "config");
    std::vector<std::vector<std::string>> commands = {
        {"verify", shop.string(), "--all", "--no-fetch"},
        {"diagnose", "--files", shop.string(), "--all-modules", "--no-fetch", "--only",
         "files.integrity"}};
    for (const auto& args : commands) {
        INFO(args[0]);
        // Wide enough for the temporary folder's long name.
        auto tty = run_in_process(args, m.home.path(), true, {{"COLUMNS", "400"}});
        INFO(tty.err);
        CHECK(tty.exit_code == 0);
        CHECK_THAT(tty.err, Catch::Contains(" modules") && Catch::EndsWith("\r\x1b[K"));
        if (args[0] == "verify")
            CHECK_THAT(tty.err,
                       Catch::Contains("\rverify --all " + shop.string() + ": 0/2 modules"));
        else  // over LocalFiles: each module's files too
            CHECK_THAT(tty.err, Catch::Contains(" › verify mymod: "));
        CHECK(tty.out.find('\r') == std::string::npos);
        auto plain = run_in_process(args, m.home.path(), false);
        CHECK(plain.exit_code == 0);
        CHECK(plain.err.find('\r') == std::string::npos);
        for (const char* flag : {"--json", "-q"}) {
            std::vector<std::string> quiet_args = args;
            quiet_args.insert(quiet_args.begin(), flag);
            auto quiet = run_in_process(quiet_args, m.home.path(), true);
            INFO(flag);
            CHECK(quiet.exit_code == 0);
            CHECK(quiet.err.find('\r') == std::string::npos);
            CHECK(quiet.out.find('\r') == std::string::npos);
        }
    }
}

TEST_CASE("in process: verify NAME uses the store profile's files and its password keys",
          "[cli][inprocess][verify-all]") {
    Module m;
    fs::path shop = m.home / "shop";
    testing::write_tree(shop / "modules" / "mymod", testing::module_files("mymod", "1.2.3"));
    fs::create_directories(shop / "classes");
    fs::create_directories(shop / "config");
    int port = testing::free_port();  // nothing listens: the password is asked for first
    testing::write(m.home / ".config" / "mpsupport" / "config.toml",
                   "[stores.here]\nfiles = \"" + shop.string() +
                       "\"\nmodules = [\"mymod\"]\n"
                       "[stores.remote]\nfiles = \"ftp://shopuser@127.0.0.1:" +
                       std::to_string(port) +
                       "/shop\"\nftp_password_command = \"exit 3\"\n"
                       "[stores.nofiles]\nurl = \"https://shop.example\"\n");
    for (std::vector<std::string> args :
         {std::vector<std::string>{"--json", "verify", "here", "--all"},
          std::vector<std::string>{"--json", "verify", "here"}}) {
        auto r = run_in_process(args, m.home.path(), false);
        INFO(r.err);
        CHECK(r.exit_code == 0);
        auto doc = nlohmann::json::parse(r.out);
        CHECK(doc["support"] == "covered");
    }
    // The store's ftp_password_command is run (and fails: exit 2 naming the key), for --all
    // as for one module.
    for (std::vector<std::string> args :
         {std::vector<std::string>{"verify", "remote", "--all"},
          std::vector<std::string>{"verify", "remote", "--module", "mymod"}}) {
        auto r = run_in_process(args, m.home.path(), false);
        INFO(r.err);
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("ftp_password_command"));
    }
    auto nofiles = run_in_process({"verify", "nofiles", "--all"}, m.home.path(), false);
    CHECK(nofiles.exit_code == 2);
    CHECK_THAT(nofiles.err, Catch::Contains("store nofiles has no files"));
}

TEST_CASE("in process: orders import shows progress only on a terminal's stderr",
          "[cli][inprocess][progress]") {
    testing::TempDir home;
    std::string csv =
        "order_reference,purchased_at,customer_email,customer_name,module,extended_months\n";
    for (int i = 0; i < 3000; ++i)
        csv += "R" + std::to_string(i) + ",2026-01-31,c@example.com,C,mymod,\n";
    testing::write(home / "o.csv", csv);
    std::string file = (home / "o.csv").string();
    auto tty = run_in_process({"orders", "import", file}, home.path(), true);
    INFO(tty.err);
    REQUIRE(tty.exit_code == 0);
    CHECK_THAT(tty.err, Catch::Contains("\rcheck ") && Catch::Contains("\rimport ") &&
                            Catch::Contains(" rows") && Catch::EndsWith("\r\x1b[K"));
    CHECK(tty.out.find('\r') == std::string::npos);
    auto plain = run_in_process({"orders", "import", file}, home.path(), false);
    CHECK(plain.exit_code == 0);
    CHECK(plain.err.find('\r') == std::string::npos);
    for (const char* flag : {"--json", "-q"}) {
        auto quiet = run_in_process({flag, "orders", "import", file}, home.path(), true);
        INFO(flag);
        CHECK(quiet.exit_code == 0);
        CHECK(quiet.err.find('\r') == std::string::npos);
        CHECK(quiet.out.find('\r') == std::string::npos);
    }
}
