// orders import streams the CSV: the reader over a trickling input, the two reads of
// import_orders_file (repeats, bad rows, all or nothing) and the row-by-row ledger import.
#include <catch2/catch.hpp>

#include <filesystem>

#include "config/config.hpp"
#include "orders/csv_import.hpp"
#include "orders/ledger.hpp"
#include "orders/orders_import.hpp"
#include "test_support.hpp"
#include "util/progress.hpp"

using namespace mps;
namespace fs = std::filesystem;

namespace {

const char* kHeader =
    "order_reference,purchased_at,customer_email,customer_name,module,extended_months\r\n";

// trickle: an input giving `text` `step` bytes at a time, however much is asked for.
CsvInput trickle(const std::string& text, std::size_t step) {
    auto at = std::make_shared<std::size_t>(0);
    return [&text, step, at](char* buffer, std::size_t size) {
        std::size_t n = std::min({size, step, text.size() - *at});
        std::copy_n(text.data() + *at, n, buffer);
        *at += n;
        return n;
    };
}

// RecordingProgress: what a Progress was told.
struct RecordingProgress : Progress {
    std::vector<std::string> labels;
    std::uint64_t items = 0, bytes = 0, totals = 0;
    int finished = 0;
    void start(std::string_view label, std::string_view, std::uint64_t total,
               std::uint64_t total_bytes) override {
        labels.emplace_back(label);
        totals += total + total_bytes;
    }
    void advance(std::uint64_t n, std::uint64_t b) override { items += n, bytes += b; }
    void finish() override { ++finished; }
};

struct Files {
    testing::TempDir dir;
    fs::path ledger = dir / "ledger.sqlite";
    PolicyConfig policy;
    ImportResult import(const std::string& csv, bool skip_bad = false,
                        Progress* progress = nullptr) {
        testing::write(dir / "o.csv", csv);
        ImportRequest request;
        request.file = dir / "o.csv";
        request.ledger.file = ledger;
        request.skip_bad = skip_bad;
        request.now = "2026-12-01T00:00:00Z";
        request.progress = progress;
        return import_orders_file(request, policy);
    }
};

}  // namespace

TEST_CASE("CSV reader: rows read through a trickling input are the rows of the text",
          "[orders][csv][import]") {
    std::string text =
        "\xEF\xBB\xBFModule;ORDER_REFERENCE;purchased_at;customer_email;customer_name\r\n"
        "ps_facetedsearch;XKBKNABJK;2026-01-31 14:02:11;Ann@Example.COM;\"Zoë \"\"Z\"\"; Ünal\"\r\n"
        "\r\n"
        "blockreassurance;XKBKNABJK;2026-01-31;bob@example.com;\"multi\r\nline\"\r\n"
        "mymod;QWERTYUIO;2026-02-01;carl@example.com;\"\"\r\n"
        "mymod;QWERTYUIP;2026-02-01;dan@example.com;\"Dan\"x\r\n"
        "mymod;QWERTYUIQ;2026-02-01;eve@example.com;\"open\n";
    for (std::size_t step : {1, 2, 3, 5, 7, 64, 100000}) {
        INFO("step " << step);
        OrdersCsvReader reader(trickle(text, step), "o.csv", 12);
        CHECK(reader.delimiter() == ';');
        std::vector<CsvRow> rows;
        CsvRow row;
        while (reader.next(row)) rows.push_back(row);
        REQUIRE(rows.size() == 6);
        CHECK(rows[0].line == 2);
        CHECK(rows[0].order.customer_name == "Zoë \"Z\"; Ünal");
        CHECK(rows[0].offset == text.find("ps_faceted"));
        CHECK(rows[1].blank);
        CHECK(rows[2].line == 4);
        CHECK(rows[2].problems.size() == 1);  // a line break in the name
        CHECK(rows[3].line == 6);             // the quoted line break counts
        CHECK(rows[3].problems.empty());
        CHECK(rows[3].order.customer_name.empty());
        CHECK(rows[4].problems.size() == 1);  // text after a closing quote
        CHECK(rows[5].line == 8);
        REQUIRE(rows[5].problems.size() == 1);
        CHECK(rows[5].problems[0].message == "a quoted field is not closed");
        CHECK(reader.bytes_read() == text.size());
        // A row read again from its offset is the same row.
        CsvRow again = reader.row_at(trickle(text.substr(rows[3].offset), step), rows[3].offset, 6);
        CHECK(again.order.reference == "QWERTYUIO");
        CHECK(again.line == 6);
    }
}

