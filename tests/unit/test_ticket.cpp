// Tickets: business days, the contact page parser on PrestaShop's own markup, the ticket text,
// multipart e-mail with an attachment, and the tickets table of the ledger.
#include <sqlite3.h>
#include <catch2/catch.hpp>

#include <sstream>

#include "mail/message.hpp"
#include "orders/ledger.hpp"
#include "test_support.hpp"
#include "ticket/business_days.hpp"
#include "ticket/contact_page.hpp"
#include "ticket/open_ticket.hpp"
#include "ticket/preflight.hpp"
#include "ticket/ticket.hpp"
#include "ticket/ticket_mail.hpp"
#include "util/base64.hpp"
#include "util/error.hpp"
#include "util/html.hpp"

using namespace mps;
namespace fs = std::filesystem;

namespace {

Date d(const char* text) {
    return *parse_date(text);
}

// The classic theme's contactform widget (1.7.8), as a guest sees it, uploads enabled.
const char* kPage17 = R"html(<!doctype html>
<html lang="en-US"><head><title>Contact us</title>
<script type="text/javascript">var prestashop = {"static_token":"abc","token":"def"};</script></head>
<body id="contact" class="lang-en country-us page-contact">
<aside id="notifications"><div class="container"></div></aside>
<section class="contact-form">
  <form action="http://shop.example/en/contact-us" method="post" enctype="multipart/form-data">
      <section class="form-fields">
        <div class="form-group row">
          <div class="col-md-9 col-md-offset-3"><h3>Contact us</h3></div>
        </div>
        <div class="form-group row">
          <label class="col-md-3 form-control-label">Subject</label>
          <div class="col-md-6">
            <select name="id_contact" class="form-control form-control-select">
                              <option value="2">Customer service</option>
                              <option value="1">Webmaster &amp; site</option>
                          </select>
          </div>
        </div>
        <div class="form-group row">
          <label class="col-md-3 form-control-label">Email address</label>
          <div class="col-md-6">
            <input
              class="form-control"
              name="from"
              type="email"
              value=""
              placeholder="your@email.com"
            >
          </div>
        </div>
                  <div class="form-group row">
            <label class="col-md-3 form-control-label">Attachment</label>
            <div class="col-md-6">
              <input type="file" name="fileUpload" class="filestyle" data-buttonText="Choose file">
            </div>
            <span class="col-md-3 form-control-comment">optional</span>
          </div>
                <div class="form-group row">
          <label class="col-md-3 form-control-label">Message</label>
          <div class="col-md-9">
            <textarea
              class="form-control"
              name="message"
              placeholder="How can we help?"
              rows="3"
            ></textarea>
          </div>
        </div>
                  <div class="form-group row">
            <div class="offset-md-3">
              <div id="gdpr_consent" class="gdpr_module_10"><span class="custom-checkbox"><label class="psgdpr_consent_message">
              <input id="psgdpr_consent_checkbox_10" name="psgdpr_consent_checkbox" type="checkbox" value="1" class="psgdpr_consent_checkboxes_10">
              <span>I agree to the terms and conditions and the privacy policy</span></label></span></div>
            </div>
          </div>
              </section>
      <footer class="form-footer text-sm-right">
        <style>
          input[name=url] {
            display: none !important;
          }
        </style>
        <input type="text" name="url" value=""/>
        <input type="hidden" name="token" value="6c5d1e9a0b6f5e1c2c1f3d4e5a6b7c8d" />
        <input class="btn btn-primary" type="submit" name="submitMessage" value="Send">
      </footer>
  </form>
</section>
</body></html>)html";

