// CLI tests of remind against a real SMTP server on loopback (Debian python3-aiosmtpd):
// exact messages per recipient, concurrent runs, a refused recipient, a run killed midway.
#include <signal.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <set>

#include "json_result.hpp"
#include "smtp_fixture.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using testing::json_of;
using testing::run_mpsupport;
using testing::RunResult;
using testing::TempDir;

namespace {

const char* kPassword = "s3cret-SMTP-pass-42";

// Vendor: a home with a config pointing at a fresh SMTP server, and an orders ledger.
struct Vendor {
    TempDir home;
    testing::SmtpServer smtp{home / "smtp", kPassword};
    std::map<std::string, std::string> env = {{"MPSUPPORT_SMTP_PASSWORD", kPassword}};

    Vendor() {
        testing::write(
            home / ".config/mpsupport/config.toml",
            "[vendor]\nname = \"Vendör Shop\"\nsupport_email = \"help@vendor.example\"\n"
            "from = \"reminders@vendor.example\"\nsmtp_url = \"smtp://127.0.0.1:" +
                std::to_string(smtp.port) +
                "\"\nsmtp_user = \"mailer\"\n"
                "[remind]\nextended_support_url = \"https://vendor.example/{module}-support\"\n");
    }
    RunResult run(const std::vector<std::string>& args) {
        return run_mpsupport(args, home.path(), env);
    }
    void import(const std::string& rows) {
        testing::write(
            home / "orders.csv",
            "order_reference,purchased_at,customer_email,customer_name,module,extended_months\n" +
                rows);
        auto r = run({"orders", "import", (home / "orders.csv").string()});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
    }
    std::vector<std::string> messages(const std::string& recipient) const {
        return smtp.messages(recipient);
    }
    std::size_t total_messages() const { return smtp.total_messages(); }
};

// Orders as of 2026-03-01: ann ends in 4 days (7-day reminder, 30 covered), bob in 24 days
// (30-day), carl today (1-day), dora ended yesterday (nothing without --expired).
const char* kRows =
    "ANNORDERA,2026-02-05 10:00:00,ann@example.com,Ann Überlänge-Gruß,mymod,\n"
    "BOBORDERA,2026-02-25,bob@example.com,\"Bob, Jr.\",mymod,\n"
    "CARLORDER,2026-02-01,carl@example.com,,othermod,\n"
    "DORAORDER,2026-01-28,dora@example.com,Dora,mymod,\n";

}  // namespace

TEST_CASE("remind --dry-run lists what would be sent and writes nothing", "[cli][remind]") {
    Vendor v;
    v.import(kRows);
    auto dry = v.run({"--json", "remind", "--dry-run", "--at", "2026-03-01"});
    CHECK(dry.exit_code == 0);
    auto doc = json_of(dry);
    CHECK(doc["schema"] == "mpsupport.remind/1");
    CHECK(doc["summary"]["would_send"] == 3);
    std::map<std::string, nlohmann::json> by_ref;
    for (const auto& r : doc["reminders"]) by_ref[r["reference"]] = r["threshold"];
    CHECK(by_ref["ANNORDERA"] == 7);
    CHECK(by_ref["BOBORDERA"] == 30);
    CHECK(by_ref["CARLORDER"] == 1);
    CHECK(v.total_messages() == 0);
    auto show = v.run({"--json", "orders", "show", "ANNORDERA"});
    CHECK(json_of(show)["lines"][0]["reminders"].empty());
    auto text = v.run({"remind", "--dry-run", "--at", "2026-03-01"});
    CHECK_THAT(text.out, Catch::Contains("remind 2026-03-01: 3 would be sent"));
}