TEST_CASE("orders import: repeated lines are dropped or refused, and bad rows write nothing",
          "[orders][import]") {
    Files f;
    std::string csv = std::string(kHeader) +
                      "A,2026-01-31,a@example.com,Ann,mymod,\r\n"    // 2
                      "B,2026-02-01,b@example.com,Bob,mymod,\r\n"    // 3
                      "A,2026-01-31,a@example.com,Ann,mymod,\r\n"    // 4 identical: dropped
                      "X,2026-02-10,a@example.com,Ann,mymod,6\r\n"   // 5 extension
                      "BAD,2026-02-30,c@example.com,C,mymod,\r\n"    // 6 bad date
                      "B,2026-02-01,b@example.com,Bobby,mymod,\r\n"  // 7 other values
                      "C,2026-02-01,c@example.com,Carl,mymod,\r\n";  // 8
    RecordingProgress progress;
    auto refused = f.import(csv, false, &progress);
    CHECK_FALSE(refused.imported);
    CHECK(refused.rows == 7);
    REQUIRE(refused.bad_count == 2);
    REQUIRE(refused.bad.size() == 2);
    CHECK(refused.bad[0].line == 6);
    CHECK(refused.bad[0].field == "purchased_at");
    CHECK(refused.bad[1].line == 7);
    CHECK_THAT(refused.bad[1].message, Catch::Contains("repeats order B mymod of line 3"));
    CHECK_FALSE(fs::exists(f.ledger));  // nothing imported: the ledger is not even created
    CHECK(progress.labels.size() == 1);
    CHECK(progress.finished == 1);
    CHECK(progress.items == 7);           // rows checked (the header is none)
    CHECK(progress.bytes == csv.size());  // the whole file read once

    auto skipped = f.import(csv, true, &progress);
    CHECK(skipped.imported);
    CHECK(skipped.counts.inserted == 4);  // A, B, X, C
    CHECK(progress.labels.back() == "import " + (f.dir / "o.csv").string());
    CHECK(progress.finished == 3);
    auto ledger = Ledger::open(f.ledger, true);
    CHECK(ledger->line_count() == 4);
    auto a = ledger->order("A");
    REQUIRE(a.size() == 1);
    CHECK(a[0].applied_extension_months == 6);            // computed after the bulk load
    CHECK(ledger->order("B")[0].customer_name == "Bob");  // the first of the two
}

TEST_CASE("orders import: a second import updates row by row, in one transaction",
          "[orders][import]") {
    Files f;
    std::string first = std::string(kHeader) + "A,2026-01-31,a@example.com,Ann,mymod,\r\n" +
                        "B,2026-02-01,b@example.com,Bob,mymod,\r\n";
    REQUIRE(f.import(first).counts.inserted == 2);
    std::string second = std::string(kHeader) + "A,2026-01-31,a@example.com,Ann,mymod,\r\n" +
                         "B,2026-02-01,b@example.com,Robert,mymod,\r\n" +
                         "X,2026-02-10,b@example.com,Robert,mymod,3\r\n" +
                         "C,2026-02-03,c@example.com,Carl,mymod,\r\n";
    auto again = f.import(second);
    REQUIRE(again.imported);
    CHECK(again.counts.inserted == 2);
    CHECK(again.counts.updated == 1);
    CHECK(again.counts.unchanged == 1);
    auto ledger = Ledger::open(f.ledger, true);
    CHECK(ledger->order("B")[0].customer_name == "Robert");
    CHECK(ledger->order("B")[0].applied_extension_months == 3);

    // A LineImport dropped before commit leaves the ledger as it was.
    {
        auto writer = Ledger::open(f.ledger, false);
        auto import = writer->begin_import("csv", "2026-12-02T00:00:00Z");
        OrderLine line = ledger->order("C")[0];
        line.reference = "D";
        import->add(line);
    }
    CHECK(Ledger::open(f.ledger, true)->line_count() == 4);
}

TEST_CASE("orders import: many rows with hash-colliding candidates stay exact",
          "[orders][import]") {
    Files f;
    std::string csv = kHeader;
    for (int i = 0; i < 20000; ++i)
        csv += "R" + std::to_string(i) + ",2026-01-" + std::to_string(10 + i % 18) + ",c" +
               std::to_string(i % 500) + "@example.com,C,mod_" + std::to_string(i % 7) + ",\r\n";
    csv += "R17,2026-01-27,c17@example.com,C,mod_3,\r\n";  // repeats line 19 exactly
    auto result = f.import(csv);
    REQUIRE(result.imported);
    CHECK(result.rows == 20001);
    CHECK(result.counts.inserted == 20000);
}
