// CLI tests of `ticket draft|open|list` against real servers on loopback: an SMTP server
// (Debian python3-aiosmtpd, tests/fixtures/smtp_server.py), PrestaShop 1.7+ and 1.6 contact
// pages (tests/fixtures/contactform.php on php -S, also behind nginx with TLS), the orders
// ledger, and a pseudo-terminal (script(1)) for the questions.
#include <sys/wait.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "json_result.hpp"
#include "orders/date.hpp"
#include "smtp_fixture.hpp"
#include "test_support.hpp"
#include "ticket/business_days.hpp"
#include "tls_fixture.hpp"
#include "util/base64.hpp"

namespace fs = std::filesystem;
using testing::json_of;
using testing::run_mpsupport;
using testing::RunResult;
using testing::TempDir;

namespace {

const char* kPassword = "s3cret-SMTP-ticket-7";

std::string days_ago(int days) {
    return mps::format_date(
        mps::add_days(mps::local_date(std::chrono::system_clock::now()), -days));
}

// A shop owner's home: config with the vendor's SMTP relay and contact page, an orders ledger
// with an active (ACTIVEREF, bought 3 days ago) and an expired (OLDORDERX, 200 days ago) order.
struct Owner {
    TempDir home;
    testing::SmtpServer smtp{home / "smtp", kPassword};
    std::map<std::string, std::string> env = {{"MPSUPPORT_SMTP_PASSWORD", kPassword}};
    std::string contact_url = "http://127.0.0.1:9/17/contact-us";

