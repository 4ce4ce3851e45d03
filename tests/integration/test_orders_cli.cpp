// CLI tests of orders import|show|list and expiry: the built binary on CSV files.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "json_result.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using testing::json_of;
using testing::run_mpsupport;
using testing::RunResult;
using testing::TempDir;

namespace {

const char* kOrders =
    "order_reference,purchased_at,customer_email,customer_name,module,extended_months\r\n"
    "JANENDAAA,2026-01-31 14:02:11,ann@example.com,Ann,mymod,\r\n"
    "JANENDAAA,2026-01-31 14:02:11,ann@example.com,Ann,othermod,\r\n"
    "EXTENDAAA,2026-02-10 09:00:00,ann@example.com,Ann,mymod,6\r\n"
    "LEAPYEARA,2028-01-31,bob@example.com,Bob,mymod,\r\n";

struct Ledger {
    TempDir home;
    fs::path csv = home / "orders.csv";
    Ledger() { testing::write(csv, kOrders); }
    RunResult run(const std::vector<std::string>& args) { return run_mpsupport(args, home.path()); }
    fs::path ledger() const { return home / ".local/share/mpsupport/ledger.sqlite"; }
};

}  // namespace

TEST_CASE("orders import is all or nothing and idempotent", "[cli][orders]") {
    Ledger l;
    testing::write(l.home / "bad.csv",
                   std::string(kOrders) +
                       "BADDATEAA,2026-02-30,carl@example.com,Carl,mymod,\r\n"
                       "BADMAILAA,2026-02-01,carl at example.com,Carl,mymod,\r\n");
    auto bad = l.run({"orders", "import", (l.home / "bad.csv").string()});
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Catch::Contains("bad.csv:6: purchased_at") &&
                            Catch::Contains("bad.csv:7: customer_email") &&
                            Catch::Contains("nothing imported"));
    CHECK_FALSE(fs::exists(l.ledger()));

    auto skipped =
        l.run({"--json", "orders", "import", "--skip-bad", (l.home / "bad.csv").string()});
    CHECK(skipped.exit_code == 0);
    auto doc = json_of(skipped);
    CHECK(doc["schema"] == "mpsupport.orders/1");
    CHECK(doc["inserted"] == 4);
    CHECK(doc["bad_rows"].size() == 2);
    CHECK(doc["bad_rows"][0]["line"] == 6);

    auto again = l.run({"--json", "orders", "import", l.csv.string()});
    CHECK(again.exit_code == 0);
    auto again_doc = json_of(again);
    CHECK(again_doc["inserted"] == 0);
    CHECK(again_doc["updated"] == 0);
    CHECK(again_doc["unchanged"] == 4);

    auto missing = l.run({"orders", "import", (l.home / "nope.csv").string()});
    CHECK(missing.exit_code == 2);
    CHECK_THAT(missing.err, Catch::Contains("nope.csv"));
}

TEST_CASE("expiry: active, expiring, expired, unknown", "[cli][expiry]") {
    Ledger l;
    REQUIRE(l.run({"orders", "import", l.csv.string()}).exit_code == 0);

    auto on_last_day = l.run({"--json", "expiry", "JANENDAAA", "--at", "2026-02-28"});
    CHECK(on_last_day.exit_code == 0);  // the end date is still covered
    auto doc = json_of(on_last_day);
    CHECK(doc["schema"] == "mpsupport.expiry/1");
    CHECK(doc["at"] == "2026-02-28");
    REQUIRE(doc["orders"][0]["lines"].size() == 2);
    for (const auto& line : doc["orders"][0]["lines"]) {
        if (line["module"] == "othermod") {
            CHECK(line["support_end"] == "2026-02-28");
            CHECK(line["free_support_end"] == "2026-02-28");
            CHECK(line["status"] == "expiring");
            CHECK(line["days_left"] == 0);
            CHECK(line["updates_included"] == true);
        } else {  // extended by 6 months in order EXTENDAAA
            CHECK(line["support_end"] == "2026-07-31");
            CHECK(line["extended_support_end"] == "2026-07-31");
            CHECK(line["status"] == "active");
        }
    }

    auto next_day = l.run({"expiry", "JANENDAAA", "--at", "2026-03-01"});
    CHECK(next_day.exit_code == 3);
    CHECK_THAT(next_day.out,
               Catch::Contains("othermod bought 2026-01-31: support ended 2026-02-28") &&
                   Catch::Contains("Verdict: support expired for 1 module"));

    auto leap = l.run({"--json", "expiry", "LEAPYEARA", "--at", "2028-02-01"});
    CHECK(json_of(leap)["orders"][0]["lines"][0]["support_end"] == "2028-02-29");

    auto warn = l.run({"--json", "expiry", "LEAPYEARA", "--at", "2028-02-01", "--warn-days", "30"});
    CHECK(json_of(warn)["orders"][0]["lines"][0]["status"] == "expiring");
    auto no_warn =
        l.run({"--json", "expiry", "LEAPYEARA", "--at", "2028-02-01", "--warn-days", "7"});
    CHECK(json_of(no_warn)["orders"][0]["lines"][0]["status"] == "active");

    auto unknown = l.run({"expiry", "NOSUCHREF"});
    CHECK(unknown.exit_code == 6);
    CHECK_THAT(unknown.out, Catch::Contains("NOSUCHREF"));
    auto both = l.run({"expiry", "NOSUCHREF", "JANENDAAA", "--at", "2027-06-01"});
    CHECK(both.exit_code == 3);  // expired wins over not found (3 before 6)

    auto bad_at = l.run({"expiry", "JANENDAAA", "--at", "2026-02-30"});
    CHECK(bad_at.exit_code == 2);
    CHECK_THAT(bad_at.err, Catch::Contains("--at"));
}

