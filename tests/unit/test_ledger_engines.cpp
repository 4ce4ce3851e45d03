// The same ledger cases against both engines: SQLite (a file in a temp dir) and PostgreSQL
// (a fresh database on the private server of tests/support/postgres_server.hpp).
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <thread>

#include "config/config.hpp"
#include "orders/ledger.hpp"
#include "orders/ledger_migrate.hpp"
#include "orders/remind.hpp"
#include "postgres_server.hpp"
#include "test_support.hpp"
#include "util/error.hpp"
#include "util/postgres_url.hpp"

using namespace mps;

namespace {

// Engine: a fresh, empty ledger of one engine; open() gives more connections to it.
struct Engine {
    explicit Engine(const std::string& which) : name(which) {
        if (name == "postgresql") target.url = testing::PostgresServer::shared().new_database();
        target.file = dir / "ledger.sqlite";
    }
    std::unique_ptr<Ledger> open(bool read_only = false) const {
        return Ledger::open(target, read_only);
    }
    std::string name;
    testing::TempDir dir;
    LedgerTarget target;
};

OrderLine line(const std::string& ref, const std::string& module, const char* at,
               const std::string& email, int extended = 0) {
    OrderLine l;
    l.reference = ref;
    l.module = module;
    l.purchased_at = at;
    l.purchase_date = parse_date(std::string(at).substr(0, 10)).value();
    l.customer_email = email;
    l.customer_name = "Name\twith tab\\ and \"quotes\"";
    l.extended_months = extended;
    return l;
}

// ticket: an e-mail ticket sent for `reference`.
TicketRecord ticket(const std::string& reference, const std::string& email,
                    const std::string& summary) {
    TicketRecord t;
    t.sent_at = "2026-02-03T10:00:00Z";
    t.channel = "email";
    t.reference = reference;
    t.module = "mymod";
    t.summary = summary;
    t.customer_email = email;
    t.outcome = "sent";
    return t;
}

std::vector<OrderLine> sample() {
    return {line("AAA", "mymod", "2026-01-10 10:00:00", "a@example.com"),
            line("AAA", "other", "2026-01-10 10:00:00", "a@example.com"),
            line("BBB", "mymod", "2026-02-01 09:00:00", "b@example.com"),
            line("CCC", "mymod-support-6m", "2026-02-05 09:00:00", "b@example.com", 6),
            line("DDD", "mymod", "2025-12-24 18:00:00", "c@example.com")};
}

}  // namespace