    Owner(const std::string& extra_vendor = "") {
        write_config(extra_vendor);
        testing::write(home / "orders.csv",
                       "order_reference,purchased_at,customer_email,customer_name,module\n"
                       "ACTIVEREF," +
                           days_ago(3) +
                           ",owner@shop.example,Owner,mymod\n"
                           "OLDORDERX," +
                           days_ago(200) + ",old@shop.example,Old,mymod\n");
        auto r = run({"orders", "import", (home / "orders.csv").string()});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
    }
    void write_config(const std::string& extra_vendor) {
        testing::write(home / ".config/mpsupport/config.toml",
                       "[vendor]\nname = \"Vendör Shop\"\nsupport_email = \"help@vendor.example\"\n"
                       "contact_url = \"" +
                           contact_url +
                           "\"\n"
                           "smtp_url = \"smtp://127.0.0.1:" +
                           std::to_string(smtp.port) + "\"\nsmtp_user = \"mailer\"\n" +
                           extra_vendor +
                           "[stores.myshop]\nurl = \"https://shop.example\"\nadmin_url = "
                           "\"https://shop.example/admin42xy\"\n"
                           "modules = [\"mymod\"]\norder = \"ACTIVEREF\"\n");
    }
    RunResult run(const std::vector<std::string>& args, const std::string& input = "") {
        return run_mpsupport(args, home.path(), env, input);
    }
    std::vector<std::string> messages(const std::string& recipient) const {
        return smtp.messages(recipient);
    }
};

std::vector<std::string> ticket_args(const std::string& verb, std::vector<std::string> more = {}) {
    std::vector<std::string> args = {"ticket",
                                     verb,
                                     "myshop",
                                     "--summary",
                                     "Blank page after saving the settings",
                                     "--message",
                                     "Since 2.1.0 the configuration page is blank.",
                                     "--admin-access",
                                     "on-request",
                                     "--sftp-access",
                                     "withheld"};
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

// header: the value of header `name` in a raw message (first occurrence, unfolded).
std::string header(const std::string& message, const std::string& name) {
    auto at = message.find("\r\n" + name + ": ");
    if (at == std::string::npos) return "";
    at += name.size() + 4;
    return message.substr(at, message.find("\r\n", at) - at);
}

// attachment_bytes: the decoded base64 part named `filename`.
std::string attachment_bytes(const std::string& message, const std::string& filename) {
    auto at = message.find("filename=\"" + filename + "\"\r\n\r\n");
    REQUIRE(at != std::string::npos);
    at = message.find("\r\n\r\n", at) + 4;
    std::string encoded;
    while (message.compare(at, 2, "--") != 0) {
        auto eol = message.find("\r\n", at);
        REQUIRE(eol != std::string::npos);
        encoded += message.substr(at, eol - at);
        at = eol + 2;
    }
    auto bytes = mps::base64_decode(encoded);
    REQUIRE(bytes);
    return *bytes;
}

std::string binary_bundle() {
    std::string bytes = "PK\x03\x04";
    for (int i = 0; i < 70000; ++i) bytes += static_cast<char>((i * 2654435761u) >> 24);
    return bytes;
}

}  // namespace

TEST_CASE("ticket draft prints what open would send and sends nothing", "[cli][ticket]") {
    Owner o;
    auto r = o.run(ticket_args("draft", {"--json"}));
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    auto doc = json_of(r);
    CHECK(doc["schema"] == "mpsupport.ticket/1");
    CHECK(doc["action"] == "draft");
    CHECK(doc["channel"] == "form");
    CHECK(doc["ticket"]["subject"] == "[ACTIVEREF] mymod: Blank page after saving the settings");
    CHECK(doc["ticket"]["customer_email"] == "owner@shop.example");         // from the order
    CHECK(doc["ticket"]["admin_url"] == "https://shop.example/admin42xy");  // from the profile
    CHECK(doc["payload"]["url"] == o.contact_url);
    CHECK(doc["payload"]["fields"]["url"] == "");
    std::string body = doc["payload"]["fields"]["message"];
    CHECK_THAT(body, Catch::Contains("Back-office credentials: available on request"));
    CHECK_THAT(body, Catch::Contains("FTP/SFTP access: not available"));
    CHECK_THAT(body, Catch::Contains("Since 2.1.0 the configuration page is blank."));
    std::map<std::string, std::string> status;
    for (const auto& c : doc["checks"]) status[c["id"]] = c["status"];
    CHECK(status["ticket.support"] == "pass");
    CHECK(status["ticket.scope"] == "pass");
    CHECK(status["ticket.attachment"] == "skip");

    auto email = o.run(ticket_args("draft", {"--via", "email"}));
    CHECK(email.exit_code == 0);
    CHECK_THAT(
        email.out,
        Catch::Contains("Subject:   [ACTIVEREF] mymod: Blank page after saving the settings"));
    CHECK_THAT(email.out, Catch::Contains("Reply-To:  owner@shop.example"));
    CHECK_THAT(email.out,
               Catch::Contains("Verdict: ready to send by e-mail to help@vendor.example"));
    CHECK(testing::count_files(o.smtp.mail_dir / "mail") == 0);
    auto list = o.run({"--json", "ticket", "list"});
    CHECK(json_of(list)["tickets"].empty());
}

TEST_CASE("without a terminal, a missing item is exit 2 naming its flag", "[cli][ticket]") {
    Owner o;
    auto r = o.run({"ticket", "open", "--order", "ACTIVEREF", "--module", "mymod", "--url",
                    "https://shop.example"});
    CHECK(r.exit_code == 2);
    CHECK_THAT(
        r.err,
        Catch::Contains(
            "the ticket lacks --summary, --message, --admin, --admin-access, --files-access"));
    auto json = o.run({"--json", "ticket", "draft", "myshop", "--summary", "x", "--message", "y"});
    CHECK(json.exit_code == 2);
    CHECK(json_of(json)["error"]["message"] == "the ticket lacks --admin-access, --files-access");
    auto bad = o.run({"ticket", "draft", "myshop", "--summary", "s", "--message", "m",
                      "--admin-access", "maybe", "--sftp-access", "withheld"});
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Catch::Contains("--admin-access 'maybe' is not on-request or withheld"));
    auto email = o.run(ticket_args("draft", {"--email", "nobody"}));
    CHECK(email.exit_code == 2);
    CHECK_THAT(email.err, Catch::Contains("--email: 'nobody' is not an e-mail address"));
    auto store = o.run({"ticket", "draft", "othershop"});
    CHECK(store.exit_code == 2);
    CHECK_THAT(store.err, Catch::Contains("no store profile 'othershop'"));
    auto file = o.run(ticket_args("draft", {"--bundle", (o.home / "nope.zip").string()}));
    CHECK(file.exit_code == 2);
    CHECK_THAT(file.err, Catch::Contains("nope.zip: no such file"));
    // The description from a file.
    testing::write(o.home / "msg.txt", "Steps:\n1. open\n2. save\n");
    auto from_file = o.run({"--json", "ticket", "draft", "myshop", "--summary", "s",
                            "--message-file", (o.home / "msg.txt").string(), "--admin-access",
                            "withheld", "--sftp-access", "withheld"});
    CHECK(from_file.exit_code == 0);
    CHECK(json_of(from_file)["ticket"]["message"] == "Steps:\n1. open\n2. save");
}

