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
