// CLI tests of the shared PostgreSQL ledger (MPSUPPORT_LEDGER_URL): orders import, expiry,
// ticket list and remind against the private PostgreSQL of tests/support/postgres_server.hpp,
// two "machines" (two homes) sharing one database, and the failures (unreachable, refused
// password, password in the URL).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "json_result.hpp"
#include "postgres_server.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using testing::json_of;
using testing::run_mpsupport;
using testing::RunResult;
using testing::TempDir;

namespace {

const char* kSmtpPassword = "s3cret-SMTP-pass-42";

// Machine: a home whose config points at `smtp_port`, sharing the ledger at `url`.
struct Machine {
    TempDir home;
    std::map<std::string, std::string> env;
    Machine(const std::string& url, int smtp_port) {
        env = {{"MPSUPPORT_SMTP_PASSWORD", kSmtpPassword}, {"MPSUPPORT_LEDGER_URL", url}};
        testing::write(home / ".config/mpsupport/config.toml",
                       "[vendor]\nname = \"Vendor\"\nsupport_email = \"help@vendor.example\"\n"
                       "from = \"reminders@vendor.example\"\nsmtp_url = \"smtp://127.0.0.1:" +
                           std::to_string(smtp_port) + "\"\nsmtp_user = \"mailer\"\n");
    }
    RunResult run(const std::vector<std::string>& args) {
        return run_mpsupport(args, home.path(), env);
    }
};

struct Team {
    std::string url = testing::PostgresServer::shared().new_database();
    TempDir smtp_home;
    fs::path mail_dir = smtp_home / "smtp";
    int port = testing::free_port();
    testing::ServerProcess smtp{{"/usr/bin/python3", MPSUPPORT_FIXTURES "/smtp_server.py",
                                 std::to_string(port), mail_dir.string()},
                                port,
                                {{"SMTP_TEST_PASSWORD", kSmtpPassword}}};
    Machine a{url, port};
    Machine b{url, port};
};

}  // namespace

TEST_CASE("PostgreSQL ledger: import on one machine, expiry and orders on another",
          "[cli][ledger][postgresql]") {
    Team t;
    testing::write(t.a.home / "orders.csv",
                   "order_reference,purchased_at,customer_email,customer_name,module,"
                   "extended_months\n"
                   "JANENDAAA,2026-01-31 09:00:00,jan@example.com,Jan,othermod,\n"
                   "JANENDAAA,2026-01-31 09:00:00,jan@example.com,Jan,mymod,\n"
                   "EXTENDAAA,2026-02-01 09:00:00,jan@example.com,Jan,mymod,6\n");
    auto imported = t.a.run({"--json", "orders", "import", (t.a.home / "orders.csv").string()});
    INFO(imported.err);
    REQUIRE(imported.exit_code == 0);
    CHECK(json_of(imported)["inserted"] == 3);
    CHECK_FALSE(fs::exists(t.a.home / ".local/share/mpsupport/ledger.sqlite"));

    auto expiry = t.b.run({"--json", "expiry", "JANENDAAA", "--at", "2026-02-28"});
    INFO(expiry.err);
    CHECK(expiry.exit_code == 0);
    auto expiry_json = json_of(expiry);  // the loop below must not walk a destroyed temporary
    for (const auto& line : expiry_json["orders"][0]["lines"]) {
        if (line["module"] == "othermod")
            CHECK(line["support_end"] == "2026-02-28");
        else
            CHECK(line["support_end"] == "2026-07-31");
    }
    CHECK(t.b.run({"expiry", "NOSUCHREF"}).exit_code == 6);
    auto show = t.b.run({"--json", "orders", "show", "JANENDAAA"});
    CHECK(show.exit_code == 0);
    CHECK_FALSE(fs::exists(t.b.home / ".local/share/mpsupport/ledger.sqlite"));

    auto tickets = t.b.run({"--json", "ticket", "list"});
    CHECK(tickets.exit_code == 0);
    CHECK(json_of(tickets)["tickets"].empty());
}