TEST_CASE("expired support refuses the ticket unless --force; unknown orders are exit 6",
          "[cli][ticket]") {
    Owner o;
    auto r = o.run(ticket_args("open", {"--order", "OLDORDERX", "--via", "email"}));
    INFO(r.out << r.err);
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.out, Catch::Contains("ticket.support"));
    CHECK_THAT(r.out, Catch::Contains("extended support"));
    CHECK_THAT(r.out, Catch::Contains("--force"));
    CHECK(testing::count_files(o.smtp.mail_dir / "mail") == 0);

    auto draft = o.run(ticket_args("draft", {"--order", "OLDORDERX"}));
    CHECK(draft.exit_code == 3);  // what open would do
    CHECK_THAT(draft.out, Catch::Contains("'ticket open' would not send this ticket"));

    auto unknown = o.run(ticket_args(
        "open", {"--order", "NOSUCHREF", "--email", "x@shop.example", "--via", "email"}));
    CHECK(unknown.exit_code == 6);
    CHECK_THAT(unknown.out, Catch::Contains("NOSUCHREF is not in the ledger"));
    auto module = o.run(ticket_args("open", {"--module", "othermod", "--via", "email"}));
    CHECK(module.exit_code == 6);
    CHECK_THAT(module.out, Catch::Contains("the order holds: mymod"));

    auto forced =
        o.run(ticket_args("open", {"--order", "OLDORDERX", "--via", "email", "--force", "--json"}));
    CHECK(forced.exit_code == 0);
    auto doc = json_of(forced);
    CHECK(doc["outcome"] == "sent");
    CHECK(o.messages("help@vendor.example").size() == 1);
    CHECK(header(o.messages("help@vendor.example")[0], "Reply-To") == "old@shop.example");
}

TEST_CASE("ticket open --via email: subject, headers and an attachment identical to the bundle",
          "[cli][ticket]") {
    Owner o("from = \"tickets@relay.example\"\nholidays = [\"2026-12-25\"]\n");
    std::string bundle = binary_bundle();
    testing::write(o.home / "ACTIVEREF-bundle.zip", bundle);
    auto r = o.run(ticket_args("open", {"--via", "email", "--bundle",
                                        (o.home / "ACTIVEREF-bundle.zip").string(), "--json"}));
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    auto doc = json_of(r);
    CHECK(doc["outcome"] == "sent");
    mps::Date today = mps::local_date(std::chrono::system_clock::now());
    CHECK(doc["reply_due"] ==
          mps::format_date(mps::reply_due(today, 1, mps::parse_holidays({"2026-12-25"}))));
    auto mails = o.messages("help@vendor.example");
    REQUIRE(mails.size() == 1);
    const std::string& m = mails[0];
    CHECK(header(m, "Subject") == "[ACTIVEREF] mymod: Blank page after saving the settings");
    CHECK(header(m, "From") == "tickets@relay.example");
    CHECK(header(m, "Reply-To") == "owner@shop.example");
    CHECK(header(m, "To") == "=?UTF-8?B?VmVuZMO2ciBTaG9w?= <help@vendor.example>");
    CHECK(header(m, "Message-ID") == "<" + doc["message_id"].get<std::string>() + ">");
    CHECK_THAT(header(m, "Content-Type"), Catch::StartsWith("multipart/mixed; boundary="));
    CHECK_THAT(m, Catch::Contains(
                      "Content-Type: application/zip\r\nContent-Transfer-Encoding: base64\r\n"
                      "Content-Disposition: attachment; filename=\"ACTIVEREF-bundle.zip\"\r\n"));
    CHECK_THAT(m, Catch::Contains("Back-office credentials: available on request"));
    CHECK(attachment_bytes(m, "ACTIVEREF-bundle.zip") == bundle);
    CHECK(m.find(kPassword) == std::string::npos);
    CHECK(testing::slurp(o.smtp.mail_dir / "auth") == "mailer\n");

    auto list = o.run({"--json", "ticket", "list"});
    auto tickets = json_of(list)["tickets"];
    REQUIRE(tickets.size() == 1);
    CHECK(tickets[0]["channel"] == "email");
    CHECK(tickets[0]["reference"] == "ACTIVEREF");
    CHECK(tickets[0]["module"] == "mymod");
    CHECK(tickets[0]["summary"] == "Blank page after saving the settings");
    CHECK(tickets[0]["outcome"] == "sent");
    CHECK(tickets[0]["attachment"] == "ACTIVEREF-bundle.zip");
    CHECK(tickets[0]["reply_due"] == doc["reply_due"]);
    auto text = o.run({"ticket", "list"});
    CHECK_THAT(text.out, Catch::Contains("email  ACTIVEREF"));
    CHECK_THAT(text.out, Catch::Contains("Blank page after saving the settings  (reply by " +
                                         doc["reply_due"].get<std::string>() + ")"));
    auto plain = o.run(ticket_args("open", {"--via", "email"}));
    CHECK(plain.exit_code == 0);
    CHECK_THAT(plain.out,
               Catch::Contains(
                   "Verdict: ticket sent by e-mail to help@vendor.example; expect a reply by "));
}

