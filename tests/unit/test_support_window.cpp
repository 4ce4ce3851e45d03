#include <catch2/catch.hpp>

#include "orders/date.hpp"
#include "orders/support_window.hpp"
#include "util/error.hpp"

using namespace mps;

namespace {
Date d(const char* text) {
    return parse_date(text).value();
}
OrderLine purchase(const char* ref, const char* when, int extension = 0) {
    OrderLine line;
    line.reference = ref;
    auto parsed = parse_date_time(when).value();
    line.purchase_date = parsed.first;
    line.purchased_at = parsed.second;
    line.customer_email = "ann@example.com";
    line.module = "mymod";
    line.extended_months = extension;
    return line;
}
}  // namespace

TEST_CASE("month arithmetic clamps to the last day of the month", "[orders][date]") {
    CHECK(add_months(d("2026-01-31"), 1) == d("2026-02-28"));
    CHECK(add_months(d("2028-01-31"), 1) == d("2028-02-29"));  // leap year
    CHECK(add_months(d("2100-01-31"), 1) == d("2100-02-28"));  // not a leap year
    CHECK(add_months(d("2000-01-31"), 1) == d("2000-02-29"));  // leap year
    CHECK(add_months(d("2026-03-31"), 1) == d("2026-04-30"));
    CHECK(add_months(d("2026-08-31"), 6) == d("2027-02-28"));
    CHECK(add_months(d("2028-02-29"), 12) == d("2029-02-28"));
    CHECK(add_months(d("2026-12-15"), 1) == d("2027-01-15"));
    CHECK(add_months(d("2026-05-10"), 0) == d("2026-05-10"));
    CHECK(add_months(d("2026-05-10"), -5) == d("2025-12-10"));
    CHECK(days_between(d("2026-02-28"), d("2026-03-01")) == 1);
    CHECK(days_between(d("2028-02-28"), d("2028-03-01")) == 2);
    CHECK(add_days(d("2026-12-31"), 1) == d("2027-01-01"));
    CHECK(add_days(d("2026-03-01"), -1) == d("2026-02-28"));
}

TEST_CASE("dates are parsed strictly", "[orders][date]") {
    CHECK(parse_date("2026-02-29") == std::nullopt);
    CHECK(parse_date("2028-02-29").has_value());
    CHECK(parse_date("2026-13-01") == std::nullopt);
    CHECK(parse_date("2026-1-01") == std::nullopt);
    CHECK(parse_date("26-01-01") == std::nullopt);
    CHECK(parse_date_time("2026-01-31 14:02:11")->second == "2026-01-31 14:02:11");
    CHECK(parse_date_time("2026-01-31T14:02:11")->second == "2026-01-31 14:02:11");
    CHECK(parse_date_time("2026-01-31")->second == "2026-01-31 00:00:00");
    CHECK(parse_date_time("2026-01-31 25:00:00") == std::nullopt);
    CHECK(parse_date_time("2026-01-31 14:02") == std::nullopt);
}

TEST_CASE("support ends one calendar month after purchase, inclusive", "[orders][window]") {
    PolicyConfig policy;
    auto w = window_for(purchase("A", "2026-01-31 14:02:11"), policy);
    CHECK(w.free_end == d("2026-02-28"));
    CHECK_FALSE(w.extended_end.has_value());
    CHECK(w.end == d("2026-02-28"));
    CHECK(status_at(w, d("2026-02-28"), 0) == SupportStatus::expiring);  // last day: still covered
    CHECK(days_left(w, d("2026-02-28")) == 0);
    CHECK(status_at(w, d("2026-03-01"), 0) == SupportStatus::expired);
    CHECK(status_at(w, d("2026-02-01"), 7) == SupportStatus::active);
    CHECK(status_at(w, d("2026-02-21"), 7) == SupportStatus::expiring);
    CHECK(status_at(w, d("2026-02-20"), 7) == SupportStatus::active);
}

