// `mpsupport config set` through the binary: the file changes, `config get` sees it, and a
// bad value leaves the file untouched with exit status 2.
#include <catch2/catch.hpp>

#include "json_result.hpp"
#include "test_support.hpp"

using testing::run_mpsupport;

TEST_CASE("config set: creates, edits in place, refuses bad values", "[config][cli]") {
    testing::TempDir home;
    auto set =
        run_mpsupport({"config", "set", "stores.myshop.url", "https://shop.example/"}, home.path());
    REQUIRE(set.exit_code == 0);
    auto file = home / ".config/mpsupport/config.toml";
    CHECK(testing::slurp(file) == "[stores.myshop]\nurl = \"https://shop.example/\"\n");

    REQUIRE(run_mpsupport({"config", "init", "--force"}, home.path()).exit_code == 0);
    std::string before = testing::slurp(file);
    REQUIRE(
        run_mpsupport({"config", "set", "vendor.support_email", "help@example.com"}, home.path())
            .exit_code == 0);
    std::string after = testing::slurp(file);
    CHECK(after.find("support_email = \"help@example.com\"") != std::string::npos);
    CHECK(after.find("# mpsupport configuration") == 0);  // comments kept
    auto get = run_mpsupport({"--json", "config", "get", "vendor.support_email"}, home.path());
    CHECK(testing::json_of(get)["value"] == "help@example.com");

    for (auto bad :
         {std::vector<std::string>{"config", "set", "policy.major_rewrite_ratio", "2"},
          std::vector<std::string>{"config", "set", "vendor.reply_business_days", "soon"},
          std::vector<std::string>{"config", "set", "vendor.no_such_key", "x"}}) {
        auto refused = run_mpsupport(bad, home.path());
        CHECK(refused.exit_code == 2);
        CHECK(testing::slurp(file) == after);
    }
    CHECK(before != after);
}
