#include <catch2/catch.hpp>

#include "shop/shop_logs.hpp"

using namespace mps;

TEST_CASE("error lines about a module in PrestaShop and Symfony logs", "[logs]") {
    std::string text =
        "tial line *ERROR* about mymod cut by the tail\r\n"
        "*ERROR* \tv8.2.0\t2026/11/26 - 10:00:01: Exception in MyMod::hookDisplayHome at line "
        "12\r\n"
        "*ERROR* \tv8.2.0\t2026/11/26 - 10:00:02: Exception in OtherModule\r\n"
        "[2026-11-26T10:00:03] request.CRITICAL: Uncaught PHP Exception in "
        "/modules/mymod/mymod.php\n"
        "[2026-11-26T10:00:04] app.INFO: mymod says hello\n"
        "PHP Fatal error:  Uncaught Error in /var/www/modules/mymod/src/Service.php:7\n";
    auto lines = error_lines_about(text, "mymod", true);
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].find("MyMod::hookDisplayHome") != std::string::npos);
    CHECK(lines[1].find("request.CRITICAL") != std::string::npos);
    CHECK(error_lines_about(text, "mymod", false).size() == 4);
    CHECK(error_lines_about(text, "nomodule", false).empty());
}

TEST_CASE("recent logs are chosen newest first", "[logs]") {
    std::int64_t now = 1'800'000'000;
    std::vector<LogTail> candidates = {{"var/logs/old.log", 1, now - 40 * 86400},
                                       {"var/logs/a.log", 1, now - 3600},
                                       {"var/logs/b.log", 1, now - 60}};
    auto chosen = select_recent_logs(candidates, now, 7);
    REQUIRE(chosen.size() == 2);
    CHECK(chosen[0].path == "var/logs/b.log");
    CHECK(select_recent_logs(candidates, now, 7, 1).size() == 1);
    CHECK(is_log_file_name("20261126_exception.log"));
    CHECK_FALSE(is_log_file_name("index.php"));
    CHECK(logs_collect_check({}, 7, 262144).status == Status::warn);
    auto errors =
        logs_errors_check({{"var/logs/x.log", 10, now, "*ERROR* mymod broke\n"}}, "mymod");
    CHECK(errors.status == Status::warn);
    CHECK(errors.data["count"] == 1);
}