TEST_CASE("ticket open --via email: a refused recipient and a dead server are recorded",
          "[cli][ticket]") {
    Owner o;
    testing::write(
        o.home / ".config/mpsupport/config.toml",
        "[vendor]\nsupport_email = \"refuse@vendor.example\"\nsmtp_url = \"smtp://127.0.0.1:" +
            std::to_string(o.smtp.port) +
            "\"\nsmtp_user = \"mailer\"\n"
            "[stores.myshop]\nurl = \"https://shop.example\"\nadmin_url = "
            "\"https://shop.example/a1\"\n"
            "modules = [\"mymod\"]\norder = \"ACTIVEREF\"\n");
    auto refused = o.run(ticket_args("open", {"--via", "email"}));
    CHECK(refused.exit_code == 3);
    CHECK_THAT(refused.out, Catch::Contains("550"));
    testing::write(
        o.home / ".config/mpsupport/config.toml",
        "[vendor]\nsmtp_url = \"smtp://127.0.0.1:" + std::to_string(testing::free_port()) +
            "\"\n"
            "[stores.myshop]\nurl = \"https://shop.example\"\nadmin_url = "
            "\"https://shop.example/a1\"\n"
            "modules = [\"mymod\"]\norder = \"ACTIVEREF\"\n");
    auto dead = o.run(ticket_args("open", {"--via", "email"}));
    CHECK(dead.exit_code == 4);
    auto tickets = json_of(o.run({"--json", "ticket", "list"}))["tickets"];
    REQUIRE(tickets.size() == 2);
    CHECK(tickets[0]["outcome"] == "rejected");
    CHECK(tickets[1]["outcome"] == "failed");
    CHECK(tickets[1]["reply_due"].is_null());
}

namespace {

// ContactShop: the vendor's contact page (tests/fixtures/contactform.php on php -S).
struct ContactShop {
    TempDir dir;
    int port = testing::free_port();
    std::unique_ptr<testing::ServerProcess> php;
    // action: the 1.7 form's action instead of the page itself (CONTACT_ACTION).
    explicit ContactShop(const std::string& action = "") {
        std::map<std::string, std::string> env = {{"CONTACT_DIR", dir.path().string()}};
        if (!action.empty()) env["CONTACT_ACTION"] = action;
        php = std::make_unique<testing::ServerProcess>(
            std::vector<std::string>{
                "/usr/bin/php", "-d", "session.save_path=" + dir.path().string(), "-S",
                "127.0.0.1:" + std::to_string(port), MPSUPPORT_FIXTURES "/contactform.php"},
            port, env);
    }
    std::string url(const std::string& variant) const {
        return "http://127.0.0.1:" + std::to_string(port) + "/" + variant + "/contact-us";
    }
    std::vector<std::string> posts() const {
        std::vector<std::string> out;
        if (!fs::exists(dir / "posts")) return out;
        std::string text = testing::slurp(dir / "posts"), line;
        for (char c : text) {
            if (c == '\n')
                out.push_back(line), line.clear();
            else
                line += c;
        }
        return out;
    }
    nlohmann::json message(int n) const {
        return nlohmann::json::parse(
            testing::slurp(dir / "messages" / (std::to_string(n) + ".json")));
    }
    std::string upload(int n) const {
        return testing::slurp(dir / "messages" / (std::to_string(n) + ".upload"));
    }
};

}  // namespace

