#include <catch2/catch.hpp>

#include "orders/ledger.hpp"
#include "orders/remind_plan.hpp"
#include "orders/run_owner.hpp"
#include "test_support.hpp"

using namespace mps;

namespace {
Date d(const char* text) {
    return parse_date(text).value();
}
OrderLine purchase(std::int64_t id, const char* date) {
    OrderLine line;
    line.id = id;
    line.reference = "REF" + std::to_string(id);
    line.purchase_date = d(date);
    line.purchased_at = std::string(date) + " 00:00:00";
    line.customer_email = "c" + std::to_string(id) + "@example.com";
    line.module = "mymod";
    return line;
}
std::vector<int> thresholds_of(const std::vector<PlannedReminder>& plan) {
    std::vector<int> out;
    for (const auto& p : plan) out.push_back(p.key.threshold);
    return out;
}
}  // namespace

TEST_CASE("the smallest threshold reached is sent, larger ones are covered", "[orders][remind]") {
    PolicyConfig policy;
    RemindRules rules;  // 30, 7, 1
    // Ends 2026-03-05: 4 days left on 2026-03-01.
    std::vector<OrderLine> lines = {purchase(1, "2026-02-05")};
    std::map<ReminderKey, ReminderRecord> records;
    auto plan = plan_reminders(lines, records, rules, policy, d("2026-03-01"));
    REQUIRE(plan.size() == 1);
    CHECK(plan[0].key.threshold == 7);
    CHECK(plan[0].key.support_end == "2026-03-05");
    CHECK(plan[0].days_left == 4);
    REQUIRE(plan[0].covered.size() == 1);
    CHECK(plan[0].covered[0].threshold == 30);

    // Once the 7-day reminder is sent, nothing is due until the 1-day threshold.
    records[plan[0].key] = ReminderRecord{plan[0].key, ReminderState::sent};
    records[plan[0].covered[0]] = ReminderRecord{plan[0].covered[0], ReminderState::covered};
    CHECK(plan_reminders(lines, records, rules, policy, d("2026-03-03")).empty());
    auto last = plan_reminders(lines, records, rules, policy, d("2026-03-04"));
    CHECK(thresholds_of(last) == std::vector<int>{1});
    CHECK(last[0].covered.empty());
    CHECK(thresholds_of(plan_reminders(lines, records, rules, policy, d("2026-03-05"))) ==
          std::vector<int>{1});

    // A failed reminder is due again; a claimed one is planned (the claim decides).
    records[plan[0].key].state = ReminderState::failed;
    CHECK(thresholds_of(plan_reminders(lines, records, rules, policy, d("2026-03-02"))) ==
          std::vector<int>{7});
}

TEST_CASE("nothing is due far from the end; expired notices only on request", "[orders][remind]") {
    PolicyConfig policy;
    RemindRules rules;
    std::vector<OrderLine> lines = {purchase(1, "2026-02-05")};
    CHECK(plan_reminders(lines, {}, rules, policy, d("2026-02-01")).empty());  // 32 days left
    CHECK(thresholds_of(plan_reminders(lines, {}, rules, policy, d("2026-02-03"))) ==
          std::vector<int>{30});
    CHECK(plan_reminders(lines, {}, rules, policy, d("2026-03-06")).empty());  // ended yesterday
    rules.expired_notice = true;
    auto expired = plan_reminders(lines, {}, rules, policy, d("2026-03-06"));
    CHECK(thresholds_of(expired) == std::vector<int>{kExpiredThreshold});
    CHECK(expired[0].covered.size() == 3);
    CHECK(plan_reminders(lines, {}, rules, policy, d("2026-05-06")).empty());  // ended too long ago
}

TEST_CASE("a new support end after buying extended support owes new reminders",
          "[orders][remind]") {
    PolicyConfig policy;
    RemindRules rules;
    auto line = purchase(1, "2026-02-05");
    std::map<ReminderKey, ReminderRecord> records;
    ReminderKey old_key{1, 7, "2026-03-05"};
    records[old_key] = ReminderRecord{old_key, ReminderState::sent};
    line.applied_extension_months = 3;  // ends 2026-05-05 now
    auto plan = plan_reminders({line}, records, rules, policy, d("2026-04-10"));
    REQUIRE(plan.size() == 1);
    CHECK(plan[0].key.threshold == 30);
    CHECK(plan[0].key.support_end == "2026-05-05");
}

TEST_CASE("the purchase range covers every end date in the window", "[orders][remind]") {
    PolicyConfig policy;
    RemindRules rules;
    rules.expired_notice = true;
    auto [from, to] = purchase_range(rules, policy, d("2026-03-31"));
    // Support that ends 30 days ago at the latest started at most 12 months before that.
    CHECK(from <= add_months(d("2026-03-01"), -12));
    CHECK(to == d("2026-04-30"));
    rules.expired_notice = false;
    auto ranges = candidate_ranges(rules, policy, d("2026-03-31"));
    // Free support ending from 2026-03-31 to 2026-04-30 was bought from 2026-02-28 to 2026-03-30.
    CHECK(ranges.plain.first <= d("2026-02-28"));
    CHECK(ranges.plain.second >= d("2026-03-30"));
    CHECK(ranges.plain.first >= d("2026-02-20"));
    // Every purchase whose free window ends in range is inside the plain range.
    for (Date p = d("2025-12-01"); p <= d("2026-05-31"); p = add_days(p, 1)) {
        Date end = add_months(p, 1);
        if (end >= d("2026-03-31") && end <= d("2026-04-30")) {
            INFO(format_date(p));
            CHECK(p >= ranges.plain.first);
            CHECK(p <= ranges.plain.second);
        }
    }
}