TEST_CASE("PostgreSQL ledger: two machines running remind at once mail each customer once",
          "[cli][ledger][postgresql][remind]") {
    Team t;
    std::string rows =
        "order_reference,purchased_at,customer_email,customer_name,module,extended_months\n";
    for (int i = 0; i < 24; ++i) {
        char line[160];
        std::snprintf(line, sizeof line, "CONC%05d,2026-02-%02d,c%02d@example.com,C %d,mymod,\n", i,
                      2 + i % 27, i, i);
        rows += line;
    }
    testing::write(t.a.home / "orders.csv", rows);
    REQUIRE(t.a.run({"orders", "import", (t.a.home / "orders.csv").string()}).exit_code == 0);
    std::vector<std::string> args = {"--json",     "remind",       "--at",
                                     "2026-03-01", "--thresholds", "30,7,1"};
    int pa = testing::start_mpsupport(args, t.a.home.path(), t.a.env, t.a.home / "a.out");
    int pb = testing::start_mpsupport(args, t.b.home.path(), t.b.env, t.b.home / "b.out");
    int code_a = testing::wait_mpsupport(pa);
    int code_b = testing::wait_mpsupport(pb);
    std::string out_a = testing::slurp(t.a.home / "a.out");
    std::string out_b = testing::slurp(t.b.home / "b.out");
    INFO(out_a << out_b);
    CHECK(code_a == 0);
    CHECK(code_b == 0);
    auto doc_a = nlohmann::json::parse(out_a, nullptr, false);
    auto doc_b = nlohmann::json::parse(out_b, nullptr, false);
    REQUIRE_FALSE(doc_a.is_discarded());
    REQUIRE_FALSE(doc_b.is_discarded());
    CHECK(doc_a["summary"]["sent"].get<int>() + doc_b["summary"]["sent"].get<int>() == 24);
    CHECK(testing::count_files(t.mail_dir / "mail") == 24);
    for (int i = 0; i < 24; ++i) {
        char rcpt[32];
        std::snprintf(rcpt, sizeof rcpt, "c%02d@example.com", i);
        CHECK(fs::exists(t.mail_dir / "mail" / rcpt / "1.eml"));
        CHECK_FALSE(fs::exists(t.mail_dir / "mail" / rcpt / "2.eml"));
    }
    // A third run finds nothing left to send.
    auto again = t.b.run(args);
    CHECK(again.exit_code == 0);
    CHECK(json_of(again)["summary"]["sent"] == 0);
}

TEST_CASE("PostgreSQL ledger: unreachable is exit 4, a password in the URL exit 2, never the file",
          "[cli][ledger][postgresql]") {
    TempDir home;
    int port = testing::free_port();
    auto down = run_mpsupport({"--timeout", "2", "orders", "list"}, home.path(),
                              {{"MPSUPPORT_LEDGER_URL",
                                "postgresql://support@127.0.0.1:" + std::to_string(port) + "/x"}});
    CHECK(down.exit_code == 4);
    CHECK_THAT(down.err, Catch::Contains("127.0.0.1"));
    CHECK_FALSE(fs::exists(home / ".local/share/mpsupport/ledger.sqlite"));

    auto secret = run_mpsupport(
        {"expiry", "X"}, home.path(),
        {{"MPSUPPORT_LEDGER_URL", "postgresql://support:hunter2-pw@127.0.0.1:5432/x"}});
    CHECK(secret.exit_code == 2);
    CHECK_THAT(secret.err + secret.out, !Catch::Contains("hunter2-pw"));

    auto& server = testing::PostgresServer::shared();
    std::string db = server.new_database();
    std::string name = db.substr(db.rfind('/') + 1);
    auto refused = run_mpsupport({"orders", "list"}, home.path(),
                                 {{"MPSUPPORT_LEDGER_URL", server.url(name, server.password_user)},
                                  {"MPSUPPORT_LEDGER_PASSWORD", "wrong-one"}});
    CHECK(refused.exit_code == 5);
    CHECK_THAT(refused.err, !Catch::Contains("wrong-one"));
    auto allowed = run_mpsupport({"orders", "list"}, home.path(),
                                 {{"MPSUPPORT_LEDGER_URL", server.url(name, server.password_user)},
                                  {"PGPASSWORD", server.password}});
    INFO(allowed.err);
    CHECK(allowed.exit_code == 0);
}

TEST_CASE("ledger migrate copies the local ledger into PostgreSQL, idempotently",
          "[cli][ledger][postgresql]") {
    TempDir home;
    testing::write(home / "orders.csv",
                   "order_reference,purchased_at,customer_email,customer_name,module,"
                   "extended_months\n"
                   "JANENDAAA,2026-01-31 09:00:00,jan@example.com,Jan,othermod,\n"
                   "EXTENDAAA,2026-02-01 09:00:00,jan@example.com,Jan,othermod,6\n");
    REQUIRE(run_mpsupport({"orders", "import", (home / "orders.csv").string()}, home.path())
                .exit_code == 0);
    std::string url = testing::PostgresServer::shared().new_database();
    auto first = run_mpsupport({"--json", "ledger", "migrate", "--to", url}, home.path());
    INFO(first.err);
    REQUIRE(first.exit_code == 0);
    CHECK(json_of(first)["inserted"] == 2);
    auto again = run_mpsupport({"--json", "ledger", "migrate", "--to", url}, home.path());
    CHECK(again.exit_code == 0);
    CHECK(json_of(again)["inserted"] == 0);
    CHECK(json_of(again)["unchanged"] == 2);
    auto expiry = run_mpsupport({"--json", "expiry", "JANENDAAA", "--at", "2026-02-28"},
                                home.path(), {{"MPSUPPORT_LEDGER_URL", url}});
    CHECK(expiry.exit_code == 0);
    CHECK(json_of(expiry)["orders"][0]["lines"][0]["support_end"] == "2026-07-31");
    auto bad = run_mpsupport({"ledger", "migrate", "--to", "postgresql://u:pw-x@127.0.0.1/x"},
                             home.path());
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err + bad.out, !Catch::Contains("pw-x"));
}