TEST_CASE("ticket open through a PrestaShop 1.7+ contact form, with the bundle",
          "[cli][ticket][form]") {
    ContactShop shop;
    Owner o;
    o.contact_url = shop.url("17");
    o.write_config("");
    std::string bundle = binary_bundle();
    testing::write(o.home / "ACTIVEREF-bundle.zip", bundle);
    auto r = o.run(ticket_args(
        "open", {"-vv", "--json", "--bundle", (o.home / "ACTIVEREF-bundle.zip").string()}));
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    auto doc = json_of(r);
    CHECK(doc["outcome"] == "sent");
    CHECK(doc["detail"] == "Your message has been successfully sent to our team.");
    CHECK(doc["channel"] == "form");
    CHECK_FALSE(doc["reply_due"].is_null());
    CHECK(shop.posts() == std::vector<std::string>{"sent"});
    auto m = shop.message(1);
    CHECK(m["id_contact"] == "2");  // "Customer service"
    CHECK(m["from"] == "owner@shop.example");
    CHECK(m["url"] == "");
    CHECK(m["psgdpr_consent_checkbox"] == "1");
    CHECK_FALSE(m.contains("id_order"));  // a guest's 1.7 form has none
    CHECK_THAT(m["message"].get<std::string>(),
               Catch::StartsWith("[ACTIVEREF] mymod: Blank page after saving the settings\n"));
    CHECK_THAT(m["message"].get<std::string>(),
               Catch::Contains("Back-office credentials: available on request"));
    CHECK_THAT(m["content_type"].get<std::string>(), Catch::StartsWith("multipart/form-data"));
    CHECK(m["fileUpload"] == "ACTIVEREF-bundle.zip");
    CHECK(m["fileUpload_type"] == "application/zip");
    CHECK(shop.upload(1) == bundle);
    REQUIRE(m["cookie_names"].size() == 1);  // the session cookie from the GET came back
    // The token and the cookie are secrets: in no output, even at debug level.
    std::string token = m["token"];
    CHECK(token.size() == 32);
    CHECK(r.out.find(token) == std::string::npos);
    CHECK(r.err.find(token) == std::string::npos);
    auto list = json_of(o.run({"--json", "ticket", "list"}));
    REQUIRE(list["tickets"].size() == 1);
    CHECK(list["tickets"][0]["channel"] == "form");
    CHECK(list["tickets"][0]["outcome"] == "sent");
    CHECK(list["tickets"][0]["detail"] == "Your message has been successfully sent to our team.");
}

TEST_CASE("ticket open through a PrestaShop 1.6 contact form", "[cli][ticket][form]") {
    ContactShop shop;
    Owner o("contact_subject = \"webmaster\"\n");
    o.contact_url = shop.url("16");
    o.write_config("contact_subject = \"webmaster\"\n");
    testing::write(o.home / "notes.txt", "screenshot notes");
    auto r = o.run(ticket_args("open", {"--bundle", (o.home / "notes.txt").string()}));
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("Your message has been successfully sent to our team."));
    CHECK_THAT(r.out, Catch::Contains("expect a reply by "));
    auto m = shop.message(1);
    CHECK(m["id_contact"] == "1");        // by name, any case
    CHECK(m["id_order"] == "ACTIVEREF");  // 1.6 takes the reference
    CHECK(m["contactKey"].get<std::string>().size() == 32);
    CHECK_FALSE(m.contains("token"));
    CHECK(shop.upload(1) == "screenshot notes");
    // The same message again: 1.6 says it has it already.
    auto again =
        o.run(ticket_args("open", {"--json", "--bundle", (o.home / "notes.txt").string()}));
    CHECK(again.exit_code == 0);
    CHECK(json_of(again)["outcome"] == "already-sent");
    CHECK(json_of(again)["detail"] == "Your message has already been sent.");
    CHECK(shop.posts() == std::vector<std::string>{"sent", "already-sent"});
}

TEST_CASE("a stale token is refreshed and the form posted once more; a wrong one is refused",
          "[cli][ticket][form]") {
    ContactShop shop;
    Owner o;
    o.contact_url = shop.url("17-stale");
    o.write_config("");
    auto stale = o.run(ticket_args("open", {"--json"}));
    INFO(stale.out << stale.err);
    CHECK(stale.exit_code == 0);
    CHECK(json_of(stale)["outcome"] == "sent");
    CHECK(shop.posts() ==
          std::vector<std::string>{
              "error: An error occurred while sending the message, please try again.", "sent"});

    o.contact_url = shop.url("17-badtoken");
    o.write_config("");
    auto bad = o.run(ticket_args("open"));
    CHECK(bad.exit_code == 3);
    CHECK_THAT(bad.out,
               Catch::Contains("An error occurred while sending the message, please try again."));
    CHECK(shop.posts().size() == 4);  // one retry, not more
    auto tickets = json_of(o.run({"--json", "ticket", "list"}))["tickets"];
    REQUIRE(tickets.size() == 2);
    CHECK(tickets[1]["outcome"] == "rejected");
    CHECK(tickets[1]["reply_due"].is_null());
}