TEST_CASE("ledger engines: import, order, customer and window queries agree", "[orders][ledger]") {
    Engine engine(GENERATE(as<std::string>{}, "sqlite", "postgresql"));
    INFO(engine.name);
    auto ledger = engine.open();
    CHECK(std::string(ledger->engine()) == engine.name);
    auto lines = sample();
    lines[3].module = "mymod";  // an extension of b's mymod
    auto counts = ledger->import_lines(lines, "csv", "2026-03-01T00:00:00Z");
    CHECK(counts.inserted == 5);
    CHECK(counts.updated == 0);
    CHECK(ledger->line_count() == 5);

    auto order = ledger->order("AAA");
    REQUIRE(order.size() == 2);
    CHECK(order[0].module == "mymod");
    CHECK(order[1].module == "other");
    CHECK(order[0].customer_name == "Name\twith tab\\ and \"quotes\"");
    CHECK(order[0].purchase_date_text() == "2026-01-10");
    CHECK(ledger->order("NOPE").empty());

    auto b = ledger->customer_module("b@example.com", "mymod");
    REQUIRE(b.size() == 2);
    CHECK(b[0].reference == "BBB");
    CHECK(b[0].applied_extension_months == 6);  // the extension line applied to the purchase
    CHECK(b[1].extended_months == 6);

    auto between = ledger->purchases_between(parse_date("2026-01-01").value(),
                                             parse_date("2026-01-31").value());
    REQUIRE(between.size() == 2);
    CHECK(between[0].reference == "AAA");

    auto window = ledger->purchases_for_window(
        {parse_date("2025-12-01").value(), parse_date("2026-01-31").value()},
        {parse_date("2026-02-01").value(), parse_date("2026-02-28").value()});
    std::set<std::string> refs;
    for (const auto& l : window) refs.insert(l.reference + "/" + l.module);
    CHECK(refs == std::set<std::string>{"AAA/mymod", "AAA/other", "DDD/mymod", "BBB/mymod"});

    std::vector<std::string> walked;
    ledger->for_each_line([&](const OrderLine& l) { walked.push_back(l.reference); });
    CHECK(walked == std::vector<std::string>{"DDD", "AAA", "AAA", "BBB", "CCC"});

    // A second import: one changed, one new, the rest unchanged; a withdrawn line goes with
    // its reminders.
    auto again = sample();
    again[3].module = "mymod";
    again[0].customer_email = "new@example.com";
    again.push_back(line("EEE", "mymod", "2026-02-20 08:00:00", "e@example.com"));
    auto key = ReminderKey{ledger->order("DDD")[0].id, 30, "2026-01-24"};
    CHECK(ledger->claim({{key, {}}}, "me", "2026-03-01T00:00:00Z", [](const ReminderRecord&) {
        return false;
    }) == std::vector<ClaimOutcome>{ClaimOutcome::claimed});
    auto withdrawn = std::vector<OrderLine>{again[4]};
    again.erase(again.begin() + 4);
    counts = ledger->import_lines(again, "csv", "2026-03-02T00:00:00Z", withdrawn);
    CHECK(counts.inserted == 1);
    CHECK(counts.updated == 1);
    CHECK(counts.unchanged == 3);
    CHECK(counts.removed == 1);
    CHECK(counts.reminders_removed == 1);
    CHECK(counts.removed_references == std::vector<std::string>{"DDD"});
    CHECK(ledger->line_count() == 5);
    CHECK(ledger->order("AAA")[0].customer_email == "new@example.com");

    // Another connection (another machine) sees the same ledger.
    auto reader = engine.open(true);
    CHECK(reader->line_count() == 5);
    CHECK(reader->schema_version() >= 1);
}

TEST_CASE("ledger engines: an import dropped before commit leaves nothing", "[orders][ledger]") {
    Engine engine(GENERATE(as<std::string>{}, "sqlite", "postgresql"));
    INFO(engine.name);
    auto ledger = engine.open();
    ledger->import_lines({sample()[0]}, "csv", "2026-03-01T00:00:00Z");
    {
        auto import = ledger->begin_import("csv", "2026-03-02T00:00:00Z");
        for (int i = 0; i < 2000; ++i)
            import->add(
                line("R" + std::to_string(i), "mymod", "2026-01-01 00:00:00", "x@example.com"));
    }
    CHECK(ledger->line_count() == 1);
    CHECK(engine.open(true)->line_count() == 1);
    // The connection is still usable.
    auto import = ledger->begin_import("csv", "2026-03-02T00:00:00Z");
    import->add(sample()[2]);
    CHECK(import->commit().inserted == 1);
    CHECK(ledger->line_count() == 2);
}

