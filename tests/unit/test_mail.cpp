#include <catch2/catch.hpp>

#include "mail/message.hpp"
#include "mail/template.hpp"
#include "util/error.hpp"

using namespace mps;

TEST_CASE("RFC 2047 encoded words", "[mail]") {
    CHECK(encode_header_text("Plain subject") == "Plain subject");
    CHECK(encode_header_text("Zoë") == "=?UTF-8?B?Wm/Dqw==?=");
    std::string long_text;
    for (int i = 0; i < 40; ++i) long_text += "é";  // 80 bytes: two words, split between characters
    std::string encoded = encode_header_text(long_text);
    auto fold = encoded.find("\r\n ");
    REQUIRE(fold != std::string::npos);
    CHECK(fold <= 75);
    CHECK(encoded.size() - fold - 3 <= 75);
    CHECK(encode_header_text("a\r\nBcc: x") == "a  Bcc: x");  // no header injection
}

TEST_CASE("mailboxes are quoted or encoded as needed", "[mail]") {
    CHECK(format_mailbox("", "a@b.c") == "a@b.c");
    CHECK(format_mailbox("Ann Lee", "a@b.c") == "Ann Lee <a@b.c>");
    CHECK(format_mailbox("Lee, Ann", "a@b.c") == "\"Lee, Ann\" <a@b.c>");
    CHECK(format_mailbox("A \"B\"", "a@b.c") == "\"A \\\"B\\\"\" <a@b.c>");
    CHECK(format_mailbox("Zoë", "a@b.c") == "=?UTF-8?B?Wm/Dqw==?= <a@b.c>");
}

TEST_CASE("quoted-printable bodies and RFC 5322 dates", "[mail]") {
    CHECK(quoted_printable("Hello Zoë,\n") == "Hello Zo=C3=AB,\r\n");
    CHECK(quoted_printable("trailing \n.dot\na=b") == "trailing=20\r\n=2Edot\r\na=3Db\r\n");
    std::string long_line(200, 'x');
    for (const auto& piece : {quoted_printable(long_line)}) {
        std::size_t start = 0;
        while (start < piece.size()) {
            auto end = piece.find("\r\n", start);
            CHECK(end - start <= 76);
            start = end + 2;
        }
    }
    auto when = std::chrono::system_clock::from_time_t(1795781625);  // 2026-11-27 12:13:45 UTC
    CHECK(rfc5322_date(when) == "Fri, 27 Nov 2026 12:13:45 +0000");
}

TEST_CASE("templates: placeholders are checked and filled", "[mail]") {
    CHECK(expand_template("Hi {name}, {{literal}", {{"name", "Ann"}}) == "Hi Ann, {literal}");
    CHECK_NOTHROW(check_template("Hi {name}", {"name"}, "t.txt"));
    try {
        check_template("line\nHi {nmae}", {"name"}, "t.txt");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
        CHECK_THAT(e.what(), Catch::Contains("t.txt:2") && Catch::Contains("{nmae}"));
        CHECK_THAT(e.hint(), Catch::Contains("{name}"));
    }
}

namespace {

// header_lines: the lines of the header block (before the first empty line), CRLF removed.
std::vector<std::string> header_lines(const std::string& message) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < message.size()) {
        auto end = message.find("\r\n", start);
        if (end == std::string::npos || end == start) break;
        lines.push_back(message.substr(start, end - start));
        start = end + 2;
    }
    return lines;
}

MailMessage message_to(const std::string& name, const std::string& subject) {
    MailMessage m;
    m.from_name = "Vendör Shop";
    m.from_address = "reminders@vendor.example";
    m.to_name = name;
    m.to_address = "ann@example.com";
    m.reply_to_name = name;
    m.reply_to_address = "help@vendor.example";
    m.subject = subject;
    m.body = "Hello " + name + ",\n";
    m.message_id = "remind.A.mymod.7.2026-03-05.1@vendor.example";
    m.date = std::chrono::system_clock::from_time_t(1795781625);
    return m;
}

}  // namespace

TEST_CASE("long names and subjects are folded: no header line over 78 characters", "[mail]") {
    std::string words, word(5000, 'a'), quoted, utf8;
    for (int i = 0; i < 1000; ++i) words += "Ann ";
    words += "Lee";
    quoted = "Lee, " + words;
    for (int i = 0; i < 2500; ++i) utf8 += "é";
    for (const std::string& name :
         {words, word, quoted, utf8, std::string("Ann \"The\" Lee, ") + word}) {
        for (const std::string& subject :
             {std::string("[A] mymod: support ends"), words, word, utf8}) {
            std::string message = render_message(message_to(name, subject));
            auto lines = header_lines(message);
            REQUIRE(lines.size() > 8);
            for (const auto& line : lines) {
                INFO(line.substr(0, 120));
                CHECK(line.size() <= 78);
            }
            // Every line of the whole message stays within SMTP's 998.
            std::size_t start = 0;
            while (start < message.size()) {
                auto end = message.find("\r\n", start);
                REQUIRE(end != std::string::npos);
                CHECK(end - start <= 998);
                start = end + 2;
            }
        }
    }
    // Short headers are unchanged.
    std::string plain = render_message(message_to("Bob, Jr.", "[B] mymod"));
    CHECK_THAT(plain, Catch::Contains("\r\nTo: \"Bob, Jr.\" <ann@example.com>\r\n"));
    CHECK_THAT(plain, Catch::Contains("\r\nSubject: [B] mymod\r\n"));
}

TEST_CASE("folded headers unfold to the original text", "[mail]") {
    std::string words;
    for (int i = 0; i < 100; ++i) words += "word" + std::to_string(i) + " ";
    words += "end";
    std::string folded = encode_header_text(words);
    std::string unfolded;
    for (std::size_t i = 0; i < folded.size(); ++i) {
        if (folded.compare(i, 2, "\r\n") == 0) {
            ++i;
            continue;
        }
        unfolded += folded[i];
    }
    CHECK(unfolded == words);
}