// default-bootstrap contact-form.tpl (1.6.1), a guest, uploads enabled.
const char* kPage16 = R"html(<!DOCTYPE HTML>
<html lang="en-us"><head><meta name="generator" content="PrestaShop" /></head><body id="contact">
<h1 class="page-heading bottom-indent">Customer service - Contact us</h1>
	<form action="/index.php?controller=contact" method="post" class="contact-form-box" enctype="multipart/form-data">
		<fieldset>
		<h3 class="page-subheading">send a message</h3>
		<div class="clearfix">
			<div class="col-xs-12 col-md-3">
				<div class="form-group selector1">
					<label for="id_contact">Subject Heading</label>
									<select id="id_contact" class="form-control" name="id_contact">
						<option value="0">-- Choose --</option>
													<option value="2">Customer service</option>
													<option value="1">Webmaster</option>
											</select>
				</div>
				<p class="form-group">
					<label for="email">Email address</label>
											<input class="form-control grey validate" type="text" id="email" name="from" data-validate="isEmail" value="" />
									</p>
									<div class="form-group selector1">
						<label>Order reference</label>
													<input class="form-control grey" type="text" name="id_order" id="id_order" value="" />
											</div>
													<p class="form-group">
						<label for="fileUpload">Attach File</label>
						<input type="hidden" name="MAX_FILE_SIZE" value="2097152" />
						<input type="file" name="fileUpload" id="fileUpload" class="form-control" />
					</p>
							</div>
			<div class="col-xs-12 col-md-9">
				<div class="form-group">
					<label for="message">Message</label>
					<textarea class="form-control" id="message" name="message"></textarea>
				</div>
			</div>
		</div>
		<div class="submit">
			<input type="text" name="url" value="" class="hidden" />
			<input type="hidden" name="contactKey" value="0f4b2f6c2d1e3a5b7c9d1e3f5a7b9c1d" />
			<button type="submit" name="submitMessage" id="submitMessage" class="button btn btn-default button-medium"><span>Send<i class="icon-chevron-right right"></i></span></button>
		</div>
		</fieldset>
	</form>
</body></html>)html";

}  // namespace

TEST_CASE("business days skip weekends and holidays", "[ticket]") {
    CHECK(weekday(d("2026-11-27")) == 4);  // a Friday
    CHECK(weekday(d("1970-01-01")) == 3);
    CHECK(weekday(d("2024-02-29")) == 3);
    std::vector<Date> none;
    CHECK(reply_due(d("2026-11-26"), 1, none) == d("2026-11-27"));  // Thursday -> Friday
    CHECK(reply_due(d("2026-11-27"), 1, none) == d("2026-11-30"));  // Friday -> Monday
    CHECK(reply_due(d("2026-11-28"), 1, none) == d("2026-11-30"));  // Saturday -> Monday
    CHECK(reply_due(d("2026-11-29"), 1, none) == d("2026-11-30"));  // Sunday -> Monday
    CHECK(reply_due(d("2026-11-27"), 3, none) == d("2026-12-02"));
    CHECK(reply_due(d("2026-11-28"), 0, none) ==
          d("2026-11-30"));  // same day, or the next business day
    CHECK(reply_due(d("2026-11-26"), 0, none) == d("2026-11-26"));
    auto holidays = parse_holidays({"2026-12-25", "2026-12-28", "2027-01-01"});
    CHECK(reply_due(d("2026-12-24"), 1, holidays) ==
          d("2026-12-29"));  // Christmas, weekend, a bridge day
    CHECK(reply_due(d("2026-12-31"), 1, holidays) == d("2027-01-04"));  // across the year
    CHECK(reply_due(d("2026-12-31"), 2, holidays) == d("2027-01-05"));
    CHECK(reply_phrase(d("2026-11-30")) == "Monday 2026-11-30");
    CHECK_THROWS_MATCHES(parse_holidays({"2026-12-25", "25/12/2026"}), Error,
                         Catch::Matchers::Predicate<Error>([](const Error& e) {
                             return e.kind() == ErrorKind::usage &&
                                    std::string(e.what()).find("'25/12/2026'") != std::string::npos;
                         }));
}

TEST_CASE("the 1.7+ contact page: token, subjects, upload, consent, honeypot", "[ticket]") {
    ContactPage page = parse_contact_page(kPage17);
    CHECK(page.has_form);
    CHECK(page.action == "http://shop.example/en/contact-us");
    CHECK(page.multipart);
    CHECK(page.token == "6c5d1e9a0b6f5e1c2c1f3d4e5a6b7c8d");
    CHECK(page.contact_key.empty());
    CHECK_FALSE(page.legacy());
    REQUIRE(page.subjects.size() == 2);
    CHECK(page.subjects[0].id == "2");
    CHECK(page.subjects[0].label == "Customer service");
    CHECK(page.subjects[1].label == "Webmaster & site");
    CHECK(page.file_upload);
    CHECK_FALSE(page.max_file_size);
    CHECK(page.gdpr_consent);
    CHECK(page.honeypot);
    CHECK_FALSE(page.order_text);
    CHECK(parse_contact_answer(kPage17).kind == ContactAnswerKind::none);
}