TEST_CASE("ledger engines: claims, results, leases, meta and tickets", "[orders][ledger]") {
    Engine engine(GENERATE(as<std::string>{}, "sqlite", "postgresql"));
    INFO(engine.name);
    auto ledger = engine.open();
    ledger->import_lines(sample(), "csv", "2026-03-01T00:00:00Z");
    auto id = ledger->order("AAA")[0].id;
    ReminderKey k7{id, 7, "2026-02-10"}, k30{id, 30, "2026-02-10"};
    auto live = [](const ReminderRecord&) { return false; };
    auto dead = [](const ReminderRecord&) { return true; };

    CHECK(ledger->claim({{k7, {k30}}}, "run-a", "2026-02-03T08:00:00Z", live) ==
          std::vector<ClaimOutcome>{ClaimOutcome::claimed});
    auto other = engine.open();  // another run
    CHECK(other->claim({{k7, {}}}, "run-b", "2026-02-03T08:00:01Z", live) ==
          std::vector<ClaimOutcome>{ClaimOutcome::busy});
    CHECK_FALSE(other->mark_sent(k7, "run-b", "<x@y>", "2026-02-03T08:00:02Z"));
    // The lease of run-a expired: run-b takes the claim over.
    CHECK(other->claim({{k7, {}}}, "run-b", "2026-02-03T09:30:00Z", dead) ==
          std::vector<ClaimOutcome>{ClaimOutcome::claimed});
    CHECK_FALSE(ledger->mark_sent(k7, "run-a", "<late@y>", "2026-02-03T09:30:01Z"));
    CHECK(other->mark_sent(k7, "run-b", "<m1@example.com>", "2026-02-03T09:30:02Z"));
    CHECK(ledger->claim({{k7, {}}}, "run-c", "2026-02-04T08:00:00Z", dead) ==
          std::vector<ClaimOutcome>{ClaimOutcome::done});

    auto records = ledger->reminders_of_line(id);
    REQUIRE(records.size() == 2);
    CHECK(records[0].key == k30);
    CHECK(records[0].state == ReminderState::covered);
    CHECK(records[1].state == ReminderState::sent);
    CHECK(records[1].message_id == "<m1@example.com>");
    CHECK(records[1].owner == "run-b");
    CHECK(records[1].attempts == 1);
    auto ending = ledger->reminders_ending_between(parse_date("2026-02-01").value(),
                                                   parse_date("2026-02-28").value());
    CHECK(ending.size() == 2);

    // A failed one is claimed again by the next run.
    ReminderKey k1{id, 1, "2026-02-10"};
    CHECK(ledger->claim({{k1, {}}}, "run-a", "2026-02-09T08:00:00Z", live)[0] ==
          ClaimOutcome::claimed);
    CHECK(ledger->mark_failed(k1, "run-a", "550 no such user"));
    CHECK(other->claim({{k1, {}}}, "run-b", "2026-02-09T09:00:00Z", live)[0] ==
          ClaimOutcome::claimed);
    CHECK(other->reminders_of_line(id)[2].error == "550 no such user");

    CHECK(ledger->meta("cursor").empty());
    ledger->set_meta("cursor", "42");
    ledger->set_meta("cursor", "43");
    CHECK(other->meta("cursor") == "43");

    TicketRecord t = ticket("AAA", "a@example.com", "it breaks");
    auto first = ledger->add_ticket(t);
    t.channel = "form";
    auto second = other->add_ticket(t);
    CHECK(second > first);
    auto tickets = ledger->tickets();
    REQUIRE(tickets.size() == 2);
    CHECK(tickets[0].channel == "email");
    CHECK(tickets[1].channel == "form");
    CHECK(tickets[1].summary == "it breaks");
}

