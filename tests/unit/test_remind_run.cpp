#include <catch2/catch.hpp>

#include "orders/ledger.hpp"
#include "orders/remind.hpp"
#include "test_support.hpp"

using namespace mps;

namespace {

// FakeMailer: records what it is asked to send; refuses addresses starting with "refuse".
struct FakeMailer : Mailer {
    std::vector<std::string> sent_to;
    SendStatus failure = SendStatus::rejected;
    SendResult send(const std::string&, const std::string& to,
                    const std::string& message) override {
        CHECK(message.find("\r\nMessage-ID: <remind.") != std::string::npos);
        if (to.rfind("refuse", 0) == 0 || to.rfind("down", 0) == 0)
            return {to.rfind("down", 0) == 0 ? SendStatus::unreachable : failure,
                    "550 no such user"};
        sent_to.push_back(to);
        return {SendStatus::sent, "250"};
    }
};

OrderLine purchase(const std::string& ref, const char* date, const std::string& email) {
    OrderLine line;
    line.reference = ref;
    line.purchase_date = parse_date(date).value();
    line.purchased_at = std::string(date) + " 10:00:00";
    line.customer_email = email;
    line.module = "mymod";
    return line;
}

struct World {
    testing::TempDir dir;
    std::unique_ptr<Ledger> ledger = Ledger::open(dir / "ledger.sqlite", false);
    Config config;
    FakeMailer mailer;
    std::chrono::system_clock::time_point clock =
        std::chrono::system_clock::from_time_t(1772323200);  // 2026-03-01
    std::vector<std::chrono::milliseconds> sleeps;

    RemindOutcome run(RemindRequest request, const std::string& owner = "me") {
        RemindDeps deps{*ledger,
                        config,
                        &mailer,
                        [this] { return clock; },
                        [this](std::chrono::milliseconds ms) {
                            sleeps.push_back(ms);
                            clock += ms;
                        },
                        owner,
                        [](const ReminderRecord&) { return false; }};
        return run_remind(request, deps);
    }
};

RemindRequest at(const char* day) {
    RemindRequest r;
    r.at = parse_date(day).value();
    return r;
}

}  // namespace

TEST_CASE("remind paces e-mails with --max-per-minute and stops at --limit", "[orders][remind]") {
    World w;
    w.ledger->import_lines(
        {purchase("A", "2026-02-03", "a@example.com"), purchase("B", "2026-02-04", "b@example.com"),
         purchase("C", "2026-02-05", "c@example.com")},
        "csv", "now");
    auto request = at("2026-03-01");
    request.max_per_minute = 30;  // one every 2 s
    request.limit = 2;
    auto outcome = w.run(request);
    CHECK(outcome.sent == 2);
    CHECK(outcome.deferred == 1);
    CHECK(w.mailer.sent_to ==
          std::vector<std::string>{"a@example.com", "b@example.com"});  // earliest end first
    REQUIRE(w.sleeps.size() == 1);
    CHECK(w.sleeps[0] == std::chrono::milliseconds(2000));

    auto rest = w.run(at("2026-03-01"));
    CHECK(rest.sent == 1);
    CHECK(w.mailer.sent_to.back() == "c@example.com");
    CHECK(w.run(at("2026-03-01")).sent == 0);
}

TEST_CASE("a refused recipient does not stop the others; an unreachable server does",
          "[orders][remind]") {
    World w;
    w.ledger->import_lines({purchase("A", "2026-02-03", "a@example.com"),
                            purchase("R", "2026-02-04", "refuse@example.com"),
                            purchase("C", "2026-02-05", "c@example.com")},
                           "csv", "now");
    auto outcome = w.run(at("2026-03-01"));
    CHECK(outcome.sent == 2);
    CHECK(outcome.failed == 1);
    CHECK_FALSE(outcome.stopped.has_value());

    World down;
    down.ledger->import_lines({purchase("A", "2026-02-03", "down@example.com"),
                               purchase("B", "2026-02-04", "b@example.com")},
                              "csv", "now");
    auto stopped = down.run(at("2026-03-01"));
    CHECK(stopped.sent == 0);
    CHECK(stopped.failed == 2);  // the second was not attempted, and will be retried
    REQUIRE(stopped.stopped.has_value());
    CHECK(stopped.stopped->kind() == ErrorKind::unreachable);
    CHECK(down.mailer.sent_to.empty());
}

TEST_CASE("a dry run sends nothing and writes nothing", "[orders][remind]") {
    World w;
    w.ledger->import_lines({purchase("A", "2026-02-03", "a@example.com")}, "csv", "now");
    auto request = at("2026-03-01");
    request.dry_run = true;
    auto outcome = w.run(request);
    CHECK(outcome.would_send == 1);
    CHECK(w.mailer.sent_to.empty());
    CHECK(w.ledger->reminders_of_line(w.ledger->order("A")[0].id).empty());
}

TEST_CASE("remind_failure: an SMTP login refusal wins over failed reminders", "[orders][remind]") {
    RemindOutcome outcome;
    outcome.sent = 3;
    CHECK_FALSE(remind_failure(outcome).has_value());
    outcome.failed = 1;
    CHECK(remind_failure(outcome) == ErrorKind::unreachable);
    outcome.stopped = Error(ErrorKind::unreachable, "smtp down");
    CHECK(remind_failure(outcome) == ErrorKind::unreachable);
    outcome.stopped = Error(ErrorKind::auth, "535 authentication failed");
    CHECK(remind_failure(outcome) == ErrorKind::auth);
    outcome.failed = 0;
    CHECK(remind_failure(outcome) == ErrorKind::auth);
}