TEST_CASE("the 1.6 contact page: contactKey, MAX_FILE_SIZE, order reference field", "[ticket]") {
    ContactPage page = parse_contact_page(kPage16);
    CHECK(page.has_form);
    CHECK(page.action == "/index.php?controller=contact");
    CHECK(page.contact_key == "0f4b2f6c2d1e3a5b7c9d1e3f5a7b9c1d");
    CHECK(page.legacy());
    REQUIRE(page.subjects.size() == 2);  // "-- Choose --" (0) is not a subject
    CHECK(page.subjects[1].id == "1");
    CHECK(page.max_file_size == std::uintmax_t{2097152});
    CHECK(page.file_upload);
    CHECK(page.order_text);
    CHECK_FALSE(page.gdpr_consent);
}

TEST_CASE("a page without the contact form, or with uploads disabled", "[ticket]") {
    CHECK_FALSE(parse_contact_page(
                    "<html><body><form action=\"/search\"><input name=\"s\"></form></body></html>")
                    .has_form);
    std::string no_upload = kPage17;
    auto at = no_upload.find("<input type=\"file\"");
    no_upload.replace(at, no_upload.find('>', at) - at + 1, "");
    auto page = parse_contact_page(no_upload);
    CHECK(page.has_form);
    CHECK_FALSE(page.file_upload);
    CHECK(parse_contact_page("").has_form == false);
}

TEST_CASE("the shop's answers: success, errors, already sent", "[ticket]") {
    // 1.7+: the notifications block and the widget both show the message.
    auto ok17 =
        parse_contact_answer(R"(<aside id="notifications"><div class="container"></div></aside>
<section class="contact-form"><form action="/contact-us" method="post">
      <div class="col-xs-12 alert alert-success">
        <ul>
                      <li>Your message has been successfully sent to our team.</li>
                  </ul>
      </div></form></section>)");
    CHECK(ok17.kind == ContactAnswerKind::success);
    REQUIRE(ok17.messages.size() == 1);
    CHECK(ok17.messages[0] == "Your message has been successfully sent to our team.");

    auto bad17 = parse_contact_answer(R"(<aside id="notifications"><div class="container">
<article class="alert alert-danger" role="alert" data-alert="danger"><ul><li>Bad file extension</li></ul></article>
</div></aside><div class="col-xs-12 alert alert-danger"><ul><li>Bad file extension</li></ul></div>)");
    CHECK(bad17.kind == ContactAnswerKind::error);
    CHECK(bad17.messages == std::vector<std::string>{"Bad file extension"});
    CHECK_FALSE(is_token_error(bad17));

    auto token17 = parse_contact_answer(
        "<div class=\"col-xs-12 alert alert-danger\"><ul><li>An error occurred while sending the "
        "message, please try "
        "again.</li></ul></div>");
    CHECK(is_token_error(token17));

    auto bad16 = parse_contact_answer(R"(<div class="alert alert-danger">
		<p>There are 2 errors</p>
		<ol>
					<li>Invalid email address.</li>
					<li>The message cannot be blank.</li>
				</ol>
					<p class="lnk"><a class="alert-link" href="/index.php" title="Back">&laquo; Back</a></p>
			</div>)");
    CHECK(bad16.kind == ContactAnswerKind::error);
    CHECK(bad16.messages ==
          std::vector<std::string>{"Invalid email address.", "The message cannot be blank."});
    auto token16 = parse_contact_answer(
        "<div class=\"alert alert-danger\"><p>There is 1 error</p><ol><li>An error occurred while "
        "sending the "
        "message.</li></ol></div>");
    CHECK(is_token_error(token16));

    auto ok16 = parse_contact_answer(
        "<p class=\"alert alert-success\">Your message has been successfully sent to our "
        "team.</p>");
    CHECK(ok16.kind == ContactAnswerKind::success);
    CHECK(ok16.messages[0] == "Your message has been successfully sent to our team.");
    auto again16 = parse_contact_answer(
        "<p class=\"alert alert-warning\">Your message has already been sent.</p>");
    CHECK(again16.kind == ContactAnswerKind::already_sent);
    CHECK(html_text("a&nbsp;&#039;b&#x27;  &amp;\n c&eacute;") == "a 'b' & cé");
}