TEST_CASE("ledger claims: one owner at a time, stale owners are taken over", "[orders][ledger]") {
    testing::TempDir dir;
    auto ledger = Ledger::open(dir / "ledger.sqlite", false);
    CHECK(ledger->schema_version() == 3);
    OrderLine line = purchase(0, "2026-02-05");
    auto counts = ledger->import_lines({line}, "csv", "2026-03-01T00:00:00Z");
    CHECK(counts.inserted == 1);
    auto stored = ledger->order("REF0");
    REQUIRE(stored.size() == 1);
    ReminderKey key{stored[0].id, 7, "2026-03-05"};
    ReminderKey covered{stored[0].id, 30, "2026-03-05"};
    auto never_stale = [](const ReminderRecord&) { return false; };
    auto always_stale = [](const ReminderRecord&) { return true; };
    CHECK(ledger->claim({{key, {covered}}}, "a", "t", never_stale) ==
          std::vector<ClaimOutcome>{ClaimOutcome::claimed});
    CHECK(ledger->claim({{key, {}}}, "b", "t", never_stale) ==
          std::vector<ClaimOutcome>{ClaimOutcome::busy});
    CHECK(ledger->claim({{key, {}}}, "b", "t", always_stale) ==
          std::vector<ClaimOutcome>{ClaimOutcome::claimed});
    CHECK_FALSE(ledger->mark_sent(key, "a", "<id>", "t"));  // a lost its claim
    CHECK(ledger->mark_sent(key, "b", "<id>", "t"));
    CHECK(ledger->claim({{key, {}}}, "c", "t", always_stale) ==
          std::vector<ClaimOutcome>{ClaimOutcome::done});
    auto records = ledger->reminders_of_line(stored[0].id);
    REQUIRE(records.size() == 2);
    CHECK(records[0].key.threshold == 30);
    CHECK(records[0].state == ReminderState::covered);
    CHECK(records[1].state == ReminderState::sent);

    // Reopening keeps the schema and the data.
    ledger.reset();
    auto again = Ledger::open(dir / "ledger.sqlite", true);
    CHECK(again->line_count() == 1);
}

TEST_CASE("a claim by this live process is not stale; a dead pid is", "[orders][ledger]") {
    ReminderRecord mine;
    mine.owner = current_owner();
    mine.claimed_at = "2026-03-01T00:00:00Z";
    CHECK_FALSE(claim_is_stale(mine, std::chrono::system_clock::now()));
    ReminderRecord dead = mine;
    dead.owner = mine.owner.substr(0, mine.owner.find(':')) + ":999999999:1";
    CHECK(claim_is_stale(dead, std::chrono::system_clock::now()));
    ReminderRecord remote;
    remote.owner = "elsewhere.example:123:456";
    remote.claimed_at = iso_utc(std::chrono::system_clock::now());
    CHECK_FALSE(claim_is_stale(remote, std::chrono::system_clock::now()));
    remote.claimed_at = "2020-01-01T00:00:00Z";
    CHECK(claim_is_stale(remote, std::chrono::system_clock::now()));
}

TEST_CASE("ledger: an extension imported later extends the earlier purchase", "[orders][ledger]") {
    testing::TempDir dir;
    auto ledger = Ledger::open(dir / "ledger.sqlite", false);
    OrderLine bought = purchase(0, "2026-01-31");
    bought.reference = "FIRST";
    auto counts = ledger->import_lines({bought}, "csv", "t");  // bulk load into the empty ledger
    CHECK(counts.inserted == 1);
    OrderLine extension = purchase(0, "2026-02-15");
    extension.reference = "LATER";
    extension.extended_months = 6;
    counts = ledger->import_lines({bought, extension}, "csv", "t");  // upsert path
    CHECK(counts.inserted == 1);
    CHECK(counts.unchanged == 1);
    REQUIRE(ledger->order("FIRST").size() == 1);
    CHECK(ledger->order("FIRST")[0].applied_extension_months == 6);
    // A corrected extension date before the purchase no longer applies.
    extension.purchase_date = d("2026-01-30");
    extension.purchased_at = "2026-01-30 00:00:00";
    counts = ledger->import_lines({extension}, "csv", "t");
    CHECK(counts.updated == 1);
    CHECK(ledger->order("FIRST")[0].applied_extension_months == 0);
    CHECK(ledger->meta("missing").empty());
    ledger->set_meta("k", "v");
    CHECK(ledger->meta("k") == "v");
}

TEST_CASE("ledger: a failed larger threshold becomes covered by a smaller one",
          "[orders][ledger]") {
    testing::TempDir dir;
    auto ledger = Ledger::open(dir / "ledger.sqlite", false);
    ledger->import_lines({purchase(0, "2026-02-05")}, "csv", "t");
    auto id = ledger->order("REF0")[0].id;
    ReminderKey thirty{id, 30, "2026-03-05"}, seven{id, 7, "2026-03-05"};
    auto never_stale = [](const ReminderRecord&) { return false; };
    ledger->claim({{thirty, {}}}, "a", "t", never_stale);
    CHECK(ledger->mark_failed(thirty, "a", "451 later"));
    ledger->claim({{seven, {thirty}}}, "b", "t", never_stale);
    auto records = ledger->reminders_of_line(id);
    REQUIRE(records.size() == 2);
    CHECK(records[0].key.threshold == 30);
    CHECK(records[0].state == ReminderState::covered);
    CHECK(records[1].state == ReminderState::claimed);
}