TEST_CASE("ledger engines: two runs claiming at once never both get one reminder",
          "[orders][ledger]") {
    Engine engine(GENERATE(as<std::string>{}, "sqlite", "postgresql"));
    INFO(engine.name);
    std::vector<OrderLine> lines;
    for (int i = 0; i < 60; ++i)
        lines.push_back(line("R" + std::to_string(i), "mymod", "2026-01-10 10:00:00",
                             "c" + std::to_string(i) + "@example.com"));
    engine.open()->import_lines(lines, "csv", "2026-03-01T00:00:00Z");
    std::vector<ClaimRequest> requests;
    for (const auto& l : engine.open(true)->purchases_between(parse_date("2026-01-01").value(),
                                                              parse_date("2026-01-31").value()))
        requests.push_back({{l.id, 7, "2026-02-10"}, {}});
    REQUIRE(requests.size() == 60);
    // Run b asks in the reverse order: no deadlock, no double claim.
    auto reversed = std::vector<ClaimRequest>(requests.rbegin(), requests.rend());
    std::vector<ClaimOutcome> a, b;
    for (int round = 0; round < 5; ++round) {
        ReminderKey shift{0, round, ""};
        std::vector<ClaimRequest> ra = requests, rb = reversed;
        for (auto& r : ra) r.key.threshold = round;
        for (auto& r : rb) r.key.threshold = round;
        std::thread ta([&] {
            auto ledger = engine.open();
            a = ledger->claim(ra, "run-a", "now", [](const ReminderRecord&) { return false; });
        });
        std::thread tb([&] {
            auto ledger = engine.open();
            b = ledger->claim(rb, "run-b", "now", [](const ReminderRecord&) { return false; });
        });
        ta.join();
        tb.join();
        std::reverse(b.begin(), b.end());
        int claimed = 0;
        for (std::size_t i = 0; i < a.size(); ++i) {
            CHECK((a[i] == ClaimOutcome::claimed) != (b[i] == ClaimOutcome::claimed));
            claimed += (a[i] == ClaimOutcome::claimed) + (b[i] == ClaimOutcome::claimed);
        }
        CHECK(claimed == 60);
        (void)shift;
    }
}

TEST_CASE("ledger engines: remind mails each customer once across two runs", "[orders][ledger]") {
    Engine engine(GENERATE(as<std::string>{}, "sqlite", "postgresql"));
    INFO(engine.name);
    std::vector<OrderLine> lines;
    for (int i = 0; i < 20; ++i)
        lines.push_back(line("R" + std::to_string(i), "mymod", "2026-02-03 10:00:00",
                             "c" + std::to_string(i) + "@example.com"));
    engine.open()->import_lines(lines, "csv", "2026-02-01T00:00:00Z");

    struct Mailer1 : Mailer {
        std::vector<std::string> sent_to;
        SendResult send(const std::string&, const std::string& to, const std::string&) override {
            sent_to.push_back(to);
            return {SendStatus::sent, "250"};
        }
    };
    Config config;
    auto clock = std::chrono::system_clock::from_time_t(1772323200);  // 2026-03-01
    auto run = [&](const std::string& owner, Mailer1& mailer) {
        auto ledger = engine.open();
        RemindDeps deps{*ledger,
                        config,
                        &mailer,
                        [&] { return clock; },
                        [](std::chrono::milliseconds) {},
                        owner,
                        [](const ReminderRecord&) { return false; }};
        RemindRequest request;
        request.at = parse_date("2026-03-01").value();
        return run_remind(request, deps);
    };
    Mailer1 first, second;
    run("run-a", first);
    run("run-b", second);
    CHECK(first.sent_to.size() == 20);
    CHECK(second.sent_to.empty());
}

TEST_CASE("ledger on PostgreSQL: bad URLs, refused passwords and unreachable hosts",
          "[orders][ledger][postgresql]") {
    auto& server = testing::PostgresServer::shared();
    LedgerTarget target;
    target.url = "postgresql://mps_pw:" + std::string(server.password) +
                 "@127.0.0.1:" + std::to_string(server.port()) + "/postgres";
    try {
        Ledger::open(target, false);
        FAIL("a password in the URL was accepted");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
        CHECK_THAT(e.what(), !Catch::Contains(server.password));
    }
    target.url = server.url("postgres") + "?sslmode=disable&password=x";
    CHECK_THROWS_AS(Ledger::open(target, false), Error);

    auto db = server.new_database();
    target.url =
        db.substr(0, db.find("postgres@")) + "mps_pw@" + db.substr(db.find("postgres@") + 9);
    target.password = "wrong";
    try {
        Ledger::open(target, false);
        FAIL("a wrong password was accepted");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::auth);
    }
    target.password = server.password;
    CHECK(Ledger::open(target, false)->line_count() == 0);

    LedgerTarget down;
    down.url = "postgresql://postgres@127.0.0.1:" + std::to_string(testing::free_port()) + "/x";
    down.timeout_seconds = 2;
    down.file = "/nonexistent/never-used.sqlite";
    try {
        Ledger::open(down, true);
        FAIL("an unreachable database opened");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::unreachable);
        CHECK_THAT(e.what(), Catch::Contains("127.0.0.1"));
    }
}