TEST_CASE("extended support is capped at max_support_months", "[orders][window]") {
    PolicyConfig policy;
    auto line = purchase("A", "2026-01-31");
    line.applied_extension_months = 6;
    auto w = window_for(line, policy);
    CHECK(w.free_end == d("2026-02-28"));
    CHECK(w.extended_end == d("2026-07-31"));
    CHECK(w.end == d("2026-07-31"));
    line.applied_extension_months = 24;
    CHECK(window_for(line, policy).end == d("2027-01-31"));
    policy.max_support_months = 3;
    CHECK(window_for(line, policy).end == d("2026-04-30"));
    policy.free_support_months = 6;  // free months are capped too
    line.applied_extension_months = 0;
    CHECK(window_for(line, policy).end == d("2026-04-30"));
}

TEST_CASE("an extension line extends the customer's latest purchase on or before it",
          "[orders][window]") {
    std::vector<OrderLine> group = {
        purchase("A", "2026-01-10 10:00:00"), purchase("B", "2026-03-05 09:00:00"),
        purchase("X1", "2026-03-05", 6), purchase("X0", "2026-01-09", 3),
        purchase("X2", "2026-02-01", 12)};
    CHECK(extension_target(group, 2) ==
          std::size_t{1});                              // same day as purchase B, even at 00:00:00
    CHECK(extension_target(group, 3) == std::nullopt);  // before any purchase
    CHECK(extension_target(group, 4) == std::size_t{0});
    auto months = applied_extensions(group);
    CHECK(months == std::vector<int>{12, 6, 0, 0, 0});
    group[4].customer_email = "bob@example.com";  // another customer's extension does not apply
    CHECK(applied_extensions(group) == std::vector<int>{0, 6, 0, 0, 0});
}

TEST_CASE("dates outside the supported range are refused, never wrapped", "[orders][date]") {
    // A purchase on 9999-12-31 printed "support until 0000-01-31".
    CHECK(parse_date("9999-12-31") == std::nullopt);
    CHECK(parse_date("9001-01-01") == std::nullopt);
    CHECK(parse_date("1969-12-31") == std::nullopt);
    CHECK(parse_date("9000-12-31").has_value());
    CHECK(parse_date("1970-01-01").has_value());
    CHECK(parse_date_time("9999-12-31 10:00:00") == std::nullopt);
    // The latest date plus the longest support still has a four-digit year.
    CHECK(format_date(add_months(d("9000-12-31"), 120)) == "9010-12-31");
    CHECK(format_date(add_days(d("9000-12-31"), 3660)) == "9011-01-08");
    CHECK(format_date(Date{10000, 1, 31}) == "10000-01-31");  // printed whole, not as 0000
    try {
        date_flag("9999-12-31", "--at", std::chrono::system_clock::now());
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
        CHECK_THAT(e.what(),
                   Catch::Contains("--at") && Catch::Contains("1970-01-01 to 9000-12-31"));
    }
}

TEST_CASE("supported_purchase: one answer from a customer's lines, whatever their source",
          "[orders][window]") {
    auto bought = purchase("BOUGHTAAA", "2026-05-20 10:00:00");
    auto later = purchase("LATERAAAA", "2026-06-10 09:00:00", 6);
    auto older = purchase("OLDERAAAA", "2025-01-10 09:00:00");
    std::vector<OrderLine> group = {later, older, bought};  // any order
    auto own = supported_purchase(bought, group);
    REQUIRE(own.has_value());
    CHECK(own->reference == "BOUGHTAAA");
    CHECK(own->applied_extension_months == 6);  // bought in a later order
    auto extended = supported_purchase(later, group);
    REQUIRE(extended.has_value());
    CHECK(extended->reference == "BOUGHTAAA");  // the latest purchase on or before it
    CHECK(extended->applied_extension_months == 6);
    CHECK(supported_purchase(older, group)->applied_extension_months == 0);
    // The line itself need not be in the group; an extension with nothing before it extends
    // nothing.
    CHECK(supported_purchase(bought, {})->applied_extension_months == 0);
    CHECK(supported_purchase(later, {older})->reference == "OLDERAAAA");
    auto early = purchase("EARLYEXTA", "2024-12-01 09:00:00", 6);
    CHECK_FALSE(supported_purchase(early, group).has_value());
}