TEST_CASE("the shop's refusals are shown verbatim; what the form cannot take is refused first",
          "[cli][ticket][form]") {
    ContactShop shop;
    Owner o;
    testing::write(o.home / "ACTIVEREF-bundle.zip", binary_bundle());
    std::string zip = (o.home / "ACTIVEREF-bundle.zip").string();

    o.contact_url = shop.url("17-pdfonly");
    o.write_config("");
    auto ext = o.run(ticket_args("open", {"--json", "--bundle", zip}));
    CHECK(ext.exit_code == 3);
    auto doc = json_of(ext);
    CHECK(doc["outcome"] == "rejected");
    CHECK(doc["detail"] == "Bad file extension");
    CHECK(shop.posts() == std::vector<std::string>{"error: Bad file extension"});

    testing::write(o.home / "bundle.tar.gz", "x");
    auto targz = o.run(ticket_args("open", {"--bundle", (o.home / "bundle.tar.gz").string()}));
    CHECK(targz.exit_code == 3);
    CHECK_THAT(targz.out, Catch::Contains("the contact form accepts only"));

    o.contact_url = shop.url("16-small");
    o.write_config("");
    auto big = o.run(ticket_args("open", {"--bundle", zip}));
    CHECK(big.exit_code == 2);
    CHECK_THAT(big.err, Catch::Contains("the contact form takes at most 100"));

    o.contact_url = shop.url("17-noupload");
    o.write_config("");
    auto none = o.run(ticket_args("open", {"--bundle", zip}));
    CHECK(none.exit_code == 2);
    CHECK_THAT(none.err, Catch::Contains("takes no attachments"));

    // An address the shop refuses (PHP's FILTER_VALIDATE_EMAIL wants a dot in the domain).
    o.contact_url = shop.url("17");
    o.write_config("");
    auto email = o.run(ticket_args("open", {"--json", "--email", "owner@localhost"}));
    CHECK(email.exit_code == 3);
    CHECK(json_of(email)["detail"] == "Invalid email address.");
    CHECK(shop.posts().size() == 2);

    auto subject = o.run(ticket_args("open", {"--contact-subject", "Sales"}));
    CHECK(subject.exit_code == 2);
    CHECK_THAT(subject.err, Catch::Contains("no subject 'Sales'"));
    CHECK_THAT(subject.err, Catch::Contains("2 (Customer service), 1 (Webmaster)"));
    CHECK(shop.posts().size() == 2);  // none of the others reached the shop

    auto noform =
        o.run(ticket_args("draft", {"--contact-subject", "2"}));  // draft never contacts the shop
    CHECK(noform.exit_code == 0);
}

TEST_CASE("an unreachable contact page is exit 4 and recorded as failed", "[cli][ticket][form]") {
    ContactShop shop;
    Owner o;
    o.contact_url = "http://127.0.0.1:" + std::to_string(testing::free_port()) + "/contact-us";
    o.write_config("");
    auto down = o.run(ticket_args("open"));
    INFO(down.out << down.err);
    CHECK(down.exit_code == 4);
    o.contact_url = shop.url("nope");
    o.write_config("");
    auto missing = o.run(ticket_args("open", {"--json"}));
    CHECK(missing.exit_code == 4);
    CHECK_THAT(json_of(missing)["detail"].get<std::string>(), Catch::Contains("answered HTTP 404"));
    auto tickets = json_of(o.run({"--json", "ticket", "list"}))["tickets"];
    REQUIRE(tickets.size() == 2);
    CHECK(tickets[0]["outcome"] == "failed");
    CHECK(tickets[1]["outcome"] == "failed");
}

TEST_CASE(
    "the contact form over TLS, behind a same-site redirect; --insecure; no cross-site redirect",
    "[cli][ticket][form][tls]") {
    ContactShop shop;
    testing::TempDir dir;
    testing::TestCa ca(dir.path() / "ca");
    std::string proxy =
        "    location = /contact-us { return 302 /17/contact-us; }\n"
        "    location = /moved { return 302 https://other.example/contact-us; }\n"
        "    location / {\n"
        "        proxy_pass http://127.0.0.1:" +
        std::to_string(shop.port) +
        ";\n"
        "        proxy_set_header Host $http_host;\n"
        "        proxy_set_header X-Forwarded-Proto https;\n"
        "    }\n";
    testing::NginxServer nginx(dir.path() / "nginx",
                               {{testing::free_port(), ca.issue("good"), proxy},
                                {testing::free_port(), ca.self_signed("self"), proxy}});
    auto url = [&](std::size_t site, const std::string& path) {
        return "https://localhost:" + std::to_string(nginx.port(site)) + path;
    };
    Owner o;
    o.env["SSL_CERT_FILE"] = ca.ca_cert().string();
    o.contact_url = url(0, "/contact-us");
    o.write_config("");
    auto r = o.run(ticket_args("open", {"--json"}));
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(json_of(r)["outcome"] == "sent");
    CHECK(shop.posts() == std::vector<std::string>{"sent"});

    o.contact_url = url(1, "/17/contact-us");  // self-signed
    o.write_config("");
    auto untrusted = o.run(ticket_args("open"));
    CHECK(untrusted.exit_code == 4);
    auto insecure = o.run(ticket_args("open", {"--insecure"}));
    CHECK(insecure.exit_code == 0);
    CHECK(shop.posts().size() == 2);

    o.contact_url = url(0, "/moved");
    o.write_config("");
    auto moved = o.run(ticket_args("open", {"--json"}));
    CHECK(moved.exit_code == 4);
    CHECK_THAT(json_of(moved)["detail"].get<std::string>(),
               Catch::Contains("redirects to another site"));
}