TEST_CASE("allowed attachment types are the contact form's", "[ticket]") {
    CHECK(allowed_attachment("XKBKNABJK-diagnose.zip"));
    CHECK(allowed_attachment("SHOT.PNG"));
    CHECK(allowed_attachment("notes.docx"));
    CHECK_FALSE(allowed_attachment("bundle.tar.gz"));
    CHECK_FALSE(allowed_attachment("zip"));
    CHECK_FALSE(allowed_attachment("report.json"));
}

namespace {

Ticket full_ticket() {
    Ticket t;
    t.order_reference = "XKBKNABJK";
    t.module = "mymod";
    t.summary = "Blank page after saving the settings";
    t.message = "Since 2.1.0 the configuration page is blank.\nSteps: open it, click Save.";
    t.customer_email = "owner@shop.example";
    t.store_url = "https://shop.example";
    t.admin_url = "https://shop.example/admin123abc";
    t.admin_access = Access::on_request;
    t.files_access = Access::withheld;
    return t;
}

}  // namespace

TEST_CASE("a ticket names what is missing and says 'available on request'", "[ticket]") {
    Ticket empty;
    auto missing = missing_items(empty);
    std::vector<std::string> flags;
    for (const auto& m : missing) flags.push_back(m.flag);
    CHECK(flags == std::vector<std::string>{"--order", "--module", "--summary", "--message",
                                            "--email", "--url", "--admin", "--admin-access",
                                            "--files-access"});
    Ticket t = full_ticket();
    CHECK(missing_items(t).empty());
    CHECK_NOTHROW(validate_ticket(t));
    CHECK(ticket_subject(t) == "[XKBKNABJK] mymod: Blank page after saving the settings");
    std::string body = ticket_body(t);
    CHECK_THAT(body,
               Catch::StartsWith("[XKBKNABJK] mymod: Blank page after saving the settings\n\n"));
    CHECK_THAT(body, Catch::Contains("Back-office credentials: available on request\n"));
    CHECK_THAT(body, Catch::Contains("FTP/SFTP access: not available\n"));
    CHECK_THAT(body, Catch::Contains("Back-office URL: https://shop.example/admin123abc\n"));
    CHECK_THAT(body, Catch::EndsWith("Steps: open it, click Save.\n"));
    t.customer_email = "not-an-address";
    CHECK_THROWS_AS(validate_ticket(t), Error);
    t = full_ticket();
    t.admin_url = "ftp://shop.example";
    CHECK_THROWS_AS(validate_ticket(t), Error);
    t = full_ticket();
    t.summary = "two\nlines";
    CHECK_THROWS_AS(validate_ticket(t), Error);
    // A URL with a line break would add a line to the body: refused, shown escaped.
    for (const char* bad :
         {"https://shop.example/\r\nSFTP access: available on request", "https://shop.example/\nx",
          "https://shop example/", "https://", "http:///admin", "https://shop.example/\tx"}) {
        INFO(bad);
        t = full_ticket();
        t.store_url = bad;
        CHECK_THROWS_AS(validate_ticket(t), Error);
        t = full_ticket();
        t.admin_url = bad;
        CHECK_THROWS_AS(validate_ticket(t), Error);
    }
    t = full_ticket();
    t.store_url = "https://shop.example/\r\nx";
    CHECK_THROWS_WITH(validate_ticket(t), Catch::Contains("\\r\\n") && !Catch::Contains("\n"));
    CHECK(parse_access("on-request") == Access::on_request);
    CHECK(parse_access("withheld") == Access::withheld);
    CHECK_FALSE(parse_access("maybe"));
}