namespace {

// cut: terminate the ledger connections (application_name mpsupport) to the database of `url`,
// as a database restart or a network failure would; the number cut.
std::size_t cut(const std::string& url) {
    std::string name = url.substr(url.rfind('/') + 1);
    auto out = testing::PostgresServer::shared().psql(
        name,
        "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
        "datname = '" +
            name + "' AND application_name = 'mpsupport') AS cut");
    return std::stoul(out);
}

}  // namespace

TEST_CASE(
    "ledger on PostgreSQL: a connection lost mid-import keeps nothing, one lost while "
    "recording a sent mail records it",
    "[orders][ledger][postgresql]") {
    Engine engine("postgresql");
    {
        auto ledger = engine.open();
        ledger->import_lines({sample()[0]}, "csv", "2026-03-01T00:00:00Z");
        auto import = ledger->begin_import("csv", "2026-03-02T00:00:00Z");
        for (int i = 0; i < 20000; ++i)
            import->add(
                line("R" + std::to_string(i), "mymod", "2026-01-01 00:00:00", "x@example.com"));
        REQUIRE(cut(engine.target.url) == 1);
        try {
            import->commit();
            FAIL("the import committed on a lost connection");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::unreachable);
            CHECK_THAT(e.what(), Catch::Contains("127.0.0.1") && !Catch::Contains("\n"));
        }
    }
    CHECK(engine.open(true)->line_count() == 1);  // no half import

    auto ledger = engine.open();
    auto id = ledger->order("AAA")[0].id;
    ReminderKey sent{id, 7, "2026-03-01"}, untried{id, 1, "2026-03-01"};
    auto never_stale = [](const ReminderRecord&) { return false; };
    REQUIRE(
        ledger->claim({{sent, {}}, {untried, {}}}, "run-1", "2026-02-22T08:00:00Z", never_stale) ==
        std::vector<ClaimOutcome>{ClaimOutcome::claimed, ClaimOutcome::claimed});
    REQUIRE(cut(engine.target.url) == 1);
    // The mail went out: its result is recorded on a new connection, the run's other claim is
    // released, and the run still stops (exit 4).
    CHECK_THROWS_AS(ledger->mark_sent(sent, "run-1", "<m@example.com>", "2026-02-22T08:00:01Z"),
                    Error);
    auto other = engine.open();
    auto records = other->reminders_of_line(id);
    REQUIRE(records.size() == 2);
    for (const auto& r : records) {
        INFO(r.key.threshold);
        CHECK(r.state == (r.key.threshold == 7 ? ReminderState::sent : ReminderState::failed));
    }
    CHECK(other->claim({{untried, {}}}, "run-2", "2026-02-22T09:00:00Z", never_stale)[0] ==
          ClaimOutcome::claimed);
}

TEST_CASE("ledger on PostgreSQL: instances migrating an empty database at once all succeed",
          "[orders][ledger][postgresql]") {
    auto& server = testing::PostgresServer::shared();
    for (int round = 0; round < 5; ++round) {
        LedgerTarget target;
        target.url = server.new_database();
        std::vector<std::thread> threads;
        std::atomic<int> ok{0};
        for (int i = 0; i < 6; ++i)
            threads.emplace_back([&] {
                try {
                    if (Ledger::open(target, false)->schema_version() == 1) ++ok;
                } catch (const Error& e) {
                    UNSCOPED_INFO(e.what());
                }
            });
        for (auto& t : threads) t.join();
        CHECK(ok == 6);
    }
}