TEST_CASE("on a terminal, ticket asks for what is missing and takes the description from $EDITOR",
          "[cli][ticket]") {
    Owner o;
    // A pseudo-terminal from script(1) (util-linux): stdin and stdout are terminals.
    testing::write(
        o.home / "editor.sh",
        "#!/bin/sh\nprintf 'Described in the editor\\n# dropped comment\\n' >> \"$1\"\n");
    fs::permissions(o.home / "editor.sh", fs::perms::owner_all);
    testing::write(o.home / "answers",
                   "mymod\nThe summary\nhttps://s.example\nhttps://s.example/adm42\nmaybe\ny\nn\n");
    std::string home = o.home.path().string();
    std::string command =
        "env -i PATH=/usr/bin:/bin HOME='" + home + "' XDG_CONFIG_HOME='" + home + "/.config' " +
        "XDG_DATA_HOME='" + home + "/.local/share' EDITOR='" + home + "/editor.sh' TERM=dumb " +
        "script -qec '" MPSUPPORT_BINARY " ticket draft --order ACTIVEREF' /dev/null <'" + home +
        "/answers' >'" + home + "/screen' 2>&1";
    int rc = std::system(command.c_str());
    std::string screen = testing::slurp(o.home / "screen");
    screen.erase(std::remove(screen.begin(), screen.end(), '\r'), screen.end());
    INFO(screen);
    CHECK(WEXITSTATUS(rc) == 0);
    CHECK_THAT(screen, Catch::Contains("Module (technical name"));
    CHECK_THAT(screen, Catch::Contains("[ACTIVEREF] mymod: The summary\n"));
    CHECK_THAT(screen, Catch::Contains(
                           "Customer e-mail: owner@shop.example\n"));  // from the order, not asked
    CHECK(screen.find("Your e-mail address") == std::string::npos);
    CHECK_THAT(screen, Catch::Contains("Back-office URL: https://s.example/adm42\n"));
    CHECK_THAT(screen,
               Catch::Contains(
                   "Back-office credentials: available on request\n"));  // "maybe" was asked again
    CHECK_THAT(screen, Catch::Contains("FTP/SFTP access: not available\n"));
    CHECK_THAT(screen, Catch::Contains("Description:\nDescribed in the editor\n"));
    CHECK(screen.find("dropped comment") == std::string::npos);
}

TEST_CASE("ticket's order lookup on the webservice honours --insecure and MPSUPPORT_CA_BUNDLE",
          "[cli][ticket][tls]") {
    Owner o;
    testing::TempDir dir;
    const std::string key = "ZQ8K3M5N7P9R2T4V6X8Z1B3D5F7H9J2L";
    nlohmann::json order = {{"id", 1},
                            {"id_address_delivery", "5"},
                            {"id_customer", "8"},
                            {"current_state", "2"},
                            {"module", "ps_checkpayment"},
                            {"valid", "1"},
                            {"reference", "WEBORDERX"},
                            {"date_add", days_ago(3) + " 10:00:00"},
                            {"date_upd", days_ago(3) + " 10:00:00"},
                            {"total_paid", "49.000000"},
                            {"associations",
                             {{"order_rows",
                               {{{"id", "11"},
                                 {"product_id", "3"},
                                 {"product_attribute_id", "0"},
                                 {"product_quantity", "1"},
                                 {"product_name", "Module mymod"},
                                 {"product_reference", "mymod"},
                                 {"unit_price_tax_incl", "49.000000"}}}}}}};
    nlohmann::json state = {
        {"key", key},
        {"mode", "normal"},
        {"orders", {order}},
        {"customers",
         {{"8",
           {{"id", 8}, {"email", "web@shop.example"}, {"firstname", "W"}, {"lastname", "S"}}}}}};
    testing::write(dir / "ws.json", state.dump());
    testing::write(dir / "ws.log", "");
    int port = testing::free_port();
    testing::ServerProcess php(
        {"/usr/bin/php", "-S", "127.0.0.1:" + std::to_string(port),
         MPSUPPORT_FIXTURES "/webservice.php"},
        port, {{"WS_DATA", (dir / "ws.json").string()}, {"WS_LOG", (dir / "ws.log").string()}});
    testing::TestCa ca(dir.path() / "ca");
    std::string proxy = "    location / { proxy_pass http://127.0.0.1:" + std::to_string(port) +
                        "; proxy_set_header Host $http_host; }\n";
    testing::NginxServer nginx(dir.path() / "nginx",
                               {{testing::free_port(), ca.issue("good"), proxy},
                                {testing::free_port(), ca.self_signed("self"), proxy}});
    auto use = [&](std::size_t site) {
        o.write_config("[orders]\nwebservice_url = \"https://localhost:" +
                       std::to_string(nginx.port(site)) + "/api\"\n");
    };
    o.env["MPSUPPORT_WEBSERVICE_KEY"] = key;
    std::vector<std::string> args = {"ticket",         "draft",
                                     "--order",        "WEBORDERX",
                                     "--module",       "mymod",
                                     "--summary",      "Blank page",
                                     "--message",      "It is blank.",
                                     "--url",          "https://shop.example",
                                     "--admin",        "https://shop.example/admin42xy",
                                     "--admin-access", "on-request",
                                     "--sftp-access",  "withheld"};
    auto with = [&](std::vector<std::string> before) {
        before.insert(before.end(), args.begin(), args.end());
        return o.run(before);
    };

    use(1);  // self-signed
    CHECK(with({"--json"}).exit_code == 4);
    RunResult insecure = with({"--json", "--insecure"});
    INFO(insecure.out << insecure.err);
    CHECK(insecure.exit_code == 0);
    CHECK(json_of(insecure)["ticket"]["customer_email"] == "web@shop.example");

    use(0);  // issued by a CA that only MPSUPPORT_CA_BUNDLE names
    CHECK(with({"--json"}).exit_code == 4);
    o.env["MPSUPPORT_CA_BUNDLE"] = ca.ca_cert().string();
    RunResult trusted = with({"--json"});
    INFO(trusted.out << trusted.err);
    CHECK(trusted.exit_code == 0);
    CHECK(json_of(trusted)["ticket"]["customer_email"] == "web@shop.example");
}