TEST_CASE("expiry on an empty ledger says the order is unknown", "[cli][expiry]") {
    TempDir home;
    auto r = run_mpsupport({"--json", "expiry", "XKBKNABJK"}, home.path());
    CHECK(r.exit_code == 6);
    CHECK(json_of(r)["orders"][0]["found"] == false);
    CHECK_FALSE(
        fs::exists(home / ".local/share/mpsupport/ledger.sqlite"));  // reading never creates it
}

TEST_CASE("orders show and list", "[cli][orders]") {
    Ledger l;
    REQUIRE(l.run({"orders", "import", l.csv.string()}).exit_code == 0);
    auto show = l.run({"--json", "orders", "show", "JANENDAAA", "--at", "2026-02-20"});
    CHECK(show.exit_code == 0);
    auto doc = json_of(show);
    CHECK(doc["action"] == "show");
    CHECK(doc["lines"].size() == 2);
    CHECK(doc["lines"][0]["reminders"].empty());
    CHECK(l.run({"orders", "show", "NOSUCHREF"}).exit_code == 6);

    auto list = l.run({"orders", "list", "--at", "2026-02-20", "--expiring-within", "10"});
    CHECK(list.exit_code == 0);
    CHECK_THAT(list.out, Catch::Contains("othermod"));
    CHECK(list.out.find("mymod") == std::string::npos);  // extended: ends in July
    auto all = l.run({"--json", "orders", "list"});
    CHECK(json_of(all)["lines"].size() == 3);  // module purchases (extension lines are in show)
}

TEST_CASE("concurrent imports wait for each other instead of failing", "[cli][orders]") {
    TempDir home;
    std::string csv =
        "order_reference,purchased_at,customer_email,customer_name,module,extended_months\n";
    for (int i = 0; i < 6000; ++i) {
        char line[128];
        std::snprintf(line, sizeof line, "R%08d,2026-01-%02d,c%d@example.com,C,mod_%d,\n", i,
                      1 + i % 28, i % 2000, i % 40);
        csv += line;
    }
    testing::write(home / "a.csv", csv);
    std::vector<int> pids;
    for (const char* out : {"1.out", "2.out", "3.out"})
        pids.push_back(testing::start_mpsupport({"orders", "import", (home / "a.csv").string()},
                                                home.path(), {}, home / out));
    for (std::size_t i = 0; i < pids.size(); ++i) {
        int code = testing::wait_mpsupport(pids[i]);
        INFO(testing::slurp(home / (std::to_string(i + 1) + ".out")));
        CHECK(code == 0);
    }
    auto list = run_mpsupport({"--json", "orders", "list"}, home.path());
    CHECK(json_of(list)["lines"].size() == 6000);
}

TEST_CASE("orders import refuses out-of-range dates and quotes bad fields briefly",
          "[cli][orders]") {
    Ledger l;
    std::string huge(60'000, 'x');
    testing::write(l.home / "bad.csv", std::string(kOrders) +
                                           "FARFUTURE,9999-12-31,carl@example.com,Carl,mymod,\r\n"
                                           "HUGEMAILA,2026-02-01," +
                                           huge + ",Carl,mymod,\r\n");
    auto bad = l.run({"orders", "import", (l.home / "bad.csv").string()});
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Catch::Contains(
                            "bad.csv:6: purchased_at: '9999-12-31' is outside the supported dates "
                            "1970-01-01 to 9000-12-31"));
    CHECK_THAT(bad.err,
               Catch::Contains("bad.csv:7: customer_email: 'xxxx") && Catch::Contains("…'"));
    CHECK(bad.err.size() < 2000);  // the 60 kB field is not echoed
    CHECK_FALSE(fs::exists(l.ledger()));
    auto at = l.run({"orders", "list", "--at", "9999-12-31"});
    CHECK(at.exit_code == 2);
    CHECK_THAT(at.err, Catch::Contains("outside the supported dates"));
}