TEST_CASE("ledger on SQLite: two processes opening a brand-new ledger at once both succeed",
          "[orders][ledger]") {
    testing::TempDir dir;
    int failures = 0;
    for (int round = 0; round < 50; ++round) {
        auto file = dir / ("ledger-" + std::to_string(round) + ".sqlite");
        std::vector<int> pids;
        for (int i = 0; i < 2; ++i) {
            int pid = fork();
            if (pid == 0) {
                try {
                    auto ledger = Ledger::open(file, false);
                    ledger->set_meta("opened-by", std::to_string(getpid()));
                    _exit(0);
                } catch (const Error& e) {
                    _exit(e.kind() == ErrorKind::unreachable ? 4 : 1);
                } catch (...) {
                    _exit(1);
                }
            }
            pids.push_back(pid);
        }
        for (int pid : pids) {
            int status = 0;
            waitpid(pid, &status, 0);
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failures;
        }
    }
    CHECK(failures == 0);
}

TEST_CASE("ledger migrate: SQLite into PostgreSQL keeps sent reminders and is idempotent",
          "[orders][ledger][postgresql]") {
    Engine local("sqlite"), shared("postgresql");
    auto from = local.open();
    from->import_lines(sample(), "csv", "2026-03-01T00:00:00Z");
    auto id = from->order("BBB")[0].id;
    ReminderKey k{id, 7, "2026-03-01"};
    from->claim({{k, {}}}, "run", "2026-02-22T08:00:00Z",
                [](const ReminderRecord&) { return false; });
    REQUIRE(from->mark_sent(k, "run", "<sent@example.com>", "2026-02-22T08:00:01Z"));
    TicketRecord t = ticket("BBB", "b@example.com", "help");
    from->add_ticket(t);
    from->set_meta("webservice.date_upd", "2026-02-28 17:00:00");
    from->set_meta("local.only", "from-sqlite");

    auto to = shared.open();
    to->import_lines({line("ZZZ", "mymod", "2026-02-01 00:00:00", "z@example.com")}, "csv",
                     "2026-03-01T00:00:00Z");
    to->set_meta("local.only", "kept-on-target");
    auto counts = copy_ledger(*from, *to, "2026-03-02T00:00:00Z");
    CHECK(counts.lines == 5);
    CHECK(counts.imported.inserted == 5);
    CHECK(counts.reminders_copied == 1);
    CHECK(counts.tickets_copied == 1);
    CHECK(counts.meta == 2);
    CHECK(counts.meta_copied == 1);
    // The sync cursor comes along (the next `orders sync` fetches only what changed since);
    // a value the target already had is its own.
    CHECK(to->meta("webservice.date_upd") == "2026-02-28 17:00:00");
    CHECK(to->meta("local.only") == "kept-on-target");
    CHECK(to->all_meta().size() == 2);
    CHECK(to->line_count() == 6);
    auto target_id = to->order("BBB")[0].id;
    auto records = to->reminders_of_line(target_id);
    REQUIRE(records.size() == 1);
    CHECK(records[0].state == ReminderState::sent);
    CHECK(records[0].message_id == "<sent@example.com>");
    // The sent reminder is done on the shared ledger: nobody is mailed again.
    CHECK(to->claim({{{target_id, 7, "2026-03-01"}, {}}}, "team", "now",
                    [](const ReminderRecord&) { return true; })[0] == ClaimOutcome::done);

    auto again = copy_ledger(*from, *to, "2026-03-03T00:00:00Z");
    CHECK(again.imported.inserted == 0);
    CHECK(again.imported.unchanged == 5);
    CHECK(again.reminders_copied == 0);
    CHECK(again.tickets_copied == 0);
    CHECK(again.meta_copied == 0);
    CHECK(to->tickets().size() == 1);
    CHECK(to->meta("webservice.date_upd") == "2026-02-28 17:00:00");
}

