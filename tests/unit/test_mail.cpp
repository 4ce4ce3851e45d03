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