TEST_CASE("remind sends each reminder exactly once, with RFC 5322 headers", "[cli][remind]") {
    Vendor v;
    v.import(kRows);
    auto first = v.run({"remind", "--at", "2026-03-01"});
    INFO(first.out << first.err);
    CHECK(first.exit_code == 0);
    CHECK_THAT(first.out, Catch::Contains("3 sent, 0 failed"));
    CHECK(v.messages("ann@example.com").size() == 1);
    CHECK(v.messages("bob@example.com").size() == 1);
    CHECK(v.messages("carl@example.com").size() == 1);
    CHECK(v.messages("dora@example.com").empty());
    CHECK(testing::slurp(v.smtp.mail_dir / "auth") ==
          "mailer\n");  // logged in with the password from the env

    std::string ann = v.messages("ann@example.com")[0];
    CHECK_THAT(ann, Catch::Contains("\r\nFrom: =?UTF-8?B?"));  // "Vendör Shop" encoded
    CHECK_THAT(ann, Catch::Contains(" <reminders@vendor.example>\r\n"));
    CHECK_THAT(ann, Catch::Contains(
                        "\r\nTo: =?UTF-8?B?QW5uIMOcYmVybMOkbmdlLUdydcOf?= <ann@example.com>\r\n"));
    CHECK_THAT(ann, Catch::Contains(
                        "Subject: [ANNORDERA] mymod: support ends on 2026-03-05 (in 4 days)\r\n"));
    CHECK_THAT(ann, Catch::Contains("\r\nMessage-ID: <remind.ANNORDERA.mymod.7.2026-03-05."));
    CHECK_THAT(ann, Catch::Contains("@vendor.example>\r\n"));
    CHECK_THAT(ann, Catch::StartsWith("Date: ") || Catch::Contains("\r\nDate: "));
    CHECK_THAT(ann, Catch::Contains("Content-Type: text/plain; charset=UTF-8"));
    CHECK_THAT(ann, Catch::Contains("https://vendor.example/mymod-support"));
    CHECK_THAT(ann, Catch::Contains("Hello Ann =C3=9Cberl=C3=A4nge-Gru=C3=9F,"));
    std::string bob = v.messages("bob@example.com")[0];
    CHECK_THAT(bob, Catch::Contains("\r\nTo: \"Bob, Jr.\" <bob@example.com>\r\n"));
    CHECK_THAT(bob, Catch::Contains("mymod: support ends on 2026-03-25 (in 24 days)"));

    // The same day again: nothing new. Ann's 30-day reminder was covered by the 7-day one.
    auto second = v.run({"--json", "remind", "--at", "2026-03-01"});
    CHECK(second.exit_code == 0);
    CHECK(json_of(second)["summary"]["sent"] == 0);
    CHECK(v.total_messages() == 3);
    auto quiet = v.run({"remind", "--at", "2026-03-02"});
    CHECK(quiet.out.empty());  // cron: nothing to say when nothing is due

    // Later: ann reaches 1 day, bob 7 days; each gets exactly one more.
    auto later = v.run({"remind", "--at", "2026-03-18"});
    CHECK(later.exit_code == 0);
    CHECK(v.messages("bob@example.com").size() == 2);
    CHECK(v.messages("ann@example.com").size() == 1);  // ended 2026-03-05: past, no --expired
    auto expired = v.run({"remind", "--at", "2026-03-18", "--expired"});
    CHECK(expired.exit_code == 0);
    REQUIRE(v.messages("ann@example.com").size() == 2);
    CHECK_THAT(v.messages("ann@example.com")[1], Catch::Contains("support ended on 2026-03-05"));
    auto show = json_of(v.run({"--json", "orders", "show", "ANNORDERA"}));
    std::set<std::string> states;
    for (const auto& r : show["lines"][0]["reminders"])
        states.insert(std::to_string(r["threshold"].get<int>()) + ":" +
                      r["state"].get<std::string>());
    CHECK(states == std::set<std::string>{"-1:sent", "1:covered", "7:sent", "30:covered"});
}