TEST_CASE("[ledger] url: a postgresql:// URL without password", "[orders][ledger][config]") {
    auto config = parse_config("[ledger]\nurl = \"postgresql://support@db.example:5432/mps\"\n",
                               "config.toml");
    CHECK(config.ledger.url == "postgresql://support@db.example:5432/mps");
    CHECK(parse_config("", "config.toml").ledger.url.empty());
    for (const char* bad :
         {"postgresql://support:pw-in-url@db.example/mps",
          "postgresql://support@db.example/mps?password=pw-in-url",
          "postgresql://support@db.example/mps?sslmode=require&%70assword=pw-in-url",
          "postgresql://support@db.example/mps?pass%77ord=pw-in-url",
          "mysql://support@db.example/mps"}) {
        INFO(bad);
        try {
            parse_config(std::string("[ledger]\nurl = \"") + bad + "\"\n", "config.toml");
            FAIL("accepted");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::usage);
            CHECK_THAT(e.what(), Catch::Contains("ledger.url") && !Catch::Contains("pw-in-url"));
        }
    }
    CHECK(check_ledger_url("postgresql://support@db.example/mps/") ==
          "postgresql://support@db.example/mps");
    CHECK_THROWS_AS(check_ledger_url("postgresql://support:x@db.example/mps"), Error);
    CHECK(check_ledger_url("postgresql://support@db.example/mps?passfile=%2Fetc%2Fmps.pgpass") ==
          "postgresql://support@db.example/mps?passfile=%2Fetc%2Fmps.pgpass");
    CHECK_FALSE(postgres_url_has_password("postgresql://support@db.example/mps?password_x=1&a=%"));
    CHECK_FALSE(postgres_url_has_password("postgresql://support@[::1]:5432/mps?host=%2Ftmp"));
    CHECK(postgres_url_has_password("postgres://:pw@db.example"));
    CHECK(postgres_url_has_password("postgresql://db.example/mps?a=1&PASSWORD=x&%70%61ssword"));
}

TEST_CASE("ledger engines: a large first import is all or nothing, then merges",
          "[orders][ledger]") {
    Engine engine(GENERATE(as<std::string>{}, "sqlite", "postgresql"));
    INFO(engine.name);
    auto ledger = engine.open();
    std::vector<OrderLine> lines;
    for (int i = 0; i < 12000; ++i)
        lines.push_back(line("BULK" + std::to_string(i), "mymod", "2026-01-10 10:00:00",
                             "c" + std::to_string(i % 5000) + "@example.com"));
    lines.push_back(line("EXTEND", "mymod", "2026-01-20 10:00:00", "c7@example.com", 6));
    auto twice = lines;
    twice.push_back(lines[42]);  // a repeated key: nothing is written
    CHECK_THROWS_AS(ledger->import_lines(twice, "csv", "now"), Error);
    CHECK(ledger->line_count() == 0);
    auto counts = ledger->import_lines(lines, "csv", "now");
    CHECK(counts.inserted == 12001);
    CHECK(ledger->order("BULK7")[0].applied_extension_months == 6);
    CHECK(ledger->order("BULK8")[0].applied_extension_months == 0);
    CHECK(ledger->customer_module("c7@example.com", "mymod").size() == 4);
    lines[8].customer_name = "Changed";
    lines.push_back(line("NEW", "mymod", "2026-01-21 10:00:00", "n@example.com"));
    counts = ledger->import_lines(lines, "csv", "later");
    CHECK(counts.inserted == 1);
    CHECK(counts.updated == 1);
    CHECK(counts.unchanged == 12000);
    CHECK(ledger->order("BULK8")[0].customer_name == "Changed");
}