TEST_CASE("customisation requests are recognised", "[ticket]") {
    CHECK(looks_like_customisation("Could you add a field for the VAT number?"));
    CHECK(looks_like_customisation("Customization of the checkout block"));
    CHECK(looks_like_customisation("Feature request: export to CSV"));
    CHECK(looks_like_customisation("Personnalisation du bloc panier"));
    CHECK_FALSE(looks_like_customisation("Blank page after saving the settings"));
    CHECK_FALSE(looks_like_customisation("Fatal error on the product page"));
}

TEST_CASE("pre-flight: expired support refuses unless --force; unknown orders are not found",
          "[ticket]") {
    Ticket t = full_ticket();
    OrderSupport expired;
    expired.state = SupportState::expired;
    expired.message = "mymod bought 2025-01-01: support ended 2025-02-01";
    expired.hint =
        "extended support, up to 2026-01-01 (12 months after purchase), can be bought on the "
        "module's product page";
    auto checks = preflight_checks(t, expired, {});
    REQUIRE(checks.size() == 3);
    CHECK(checks[0].id == "ticket.support");
    CHECK(checks[0].status == Status::fail);
    CHECK(checks[0].outcome == ErrorKind::finding);
    CHECK_THAT(checks[0].hint, Catch::Contains("extended support") && Catch::Contains("--force"));
    CHECK(deciding_outcome(checks) == ErrorKind::finding);
    CHECK_FALSE(deciding_outcome(preflight_checks(t, expired, {true, true})));

    OrderSupport unknown;
    unknown.state = SupportState::unknown_order;
    CHECK(deciding_outcome(preflight_checks(t, unknown, {})) == ErrorKind::not_found);

    OrderSupport active;
    active.state = SupportState::active;
    t.summary = "Please add a new feature";
    checks = preflight_checks(t, active, {});
    CHECK(checks[1].id == "ticket.scope");
    CHECK(checks[1].status == Status::warn);
    CHECK_FALSE(deciding_outcome(checks));
    t.attachment = Attachment{"/tmp/x.tar.gz", "x.tar.gz", 10, std::string(64, '0')};
    checks = preflight_checks(t, active, {false, true});
    CHECK(checks[2].status == Status::fail);  // the form refuses it
    CHECK(checks[2].status == Status::fail);
    CHECK(preflight_checks(t, active, {false, false})[2].status ==
          Status::pass);  // e-mail takes anything
}

