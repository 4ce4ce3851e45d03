// Help (bare, --help, help COMMAND), --json --version and --jq, through the built binary.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "json_result.hpp"
#include "test_support.hpp"

using testing::json_of;
using testing::run_mpsupport;
using testing::TempDir;

TEST_CASE("bare mpsupport prints the usage on stderr, help on stdout", "[cli][help]") {
    TempDir home;
    auto bare = run_mpsupport({}, home.path());
    CHECK(bare.exit_code == 2);
    CHECK(bare.out.empty());
    CHECK_THAT(bare.err, Catch::Contains("verify") && Catch::Contains("SUBCOMMAND"));
    CHECK_THAT(bare.err, !Catch::Contains("error"));

    for (auto args : {std::vector<std::string>{"--help"}, std::vector<std::string>{"help"}}) {
        auto help = run_mpsupport(args, home.path());
        CHECK(help.exit_code == 0);
        CHECK_THAT(help.out, Catch::Contains("verify") && Catch::Contains("--jq") &&
                                 Catch::Contains("EXAMPLES"));
    }

    // help COMMAND [SUB] is COMMAND [SUB] --help, and lists the global flags and examples.
    auto verify = run_mpsupport({"help", "verify"}, home.path());
    CHECK(verify.exit_code == 0);
    CHECK(verify.out == run_mpsupport({"verify", "--help"}, home.path()).out);
    CHECK_THAT(verify.out, Catch::Contains("--strict") && Catch::Contains("GLOBAL OPTIONS") &&
                               Catch::Contains("--timeout") && Catch::Contains("--jq") &&
                               Catch::Contains("EXAMPLES") &&
                               Catch::Contains("mpsupport verify /var/www/shop"));
    auto get = run_mpsupport({"--no-color", "help", "config", "get"}, home.path());
    CHECK(get.exit_code == 0);
    CHECK_THAT(get.out, Catch::Contains("KEY") && Catch::Contains("--json") &&
                            Catch::Contains("mpsupport config get vendor.support_email"));
    auto unknown = run_mpsupport({"help", "verfy"}, home.path());
    CHECK(unknown.exit_code == 2);
    CHECK_THAT(unknown.err, Catch::Contains("did you mean 'mpsupport verify'"));
}

TEST_CASE("--json --version is a mpsupport.version/1 document", "[cli][help]") {
    TempDir home;
    auto text = run_mpsupport({"--version"}, home.path());
    CHECK_THAT(text.out, Catch::StartsWith("mpsupport "));
    auto r = run_mpsupport({"--json", "--version"}, home.path());
    CHECK(r.exit_code == 0);
    auto doc = json_of(r);
    CHECK(doc["schema"] == "mpsupport.version/1");
    CHECK(text.out == "mpsupport " + doc["version"].get<std::string>() + "\n");
    CHECK(doc["libraries"]["libssh2"].is_string());
    CHECK(doc["libraries"]["libcurl"].is_string());
    CHECK(run_mpsupport({"--jq", ".version", "--version"}, home.path()).out ==
          doc["version"].get<std::string>() + "\n");
}

TEST_CASE("--jq filters the JSON document of any command", "[cli][jq]") {
    TempDir home;
    REQUIRE(run_mpsupport({"config", "init"}, home.path()).exit_code == 0);
    // A string result is printed raw, other values as compact JSON, one per line.
    auto raw =
        run_mpsupport({"--jq", ".value", "config", "get", "vendor.support_email"}, home.path());
    CHECK(raw.exit_code == 0);
    CHECK(raw.out == "support@mypresta.rocks\n");
    auto compact =
        run_mpsupport({"config", "get", "remind.thresholds", "--jq", ".value"}, home.path());
    CHECK(compact.out == "[30,7,1]\n");
    auto many = run_mpsupport({"--jq=.value[]", "config", "get", "remind.thresholds"}, home.path());
    CHECK(many.out == "30\n7\n1\n");
    auto object = run_mpsupport({"--jq", "{k: .key}", "config", "get", "vendor.name"}, home.path());
    CHECK(object.out == "{\"k\":\"vendor.name\"}\n");

    // An invalid expression: exit 2 with jq's message, before the command runs.
    auto bad = run_mpsupport({"--jq", ".[", "config", "init", "--force"}, home.path());
    CHECK(bad.exit_code == 2);
    CHECK(bad.out.empty());
    CHECK_THAT(bad.err, Catch::Contains("--jq") && Catch::Contains("syntax error"));

    // A filter that fails on the document: exit 2, jq's message on stderr.
    auto runtime = run_mpsupport({"--jq", ".value.x", "config", "get", "vendor.name"}, home.path());
    CHECK(runtime.exit_code == 2);
    CHECK_THAT(runtime.err, Catch::Contains("Cannot index string"));

    // The command's exit code stays the command's; its error is text on stderr.
    auto missing = run_mpsupport({"--jq", ".exit_code", "expiry", "NOPE"}, home.path());
    CHECK(missing.exit_code != 0);
    CHECK(missing.exit_code == run_mpsupport({"--json", "expiry", "NOPE"}, home.path()).exit_code);
}