namespace {

// tricky_extensions: extension lines that come before their purchase, on the purchase's day
// but earlier in it, at tied times, twice for one purchase, for no purchase, across customers.
std::vector<OrderLine> tricky_extensions() {
    return {
        line("E1", "mod", "2026-02-01 08:00:00", "a@example.com", 6),  // before its purchases
        line("P1", "mod", "2026-01-05 10:00:00", "a@example.com"),
        line("P2", "mod", "2026-02-01 23:00:00", "a@example.com"),     // same day, later: counts
        line("P3", "mod", "2026-03-01 10:00:00", "a@example.com"),     // after E1: not its target
        line("E2", "mod", "2026-02-02 08:00:00", "a@example.com", 3),  // P2 again: max wins
        line("T1", "mod", "2026-01-10 10:00:00", "b@example.com"),
        line("T2", "mod", "2026-01-10 10:00:00", "b@example.com"),  // tie: larger reference
        line("E3", "mod", "2026-01-11 00:00:00", "b@example.com", 12),
        line("E4", "mod", "2026-01-01 00:00:00", "c@example.com", 3),  // extends nothing
        line("Q1", "mod", "2026-01-02 00:00:00", "c@example.com"),     // after E4: not extended
        line("Q1", "other", "2025-12-01 00:00:00", "c@example.com"),   // other module
        line("E5", "mod", "2026-01-12 00:00:00", "B@example.com", 6),  // another customer
        line("N1", "plain", "2026-01-01 00:00:00", "d@example.com"),
    };
}

// applied_by_key: "reference/module/months" -> "id:applied" of every line of the ledger.
std::map<std::string, std::string> applied_by_key(Ledger& ledger) {
    std::map<std::string, std::string> out;
    ledger.for_each_line([&](const OrderLine& l) {
        out[l.reference + "/" + l.module + "/" + std::to_string(l.extended_months)] =
            std::to_string(l.id) + ":" + std::to_string(l.applied_extension_months);
    });
    return out;
}

}  // namespace

TEST_CASE("ledger engines: a first import applies tricky extensions alike, hinted or not",
          "[orders][ledger]") {
    auto lines = tricky_extensions();
    std::vector<std::uint64_t> all_groups;
    for (const auto& l : lines)
        if (l.is_extension()) all_groups.push_back(extension_group(l));
    // How the lines reach the empty ledger: import_lines (which tells the extension groups),
    // begin_import without a hint, or a hint that misses a group (an extension line comes
    // late for it).
    std::string how = GENERATE(as<std::string>{}, "import_lines", "no hint", "partial hint");
    INFO(how);
    std::map<std::string, std::map<std::string, std::string>> seen;
    for (const char* name : {"sqlite", "postgresql"}) {
        Engine engine(name);
        INFO(engine.name);
        auto ledger = engine.open();
        if (how == "import_lines") {
            ledger->import_lines(lines, "csv", "now");
        } else {
            auto import = ledger->begin_import("csv", "now");
            if (how == "partial hint")
                import->expect_extensions({extension_group(lines[0]), extension_group(lines[7])});
            for (const auto& l : lines) import->add(l);
            CHECK(import->commit().inserted == lines.size());
        }
        seen[name] = applied_by_key(*ledger);
        CHECK(ledger->order("P2")[0].applied_extension_months == 6);
        CHECK(ledger->order("P1")[0].applied_extension_months == 0);
        CHECK(ledger->order("P3")[0].applied_extension_months == 0);
        CHECK(ledger->order("T2")[0].applied_extension_months == 12);
        CHECK(ledger->order("T1")[0].applied_extension_months == 0);
        CHECK(ledger->order("Q1")[0].applied_extension_months == 0);
        // Ids follow the import's order on both engines.
        CHECK(ledger->order("E1")[0].id == 1);
        CHECK(ledger->order("N1")[0].id == static_cast<std::int64_t>(lines.size()));
        // New lines after the load get the next ids.
        ledger->import_lines({line("LATE", "plain", "2026-04-01 00:00:00", "d@example.com")}, "csv",
                             "later");
        CHECK(ledger->order("LATE")[0].id == static_cast<std::int64_t>(lines.size()) + 1);
    }
    CHECK(seen["postgresql"] == seen["sqlite"]);
}
