// CLI tests of the shared PostgreSQL ledger (MPSUPPORT_LEDGER_URL): orders import, expiry,
// ticket list and remind against the private PostgreSQL of tests/support/postgres_server.hpp,
// two "machines" (two homes) sharing one database, and the failures (unreachable, refused
// password, password in the URL).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "json_result.hpp"
#include "postgres_server.hpp"
#include "smtp_fixture.hpp"
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
    testing::SmtpServer smtp{smtp_home / "smtp", kSmtpPassword};
    Machine a{url, smtp.port};
    Machine b{url, smtp.port};
};

// answer_within: the first answer of `sql` in database `name` that is neither empty nor "0",
// asked every 50 ms for up to 30 s; empty if none came.
std::string answer_within(const std::string& name, const std::string& sql) {
    for (int i = 0; i < 600; ++i) {
        std::string answer = testing::PostgresServer::shared().psql(name, sql);
        if (!answer.empty() && answer != "0") return answer;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return std::string();
}

// TableLock: another session holding order_lines (ACCESS EXCLUSIVE) in database `name`, so
// that a command waits inside PostgreSQL, its connection idle, until release().
class TableLock {
  public:
    explicit TableLock(std::string name)
        : name_(std::move(name)), holder_([this] {
              try {
                  testing::PostgresServer::shared().psql(
                      name_,
                      "BEGIN; LOCK TABLE order_lines IN ACCESS EXCLUSIVE MODE; "
                      "SELECT pg_sleep(120)");
              } catch (const std::exception&) {  // ended by release()
              }
          }) {}
    ~TableLock() { release(); }
    TableLock(const TableLock&) = delete;
    TableLock& operator=(const TableLock&) = delete;
    // held: whether the lock was granted within 30 s.
    bool held() const {
        return !answer_within(name_,
                              "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = "
                              "l.relation WHERE c.relname = 'order_lines' AND l.mode = "
                              "'AccessExclusiveLock' AND l.granted")
                    .empty();
    }
    void release() {
        if (!holder_.joinable()) return;
        testing::PostgresServer::shared().psql(
            name_, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" +
                       name_ + "' AND query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()");
        holder_.join();
    }

  private:
    std::string name_;
    std::thread holder_;
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
    auto runs = testing::run_concurrently(args, t.a.home.path(), t.a.env, t.b.home.path(), t.b.env);
    INFO(runs.out_a << runs.out_b);
    CHECK(runs.code_a == 0);
    CHECK(runs.code_b == 0);
    auto doc_a = nlohmann::json::parse(runs.out_a, nullptr, false);
    auto doc_b = nlohmann::json::parse(runs.out_b, nullptr, false);
    REQUIRE_FALSE(doc_a.is_discarded());
    REQUIRE_FALSE(doc_b.is_discarded());
    CHECK(doc_a["summary"]["sent"].get<int>() + doc_b["summary"]["sent"].get<int>() == 24);
    CHECK(t.smtp.total_messages() == 24);
    for (int i = 0; i < 24; ++i) {
        char rcpt[32];
        std::snprintf(rcpt, sizeof rcpt, "c%02d@example.com", i);
        CHECK(fs::exists(t.smtp.mail_dir / "mail" / rcpt / "1.eml"));
        CHECK_FALSE(fs::exists(t.smtp.mail_dir / "mail" / rcpt / "2.eml"));
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

TEST_CASE("PostgreSQL ledger: the password from [ledger] password_command or password_file",
          "[cli][ledger][postgresql][secrets]") {
    auto& server = testing::PostgresServer::shared();
    std::string db = server.new_database();
    std::string name = db.substr(db.rfind('/') + 1);
    TempDir home;
    fs::path config = home / ".config/mpsupport/config.toml";
    std::string ledger = "[ledger]\nurl = \"" + server.url(name, server.password_user) + "\"\n";
    auto run = [&](const std::vector<std::string>& args,
                   const std::map<std::string, std::string>& env = {}) {
        return run_mpsupport(args, home.path(), env);
    };
    // The command prints the password kept in another file, so that the command itself (which
    // config list shows) does not hold it.
    testing::write(home / "vault", std::string(server.password) + "\n");
    testing::write(config,
                   ledger + "password_command = \"cat " + (home / "vault").string() + "\"\n");
    auto listed = run({"-vv", "orders", "list"});
    INFO(listed.err);
    CHECK(listed.exit_code == 0);
    CHECK_THAT(listed.out + listed.err, !Catch::Contains(server.password));
    auto get = run({"config", "get", "ledger.password_command"});
    CHECK(get.exit_code == 0);
    CHECK_THAT(get.out, Catch::Contains("cat ") && !Catch::Contains(server.password));
    auto all = run({"config", "list"});
    CHECK_THAT(all.out,
               Catch::Contains("ledger.password_command") && !Catch::Contains(server.password));
    // MPSUPPORT_LEDGER_PASSWORD wins over the command.
    auto env_wins = run({"orders", "list"}, {{"MPSUPPORT_LEDGER_PASSWORD", "wrong-env-pw"}});
    CHECK(env_wins.exit_code == 5);
    CHECK_THAT(env_wins.err, !Catch::Contains("wrong-env-pw"));

    // A failing command: exit 2 naming the key, never what it printed.
    testing::write(
        config, ledger + "password_command = \"cat " + (home / "vault").string() + "; exit 3\"\n");
    auto failed = run({"orders", "list"});
    CHECK(failed.exit_code == 2);
    CHECK_THAT(failed.err,
               Catch::Contains("ledger.password_command") && !Catch::Contains(server.password));

    // password_file: refused while others can read it, used once it is private.
    testing::write(config, ledger + "password_file = \"" + (home / "vault").string() + "\"\n");
    chmod((home / "vault").c_str(), 0644);
    auto open = run({"orders", "list"});
    CHECK(open.exit_code == 2);
    CHECK_THAT(open.err, Catch::Contains("ledger.password_file") && Catch::Contains("0644") &&
                             !Catch::Contains(server.password));
    chmod((home / "vault").c_str(), 0600);
    auto private_file = run({"-vv", "orders", "list"});
    INFO(private_file.err);
    CHECK(private_file.exit_code == 0);
    CHECK_THAT(private_file.out + private_file.err, !Catch::Contains(server.password));
    // A wrong password from the file: refused (exit 5), never shown.
    testing::write(home / "vault", "wrong-file-pw\n");
    chmod((home / "vault").c_str(), 0600);
    auto refused = run({"orders", "list"});
    CHECK(refused.exit_code == 5);
    CHECK_THAT(refused.err, Catch::Contains("127.0.0.1") && !Catch::Contains("wrong-file-pw"));

    // ledger migrate reads the same keys, also when [ledger] has no url yet.
    testing::write(home / "vault", std::string(server.password) + "\n");
    chmod((home / "vault").c_str(), 0600);
    testing::write(config, "[ledger]\npassword_file = \"" + (home / "vault").string() + "\"\n");
    testing::write(home / "orders.csv",
                   "order_reference,purchased_at,customer_email,customer_name,module,"
                   "extended_months\nPWMIGRATE,2026-01-31 09:00:00,jan@example.com,Jan,mymod,\n");
    REQUIRE(run({"orders", "import", (home / "orders.csv").string()}).exit_code == 0);
    auto moved =
        run({"--json", "ledger", "migrate", "--to", server.url(name, server.password_user)});
    INFO(moved.err);
    CHECK(moved.exit_code == 0);
    CHECK(json_of(moved)["inserted"] == 1);
}

TEST_CASE("PostgreSQL ledger: a connection lost mid-run fails with exit 4, the next run finishes",
          "[cli][ledger][postgresql][remind]") {
    Team t;
    std::string name = t.url.substr(t.url.rfind('/') + 1);
    auto& server = testing::PostgresServer::shared();
    // As of 2026-03-01 each support ends within 7 days: one reminder per customer.
    testing::write(t.a.home / "orders.csv",
                   "order_reference,purchased_at,customer_email,customer_name,module,"
                   "extended_months\n"
                   "LOSTAAAAA,2026-02-04,a1@example.com,A,mymod,\n"
                   "LOSTBBBBB,2026-02-05,hold.b@example.com,B,mymod,\n"
                   "LOSTCCCCC,2026-02-06,c1@example.com,C,mymod,\n");
    REQUIRE(t.a.run({"orders", "import", (t.a.home / "orders.csv").string()}).exit_code == 0);
    int pid = testing::start_mpsupport({"remind", "--at", "2026-03-01"}, t.a.home.path(), t.a.env,
                                       t.a.home / "lost.out");
    // The SMTP server holds the second message at RCPT: cut the run's database connection
    // there, then let the mail go out.
    bool blocked = testing::wait_for_file(t.smtp.mail_dir / "blocked", 15);
    std::string cut =
        blocked ? server.psql(name,
                              "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                              "datname = '" +
                                  name + "' AND application_name = 'mpsupport'")
                : std::string();
    testing::write(t.smtp.mail_dir / "release", "");
    int code = testing::wait_mpsupport(pid);
    REQUIRE(blocked);
    CHECK(cut == "t");
    std::string err = testing::slurp(t.a.home / "lost.out");
    INFO(err);
    CHECK(code == 4);
    CHECK_THAT(err, Catch::Contains("127.0.0.1:" + std::to_string(server.port())) &&
                        Catch::Contains("connection"));
    CHECK_THAT(err, !Catch::Contains("\n\t"));  // libpq's multi-line message, joined
    CHECK(t.a.run({"--json", "orders", "list"}).exit_code == 0);
    // Consistent: the mail that went out is recorded as sent (after a reconnection), the one
    // never tried is released (failed: any host takes it at once), nothing else.
    CHECK(server.psql(name,
                      "SELECT o.customer_email || ' ' || r.state FROM reminders r JOIN "
                      "order_lines o ON o.id = r.line_id WHERE r.state <> 'covered' ORDER BY 1") ==
          "a1@example.com sent\nc1@example.com failed\nhold.b@example.com sent");
    CHECK(t.smtp.total_messages() == 2);

    // The next run (the other machine) finishes the work: every customer mailed once.
    auto rerun = t.b.run({"--json", "remind", "--at", "2026-03-01"});
    INFO(rerun.out << rerun.err);
    CHECK(rerun.exit_code == 0);
    CHECK(json_of(rerun)["summary"]["sent"] == 1);
    for (const char* rcpt : {"a1@example.com", "hold.b@example.com", "c1@example.com"}) {
        INFO(rcpt);
        CHECK(fs::exists(t.smtp.mail_dir / "mail" / rcpt / "1.eml"));
        CHECK_FALSE(fs::exists(t.smtp.mail_dir / "mail" / rcpt / "2.eml"));
    }
}

TEST_CASE("PostgreSQL ledger: a connection lost in the middle of a COPY keeps nothing",
          "[cli][ledger][postgresql][import]") {
    Team t;
    std::string name = t.url.substr(t.url.rfind('/') + 1);
    auto& server = testing::PostgresServer::shared();
    REQUIRE(t.a.run({"orders", "list"}).exit_code == 0);  // the schema, no lines: a bulk load
    // A row trigger stalls the COPY at one line, with megabytes of rows still to send: the
    // importer is blocked sending them when its connection is cut.
    server.psql(name,
                "CREATE FUNCTION stall() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF "
                "NEW.reference = 'STALLAAAA' THEN PERFORM pg_sleep(60); END IF; RETURN NEW; "
                "END $$; CREATE TRIGGER stall BEFORE INSERT ON order_lines FOR EACH ROW "
                "EXECUTE FUNCTION stall()");
    std::string csv =
        "order_reference,purchased_at,customer_email,customer_name,module,extended_months\n";
    const int lines = 40000;
    for (int i = 0; i < lines; ++i) {
        std::string reference = i == 100 ? "STALLAAAA" : "COPY";
        for (int n = i, k = 0; i != 100 && k < 5; ++k, n /= 26)
            reference += static_cast<char>('A' + n % 26);
        csv += reference + ",2026-02-0" + std::to_string(1 + i % 9) + ",c" + std::to_string(i) +
               "@example.com,Customer with a longer name " + std::to_string(i) + ",mymod,\n";
    }
    testing::write(t.a.home / "orders.csv", csv);
    int pid = testing::start_mpsupport({"orders", "import", (t.a.home / "orders.csv").string()},
                                       t.a.home.path(), t.a.env, t.a.home / "cut.out");
    std::string importer =
        answer_within(name, "SELECT pid FROM pg_stat_activity WHERE datname = '" + name +
                                "' AND application_name = 'mpsupport' AND wait_event = 'PgSleep'");
    if (!importer.empty()) server.psql(name, "SELECT pg_terminate_backend(" + importer + ")");
    int code = testing::wait_mpsupport(pid);
    REQUIRE_FALSE(importer.empty());
    std::string err = testing::slurp(t.a.home / "cut.out");
    INFO(err);
    CHECK(code == 4);
    CHECK_THAT(err, Catch::Contains("lost the connection") &&
                        Catch::Contains("127.0.0.1:" + std::to_string(server.port())));
    CHECK(std::count(err.begin(), err.end(), '\n') <= 2);  // one error line (and its hint)
    CHECK(server.psql(name, "SELECT count(*) FROM order_lines") == "0");

    server.psql(name, "DROP TRIGGER stall ON order_lines");
    auto again = t.b.run({"orders", "import", (t.a.home / "orders.csv").string()});
    INFO(again.out << again.err);
    CHECK(again.exit_code == 0);
    CHECK(server.psql(name, "SELECT count(*) FROM order_lines") == std::to_string(lines));
}

TEST_CASE("PostgreSQL ledger: a database host that vanishes mid-run is exit 4 within --timeout",
          "[cli][ledger][postgresql]") {
    if (::geteuid() != 0) {
        WARN("skipped: cutting a network needs root (a private network namespace)");
        return;
    }
    Team t;
    std::string name = t.url.substr(t.url.rfind('/') + 1);
    auto& server = testing::PostgresServer::shared();
    testing::write(t.a.home / "orders.csv",
                   "order_reference,purchased_at,customer_email,customer_name,module,"
                   "extended_months\nGONEAAAAA,2026-02-04,a@example.com,A,mymod,\n");
    REQUIRE(t.a.run({"orders", "import", (t.a.home / "orders.csv").string()}).exit_code == 0);
    // A lock on the table keeps expiry waiting, its connection idle, when the network goes:
    // the server is not what hangs, the path to it is.
    TableLock lock(name);
    lock.held();

    int port = 15432;  // in the new namespace, nothing else listens
    std::string psql = "/usr/lib/postgresql/15/bin/psql -X -At -h " + server.dir().string() +
                       " -p " + std::to_string(server.port()) + " -U postgres -d " + name;
    std::string waiting = "test \"$(" + psql +
                          " -c \"SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                          "'mpsupport' AND wait_event_type = 'Lock'\")\" = 1";
    auto env = t.a.env;
    env["MPSUPPORT_LEDGER_URL"] =
        "postgresql://postgres@127.0.0.1:" + std::to_string(port) + "/" + name;
    auto r = testing::run_mpsupport_wrapped(
        {"/bin/bash", MPSUPPORT_FIXTURES "/vanishing_network.sh",
         (server.dir() / (".s.PGSQL." + std::to_string(server.port()))).string(),
         std::to_string(port), waiting, "--"},
        {"--timeout", "2", "expiry", "GONEAAAAA", "--at", "2026-02-10"}, t.a.home.path(), env);
    lock.release();
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("ready=1 rc=4 "));
    // --timeout 2: probes after 2 idle seconds, unacknowledged ones end it (tcp_user_timeout);
    // without them the run waited for the kernel's 2 hours (killed at 60 s: rc=137).
    auto ms = std::stol(r.out.substr(r.out.rfind("ms=") + 3));
    CHECK(ms < 15000);
    CHECK_THAT(r.err, Catch::Contains("127.0.0.1:" + std::to_string(port)));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') <= 2);  // one line (and a hint)
}

TEST_CASE(
    "PostgreSQL ledger: a connection lost during orders import imports nothing, the next "
    "run imports all",
    "[cli][ledger][postgresql][import]") {
    Team t;
    std::string name = t.url.substr(t.url.rfind('/') + 1);
    auto& server = testing::PostgresServer::shared();
    const std::string header =
        "order_reference,purchased_at,customer_email,customer_name,module,extended_months\n";
    testing::write(t.a.home / "first.csv", header +
                                               "FIRSTAAAA,2026-02-04,a@example.com,A,mymod,\n"
                                               "FIRSTBBBB,2026-02-05,b@example.com,B,mymod,3\n");
    REQUIRE(t.a.run({"orders", "import", (t.a.home / "first.csv").string()}).exit_code == 0);
    std::string second = header;
    for (int i = 0; i < 2000; ++i) {
        std::string reference = "CUT";
        for (int n = i, k = 0; k < 6; ++k, n /= 26) reference += static_cast<char>('A' + n % 26);
        second += reference + ",2026-02-0" + std::to_string(1 + i % 9) + ",c" + std::to_string(i) +
                  "@example.com,C,mymod," + (i % 10 == 0 ? "6" : "") + "\n";
    }
    testing::write(t.a.home / "second.csv", second);

    // Another session holds order_lines: the import blocks inside its transaction, and its
    // connection is cut there.
    TableLock lock(name);
    bool locked = lock.held();
    int pid = -1;
    std::string importer;
    if (locked) {
        pid = testing::start_mpsupport({"orders", "import", (t.a.home / "second.csv").string()},
                                       t.a.home.path(), t.a.env, t.a.home / "cut.out");
        importer = answer_within(name, "SELECT pid FROM pg_stat_activity WHERE datname = '" + name +
                                           "' AND application_name = 'mpsupport' AND "
                                           "wait_event_type = 'Lock'");
        if (!importer.empty()) server.psql(name, "SELECT pg_terminate_backend(" + importer + ")");
    }
    int code = pid > 0 ? testing::wait_mpsupport(pid) : -1;
    lock.release();
    REQUIRE(locked);
    REQUIRE_FALSE(importer.empty());
    std::string err = testing::slurp(t.a.home / "cut.out");
    INFO(err);
    CHECK(code == 4);
    CHECK_THAT(err, Catch::Contains("127.0.0.1:" + std::to_string(server.port())));
    CHECK(std::count(err.begin(), err.end(), '\n') <= 2);  // one error line (and its hint)
    // All or nothing: the first file's lines only.
    CHECK(server.psql(name, "SELECT count(*) FROM order_lines") == "2");

    // The other machine imports the file again: every line, once.
    auto again = t.b.run({"--json", "orders", "import", (t.a.home / "second.csv").string()});
    INFO(again.out << again.err);
    CHECK(again.exit_code == 0);
    CHECK(server.psql(name, "SELECT count(*) FROM order_lines") == "2002");
    CHECK(server.psql(name,
                      "SELECT count(*) FROM order_lines WHERE reference LIKE 'CUT%' "
                      "AND extended_months = 6") == "200");
}
