#include <catch2/catch.hpp>

#include "orders/csv_import.hpp"
#include "util/error.hpp"

using namespace mps;

namespace {
const char* kHeader =
    "order_reference,purchased_at,customer_email,customer_name,module,extended_months\n";
}

TEST_CASE("CSV: BOM, CRLF, semicolons, quotes and case-insensitive headers", "[orders][csv]") {
    std::string text =
        "\xEF\xBB\xBFModule;ORDER_REFERENCE;purchased_at;customer_email;customer_name\r\n"
        "ps_facetedsearch;XKBKNABJK;2026-01-31 14:02:11;Ann@Example.COM;\"Zoë \"\"Z\"\"; Ünal\"\r\n"
        "\r\n"
        "blockreassurance;XKBKNABJK;2026-01-31;bob@example.com;\"multi\nline\"\r\n"
        "mymod;QWERTYUIO;2026-02-01;carl@example.com;Carl\r\n";
    auto csv = parse_orders_csv(text, "o.csv", 12);
    CHECK(csv.delimiter == ';');
    REQUIRE(csv.bad.size() == 1);
    CHECK(csv.bad[0].line == 4);  // the name holds a line break: a control character
    CHECK(csv.bad[0].field == "customer_name");
    REQUIRE(csv.lines.size() == 2);
    CHECK(csv.lines[0].module == "ps_facetedsearch");
    CHECK(csv.lines[0].customer_email == "ann@example.com");
    CHECK(csv.lines[0].customer_name == "Zoë \"Z\"; Ünal");
    CHECK(csv.lines[0].purchased_at == "2026-01-31 14:02:11");
    CHECK(csv.lines[0].extended_months == 0);
    CHECK(csv.line_numbers[1] == 6);  // physical line numbers count the quoted line break
    CHECK(csv.rows == 3);
}

TEST_CASE("CSV: every bad row is reported with its line and field", "[orders][csv]") {
    std::string text = std::string(kHeader) +
                       "A,2026-01-31,a@example.com,Ann,mymod,\n"     // 2 good
                       "B,2026-02-30,b@example.com,Bob,mymod,\n"     // 3 bad date
                       "C,2026-02-01,not-an-email,Carl,mymod,\n"     // 4 bad email
                       "D,2026-02-01,d@example.com,Dan,my-mod,\n"    // 5 bad module
                       "E,2026-02-01,e@example.com,Eve,mymod,13\n"   // 6 too many months
                       "F,2026-02-01,f@example.com,Fay,mymod\n"      // 7 field count
                       "\"G,2026-02-01,g@example.com,Guy,mymod,\n";  // 8 unclosed quote
    auto csv = parse_orders_csv(text, "o.csv", 12);
    REQUIRE(csv.bad.size() == 6);
    CHECK(csv.bad[0].line == 3);
    CHECK(csv.bad[0].field == "purchased_at");
    CHECK(csv.bad[1].line == 4);
    CHECK(csv.bad[1].field == "customer_email");
    CHECK(csv.bad[2].line == 5);
    CHECK(csv.bad[2].field == "module");
    CHECK(csv.bad[3].line == 6);
    CHECK(csv.bad[3].field == "extended_months");
    CHECK(csv.bad[4].line == 7);
    CHECK_THAT(csv.bad[4].message, Catch::Contains("5 fields"));
    CHECK(csv.bad[5].line == 8);
    CHECK(csv.lines.size() == 1);
}

TEST_CASE("CSV: duplicates and extension lines", "[orders][csv]") {
    std::string text = std::string(kHeader) +
                       "A,2026-01-31,a@example.com,Ann,mymod,\n"
                       "A,2026-01-31,a@example.com,Ann,mymod,\n"   // identical: kept once
                       "X,2026-02-10,a@example.com,Ann,mymod,6\n"  // extension
                       "A,2026-01-30,a@example.com,Ann,mymod,\n";  // conflicting duplicate
    auto csv = parse_orders_csv(text, "o.csv", 12);
    REQUIRE(csv.lines.size() == 2);
    CHECK(csv.lines[1].extended_months == 6);
    CHECK(csv.lines[1].is_extension());
    REQUIRE(csv.bad.size() == 1);
    CHECK(csv.bad[0].line == 5);
    CHECK_THAT(csv.bad[0].message, Catch::Contains("line 2"));
}