TEST_CASE("a refused recipient fails alone and is retried on the next run", "[cli][remind]") {
    Vendor v;
    v.import(std::string(kRows) + "REFUSEDAA,2026-02-03,refuse.me@example.com,Ref,mymod,\n");
    auto r = v.run({"remind", "--at", "2026-03-01"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 4);
    CHECK_THAT(r.out, Catch::Contains("failed") && Catch::Contains("refuse.me@example.com") &&
                          Catch::Contains("3 sent, 1 failed"));
    CHECK(v.total_messages() == 3);
    auto again = v.run({"--json", "remind", "--at", "2026-03-01"});
    CHECK(again.exit_code == 4);
    auto doc = json_of(again);
    CHECK(doc["summary"]["sent"] == 0);
    CHECK(doc["summary"]["failed"] == 1);
    CHECK(v.total_messages() == 3);
    auto show = v.run({"--json", "orders", "show", "REFUSEDAA"});
    auto reminder = json_of(show)["lines"][0]["reminders"];
    bool found = false;
    for (const auto& rec : reminder)
        if (rec["threshold"] == 7) {
            found = true;
            CHECK(rec["state"] == "failed");
            CHECK(rec["attempts"] == 2);
            CHECK_THAT(rec["error"].get<std::string>(), Catch::Contains("550"));
        }
    CHECK(found);
}

TEST_CASE("two concurrent remind runs send every reminder once", "[cli][remind]") {
    Vendor v;
    std::string rows;
    for (int i = 0; i < 24; ++i) {
        char line[160];
        std::snprintf(line, sizeof line,
                      "CONC%05d,2026-02-%02d,delay%02d@example.com,C %d,mymod,\n", i, 2 + i % 27, i,
                      i);
        rows += line;
    }
    v.import(rows);
    // The server takes 50 ms per message, so the two runs overlap.
    std::vector<std::string> args = {"--json",     "remind",       "--at",
                                     "2026-03-01", "--thresholds", "30,7,1"};
    auto runs = testing::run_concurrently(args, v.home.path(), v.env, v.home.path(), v.env);
    INFO(runs.out_a << runs.out_b);
    CHECK(runs.code_a == 0);
    CHECK(runs.code_b == 0);
    auto doc_a = nlohmann::json::parse(runs.out_a, nullptr, false);
    auto doc_b = nlohmann::json::parse(runs.out_b, nullptr, false);
    REQUIRE_FALSE(doc_a.is_discarded());
    REQUIRE_FALSE(doc_b.is_discarded());
    CHECK(doc_a["summary"]["sent"].get<int>() + doc_b["summary"]["sent"].get<int>() == 24);
    CHECK(v.total_messages() == 24);
    for (int i = 0; i < 24; ++i) {
        char rcpt[32];
        std::snprintf(rcpt, sizeof rcpt, "delay%02d@example.com", i);
        CHECK(v.messages(rcpt).size() == 1);
    }
}

TEST_CASE("a run killed midway: the next run sends what is left, nothing twice", "[cli][remind]") {
    Vendor v;
    v.import(
        "KILLAAAAA,2026-02-04,a1@example.com,A,mymod,\n"
        "KILLBBBBB,2026-02-05,slow.b@example.com,B,mymod,\n"
        "KILLCCCCC,2026-02-06,c1@example.com,C,mymod,\n");
    int pid = testing::start_mpsupport({"remind", "--at", "2026-03-01"}, v.home.path(), v.env,
                                       v.home / "k.out");
    // The server holds the second message at RCPT; kill the run there.
    bool blocked = testing::wait_for_file(v.smtp.mail_dir / "blocked", 15);
    kill(pid, SIGKILL);
    CHECK(testing::wait_mpsupport(pid) == 128 + SIGKILL);
    REQUIRE(blocked);
    testing::write(v.smtp.mail_dir / "release", "");
    CHECK(v.messages("a1@example.com").size() == 1);
    CHECK(v.messages("slow.b@example.com").empty());
    CHECK(v.messages("c1@example.com").empty());

    auto rerun = v.run({"-v", "remind", "--at", "2026-03-01"});
    INFO(rerun.out << rerun.err);
    CHECK(rerun.exit_code == 0);
    CHECK_THAT(rerun.out, Catch::Contains("2 sent, 0 failed"));
    CHECK(v.messages("a1@example.com").size() == 1);
    CHECK(v.messages("slow.b@example.com").size() == 1);
    CHECK(v.messages("c1@example.com").size() == 1);
}

TEST_CASE("the SMTP password never appears in output or logs", "[cli][remind]") {
    Vendor v;
    v.import(kRows);
    auto r =
        v.run({"-vv", "--log-file", (v.home / "run.log").string(), "remind", "--at", "2026-03-01"});
    CHECK(r.exit_code == 0);
    std::string log = testing::slurp(v.home / "run.log");
    CHECK_FALSE(log.empty());
    for (const std::string* text : {&r.out, &r.err, &log})
        CHECK(text->find(kPassword) == std::string::npos);

    v.env["MPSUPPORT_SMTP_PASSWORD"] = "wrong-password-123";
    auto denied = v.run({"-vv", "--json", "remind", "--at", "2026-03-18"});
    CHECK(denied.exit_code == 5);
    CHECK(denied.out.find("wrong-password-123") == std::string::npos);
    CHECK(denied.err.find("wrong-password-123") == std::string::npos);

    v.env.erase("MPSUPPORT_SMTP_PASSWORD");
    auto missing = v.run({"remind", "--at", "2026-03-18"});
    CHECK(missing.exit_code == 2);
    CHECK_THAT(missing.err, Catch::Contains("MPSUPPORT_SMTP_PASSWORD"));
}

TEST_CASE("the SMTP password from smtp_password_file logs in and never shows",
          "[cli][remind][secrets]") {
    Vendor v;
    v.import(kRows);
    v.env.erase("MPSUPPORT_SMTP_PASSWORD");
    fs::path secret = v.home / "smtp.pass";
    testing::write(secret, std::string(kPassword) + "\n");
    fs::permissions(secret, fs::perms::owner_read | fs::perms::owner_write);
    fs::path config = v.home / ".config/mpsupport/config.toml";
    std::string text = testing::slurp(config);
    text.replace(text.find("smtp_user = \"mailer\"\n"), 20,
                 "smtp_user = \"mailer\"\nsmtp_password_file = \"" + secret.string() + "\"\n");
    testing::write(config, text);
    auto r =
        v.run({"-vv", "--log-file", (v.home / "run.log").string(), "remind", "--at", "2026-03-01"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(v.total_messages() == 3);  // the server accepted the login
    std::string log = testing::slurp(v.home / "run.log");
    for (const std::string* text : {&r.out, &r.err, &log})
        CHECK(text->find(kPassword) == std::string::npos);
}

TEST_CASE("a 5000-character customer name is folded and the reminder is delivered",
          "[cli][remind]") {
    Vendor v;
    std::string words, word(5000, 'W');
    while (words.size() < 5000) words += "Ann ";
    words += "Lee";
    v.import("LONGNAMEA,2026-02-05,long.a@example.com," + words + ",mymod,\n" +
             "LONGNAMEB,2026-02-05,long.b@example.com," + word + ",mymod,\n");
    auto r = v.run({"remind", "--at", "2026-03-01"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("2 sent, 0 failed"));
    for (const char* rcpt : {"long.a@example.com", "long.b@example.com"}) {
        auto received = v.messages(rcpt);
        REQUIRE(received.size() == 1);
        const std::string& message = received[0];
        std::size_t start = 0;
        bool in_headers = true;
        while (start < message.size()) {
            auto end = message.find("\r\n", start);
            if (end == std::string::npos) end = message.size();
            if (end == start) in_headers = false;
            CHECK(end - start <= (in_headers ? 78u : 998u));
            start = end + 2;
        }
        CHECK_THAT(message, Catch::Contains("<" + std::string(rcpt) + ">\r\n"));
    }
}