TEST_CASE("the ticket e-mail: subject, Reply-To, a base64 attachment identical to the file",
          "[ticket][mail]") {
    testing::TempDir dir;
    std::string bytes;
    for (int i = 0; i < 5000; ++i)
        bytes += static_cast<char>((i * 7919) & 0xff);  // binary, all byte values
    testing::write(dir / "XKBKNABJK-bundle.zip", bytes);
    Ticket t = full_ticket();
    t.attachment = describe_attachment((dir / "XKBKNABJK-bundle.zip").string());
    CHECK(t.attachment->size == 5000);
    VendorConfig vendor;
    vendor.name = "Vendör";
    vendor.support_email = "help@vendor.example";
    auto now = std::chrono::system_clock::from_time_t(1795000000);
    MailMessage m = build_ticket_mail(t, vendor, now);
    CHECK(m.from_address == "owner@shop.example");  // no [vendor] from: the customer
    CHECK(m.reply_to_address == "owner@shop.example");
    CHECK_THAT(m.message_id,
               Catch::StartsWith("ticket.XKBKNABJK.mymod.") && Catch::EndsWith("@shop.example"));
    std::string text = render_message(m);
    CHECK_THAT(text,
               Catch::Contains(
                   "\r\nSubject: [XKBKNABJK] mymod: Blank page after saving the settings\r\n"));
    CHECK_THAT(text, Catch::Contains("\r\nReply-To: owner@shop.example\r\n"));
    CHECK_THAT(text, Catch::Contains("\r\nTo: =?UTF-8?B?"));
    CHECK_FALSE(text.find("Auto-Submitted") != std::string::npos);
    auto ct = text.find("Content-Type: multipart/mixed; boundary=\"");
    REQUIRE(ct != std::string::npos);
    auto b0 = ct + std::string("Content-Type: multipart/mixed; boundary=\"").size();
    std::string boundary = text.substr(b0, text.find('"', b0) - b0);
    CHECK_THAT(text, Catch::Contains("\r\n--" + boundary +
                                     "\r\nContent-Type: text/plain; charset=UTF-8\r\n"));
    CHECK_THAT(text,
               Catch::Contains(
                   "Content-Type: application/zip\r\nContent-Transfer-Encoding: base64\r\n"
                   "Content-Disposition: attachment; filename=\"XKBKNABJK-bundle.zip\"\r\n\r\n"));
    CHECK_THAT(text, Catch::EndsWith("\r\n--" + boundary + "--\r\n"));
    // Decode the attachment part back.
    auto start = text.find("filename=\"XKBKNABJK-bundle.zip\"\r\n\r\n");
    start = text.find("\r\n\r\n", start) + 4;
    auto end = text.find("--" + boundary + "--", start);
    std::string encoded;
    std::size_t pos = start;
    while (pos < end) {
        auto eol = text.find("\r\n", pos);
        CHECK(eol - pos <= 76);
        encoded += text.substr(pos, eol - pos);
        pos = eol + 2;
    }
    CHECK(base64_decode(encoded) == bytes);

    vendor.from = "tickets@relay.example";
    CHECK(build_ticket_mail(t, vendor, now).from_address == "tickets@relay.example");
    // A bundle that changes after it was described is refused.
    testing::write(dir / "XKBKNABJK-bundle.zip", bytes + "x");
    CHECK_THROWS_AS(build_ticket_mail(t, vendor, now), Error);
    CHECK(content_type_for("a.PDF") == "application/pdf");
    CHECK(content_type_for("a.bin") == "application/octet-stream");
}

TEST_CASE("non-ASCII attachment names use RFC 2231", "[ticket][mail]") {
    MailMessage m;
    m.from_address = "a@b.c";
    m.to_address = "d@e.f";
    m.subject = "s";
    m.body = "b";
    m.message_id = "x@b.c";
    m.attachments.push_back({"capture d'écran.png", "", "PNG"});
    std::string text = render_message(m);
    CHECK_THAT(text, Catch::Contains("Content-Type: image/png\r\n"));
    CHECK_THAT(text, Catch::Contains("filename*=UTF-8''capture%20d%27%C3%A9cran.png\r\n"));
    CHECK_THAT(text, Catch::Contains("\r\n\r\nUE5H\r\n"));
}

TEST_CASE("the ledger records tickets", "[ticket][orders]") {
    testing::TempDir dir;
    auto ledger = Ledger::open(dir / "ledger.sqlite", false);
    CHECK(ledger->schema_version() == 3);
    CHECK(ledger->tickets().empty());
    Ticket t = full_ticket();
    TicketOutcome sent{"form", "https://vendor.example/contact-us",
                       "sent", "Your message has been successfully sent to our team.",
                       "",     std::nullopt,
                       ""};
    auto id = ledger->add_ticket(ticket_record(t, sent, "2026-11-27T10:00:00Z", d("2026-11-30")));
    TicketOutcome failed{"email", "help@vendor.example",  "failed", "smtp: connection refused",
                         "",      ErrorKind::unreachable, ""};
    ledger->add_ticket(ticket_record(t, failed, "2026-11-27T11:00:00Z", d("2026-11-30")));
    auto all = ledger->tickets();
    REQUIRE(all.size() == 2);
    CHECK(all[0].id == id);
    CHECK(all[0].channel == "form");
    CHECK(all[0].reply_due == "2026-11-30");
    CHECK(all[0].summary == t.summary);
    CHECK(all[1].outcome == "failed");
    CHECK(all[1].reply_due.empty());  // nothing to expect from a ticket that did not go
    // Read-only opens see them too.
    CHECK(Ledger::open(dir / "ledger.sqlite", true)->tickets().size() == 2);
}