TEST_CASE("CSV: a file without the required columns is refused whole", "[orders][csv]") {
    CHECK_THROWS_AS(parse_orders_csv("", "o.csv", 12), Error);
    try {
        parse_orders_csv("order_reference,purchased_at,module\nA,2026-01-01,m\n", "o.csv", 12);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
        CHECK_THAT(e.what(), Catch::Contains("o.csv:1") && Catch::Contains("customer_email"));
    }
    CHECK_THROWS_AS(parse_orders_csv("module,module,order_reference,purchased_at,customer_email\n",
                                     "o.csv", 12),
                    Error);
}

TEST_CASE("e-mail addresses and names cannot inject headers", "[orders][csv]") {
    CHECK(valid_email("ann@example.com"));
    CHECK_FALSE(valid_email("ann@example.com\r\nBcc: x@evil"));
    CHECK_FALSE(valid_email("ann example@x.com"));
    CHECK_FALSE(valid_email("a@b@c"));
    CHECK_FALSE(valid_email("<a@b.c>"));
    CHECK(valid_utf8_text("Zoë Ünal"));
    CHECK_FALSE(valid_utf8_text("Zo\xC3"));
    CHECK_FALSE(valid_utf8_text("a\rb"));
}

TEST_CASE("CSV: a purchase date outside the supported range is a bad row", "[orders][csv][date]") {
    std::string text = std::string(kHeader) + "A,9999-12-31,a@example.com,Ann,mymod,\n" +
                       "B,1900-01-01 10:00:00,b@example.com,Bob,mymod,\n" +
                       "C,9000-12-31,c@example.com,Carl,mymod,\n";
    auto csv = parse_orders_csv(text, "o.csv", 12);
    REQUIRE(csv.bad.size() == 2);
    CHECK(csv.bad[0].line == 2);
    CHECK(csv.bad[0].field == "purchased_at");
    CHECK_THAT(csv.bad[0].message,
               Catch::Contains("'9999-12-31'") && Catch::Contains("1970-01-01 to 9000-12-31"));
    CHECK(csv.bad[1].line == 3);
    CHECK(csv.lines.size() == 1);
}

TEST_CASE("CSV: a huge bad field is quoted in 80 characters, not whole", "[orders][csv]") {
    std::string huge(60'000, 'x');
    std::string text =
        std::string(kHeader) + "A,2026-01-31," + huge + "@,Ann,mymod,\n" +   // bad e-mail
        "B,\"" + huge + "\",b@example.com,Bob,mymod,\n" +                    // bad date, quoted
        "C,2026-01-31,c@example.com,Carl," + huge + "-,\n" +                 // bad module
        "D,2026-01-31,d@example.com,Dan,mymod," + huge + "\n" +              // bad months
        "E,2026-01-31,e@example.com,\"" + huge + "\"" + huge + ",mymod,\n";  // text after a quote
    auto csv = parse_orders_csv(text, "o.csv", 12);
    REQUIRE(csv.bad.size() == 5);
    for (const auto& bad : csv.bad) {
        INFO(bad.line << " " << bad.field);
        CHECK(bad.message.size() < 200);
    }
    CHECK_THAT(csv.bad[0].message, Catch::StartsWith("'xxxxxxxx") && Catch::Contains("…'"));
    // A field far longer than any order value is refused without being copied or quoted.
    std::string giant(3'000'000, 'y');
    auto refused =
        parse_orders_csv(std::string(kHeader) + "A,2026-01-31,\"" + giant + "\",Ann,mymod,\n" +
                             "B,2026-01-31," + giant + ",Bob,mymod,\n",
                         "o.csv", 12);
    REQUIRE(refused.bad.size() == 2);
    for (const auto& bad : refused.bad)
        CHECK_THAT(bad.message, Catch::Contains("longer than 65536 bytes"));
    // Control characters in a quoted value are shown escaped.
    auto escaped = parse_orders_csv(
        std::string(kHeader) + "A,2026-01-31,\"a\x1b[2J@\",Ann,mymod,\n", "o.csv", 12);
    REQUIRE(escaped.bad.size() == 1);
    CHECK(escaped.bad[0].message.find('\x1b') == std::string::npos);
}

TEST_CASE("CSV: bad rows are counted, the first 1000 listed", "[orders][csv]") {
    std::string text = kHeader;
    for (int i = 0; i < 1500; ++i) text += "x\n";
    auto csv = parse_orders_csv(text, "o.csv", 12);
    CHECK(csv.bad.size() == 1000);
    CHECK(csv.bad_count == 1500);
    CHECK(csv.rows == 1500);
    std::string wide = std::string(kHeader) + "A" + std::string(100000, ',') + "\n";
    auto many = parse_orders_csv(wide, "o.csv", 12);
    REQUIRE(many.bad.size() == 1);
    CHECK(many.bad[0].message == "100001 fields where the header has 6");
}