TEST_CASE("ticket: a URL with a line break is refused; --message-file is bounded",
          "[cli][ticket]") {
    Owner o;
    auto r = o.run(ticket_args(
        "draft", {"--url", "https://shop.example/\r\nSFTP access: available on request"}));
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("--url") && Catch::Contains("\\r\\n"));
    CHECK(r.out.empty());
    CHECK(o.run(ticket_args("draft", {"--admin", "https://shop.example/adm\n42"})).exit_code == 2);

    std::vector<std::string> from_file = {
        "ticket",         "draft",      "myshop",        "--summary", "Blank page",
        "--admin-access", "on-request", "--sftp-access", "withheld",  "--message-file"};
    auto zero = from_file;
    zero.push_back("/dev/zero");
    auto big = o.run(zero);
    CHECK(big.exit_code == 2);
    CHECK_THAT(big.err, Catch::Contains("/dev/zero") && Catch::Contains("larger than 1 MiB"));
    CHECK(big.err.find("No such file") == std::string::npos);

    auto dash = from_file;
    dash.push_back("-");
    // Endless stdin: read up to the bound, then exit 2 (a shell pipe: the writer may get EPIPE).
    std::string home = o.home.path().string();
    std::string command = "yes 'an endless description' | env -i PATH=/usr/bin:/bin HOME='" + home +
                          "' XDG_CONFIG_HOME='" + home + "/.config' XDG_DATA_HOME='" + home +
                          "/.local/share' " MPSUPPORT_BINARY
                          " ticket draft myshop --summary 'Blank page' --admin-access on-request "
                          "--sftp-access withheld"
                          " --message-file - >/dev/null 2>'" +
                          home + "/piped.err'";
    int rc = std::system(command.c_str());
    CHECK(WEXITSTATUS(rc) == 2);
    CHECK_THAT(testing::slurp(o.home / "piped.err"), Catch::Contains("larger than 1 MiB"));
    auto fine = o.run(dash, "Described on stdin.\n");
    CHECK(fine.exit_code == 0);
    CHECK_THAT(fine.out, Catch::Contains("Described on stdin."));
}

TEST_CASE("the contact form is never posted to another origin than the contact page's",
          "[cli][ticket][form][security]") {
    ContactShop other;
    ContactShop shop("http://localhost:" + std::to_string(other.port) + "/17/contact-us");
    Owner o;
    o.contact_url = shop.url("17");
    o.write_config("");
    auto r = o.run(ticket_args("open", {"--json"}));
    INFO(r.out << r.err);
    CHECK(r.exit_code == 4);
    CHECK_THAT(json_of(r)["detail"].get<std::string>(),
               Catch::Contains("posts to another site") &&
                   Catch::Contains("localhost:" + std::to_string(other.port)));
    CHECK(other.posts().empty());
    CHECK(shop.posts().empty());
}