TEST_CASE("a ledger of schema 2 reads without tickets and migrates on the first write",
          "[ticket][orders]") {
    testing::TempDir dir;
    fs::path file = dir / "ledger.sqlite";
    {
        auto ledger = Ledger::open(file, false);
        OrderLine line;
        line.reference = "ABCDEFGHI";
        line.module = "mymod";
        line.purchased_at = "2026-11-20 10:00:00";
        line.purchase_date = d("2026-11-20");
        line.customer_email = "a@shop.example";
        ledger->import_lines({line}, "csv", "2026-11-20T10:00:00Z");
    }
    // Back to what mpsupport 0.1 (schema 2) left.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "DROP TABLE tickets; PRAGMA user_version = 2;", nullptr, nullptr,
                         nullptr) == SQLITE_OK);
    sqlite3_close(db);
    {
        auto reader = Ledger::open(file, true);  // never writes
        CHECK(reader->schema_version() == 2);
        CHECK(reader->tickets().empty());
        CHECK(reader->order("ABCDEFGHI").size() == 1);
    }
    auto writer = Ledger::open(file, false);
    CHECK(writer->schema_version() == 3);
    Ticket t = full_ticket();
    TicketOutcome sent{"email", "help@vendor.example", "sent", "", "id@x", std::nullopt, ""};
    writer->add_ticket(ticket_record(t, sent, "2026-11-27T10:00:00Z", d("2026-11-30")));
    CHECK(writer->tickets().size() == 1);
    CHECK(writer->order("ABCDEFGHI").size() == 1);
}

TEST_CASE("--message-file: bounded, the real reason when it cannot be read", "[ticket]") {
    std::istringstream small("line 1\nline 2\n");
    CHECK(read_message(small, "stdin") == "line 1\nline 2\n");
    std::istringstream exact(std::string(100, 'x'));
    CHECK(read_message(exact, "stdin", 100).size() == 100);
    std::istringstream over(std::string(101, 'x'));
    CHECK_THROWS_WITH(read_message(over, "stdin", 100), Catch::Contains("larger than"));
    // /dev/zero never ends: reading stops at the bound, and says so.
    try {
        read_message_file("/dev/zero", 4096);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
        CHECK_THAT(e.what(), Catch::Contains("/dev/zero") && Catch::Contains("larger than"));
        CHECK_THAT(e.what(), !Catch::Contains("No such file"));
    }
    CHECK_THROWS_WITH(read_message_file("/nonexistent/message.txt"),
                      Catch::Contains("/nonexistent/message.txt"));
    CHECK_THROWS_WITH(read_message_file("/tmp"), Catch::Contains("folder"));
}

TEST_CASE("order_support: a refunded order is no support (exit 3), an orphan extension unknown",
          "[ticket]") {
    testing::TempDir dir;
    auto ledger = Ledger::open(dir / "ledger.sqlite", true);
    PolicyConfig policy;
    ExpiryRequest request{{"REFUNDED1"}, parse_date("2026-06-10").value(), 7};
    request.remote = [](const std::string&) {
        OrderFacts facts;
        facts.invalid.push_back({"41", "7", "Refunded"});
        return facts;
    };
    auto refunded = order_support(request, "mymod", *ledger, policy);
    CHECK(refunded.state == SupportState::expired);
    CHECK_THAT(refunded.message, Catch::Contains("\"Refunded\" in the shop"));
    Ticket t;
    t.order_reference = "REFUNDED1";
    t.module = "mymod";
    CHECK(deciding_outcome(preflight_checks(t, refunded, {})) == ErrorKind::finding);

    request.references = {"ORPHANEXT"};
    request.remote = [](const std::string&) {
        OrderFacts facts;
        OrderLine ext;
        ext.reference = "ORPHANEXT";
        ext.module = "mymod";
        ext.extended_months = 6;
        ext.customer_email = "bob@example.com";
        ext.purchase_date = parse_date("2026-06-01").value();
        ext.purchased_at = "2026-06-01 09:00:00";
        facts.lines = {ext};
        facts.customer_lines = {ext};
        return facts;
    };
    auto orphan = order_support(request, "mymod", *ledger, policy);
    CHECK(orphan.state == SupportState::unknown_order);
    CHECK_THAT(orphan.message, Catch::Contains("has no purchase of mymod"));
}
