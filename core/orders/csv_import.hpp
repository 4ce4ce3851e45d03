#pragma once
// The order CSV of SPEC.md ("CSV import format"): a header row with case-insensitive column
// names in any order; ',' or ';'; RFC 4180 quoting; UTF-8 with or without BOM; LF or CRLF.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <optional>

#include "orders/order_line.hpp"

namespace mps {

struct BadRow {
    std::size_t line = 0;  // physical line where the row starts (1 = header)
    std::string field;     // column name, or "" for the row as a whole
    std::string message;   // what is wrong
};

// kMaxBadListed: problems listed with their line; more are only counted.
inline constexpr std::size_t kMaxBadListed = 1000;

struct CsvOrders {
    std::vector<OrderLine> lines;           // valid rows, in file order, duplicates removed
    std::vector<std::size_t> line_numbers;  // where each of `lines` starts
    std::vector<BadRow> bad;                // the first kMaxBadListed problems, in file order
    std::size_t bad_count = 0;              // every problem, also those not listed
    std::size_t rows = 0;                   // data rows read (blank lines not counted)
    char delimiter = ',';
};

// CsvInput: reads up to `size` bytes of the CSV into `buffer`; returns how many (0: the end).
// Errors throw.
using CsvInput = std::function<std::size_t(char* buffer, std::size_t size)>;

// CsvRow: one data row of an order CSV as OrdersCsvReader reads it.
struct CsvRow {
    std::size_t line = 0;      // physical line where the row starts
    std::uint64_t offset = 0;  // byte offset of the row in the input (a BOM counts)
    bool blank = false;        // an empty line: not a row, nothing else is set
    OrderLine order;           // the order line (valid when `problems` is empty)
    std::vector<BadRow> problems;
};

// OrdersCsvReader: an order CSV read row by row from an input, with a bounded buffer (about
// one row, at least 1 MiB): the import streams files of any size through it.
class OrdersCsvReader {
  public:
    // OrdersCsvReader: reads the header from `input` (`file_name` for messages; `max_months`
    // bounds extended_months). A file that is not an order CSV at all (no header, a required
    // column missing, a duplicate column) throws Error(usage) naming the file.
    OrdersCsvReader(CsvInput input, const std::string& file_name, int max_months);
    ~OrdersCsvReader();
    OrdersCsvReader(const OrdersCsvReader&) = delete;
    OrdersCsvReader& operator=(const OrdersCsvReader&) = delete;

    // next: the next row (blank lines come back with `blank` set); false at the end.
    bool next(CsvRow& row);
    // row_at: the row that starts at `offset`, read from `input` (which starts there) with this
    // file's header and delimiter; its `line` is `line`.
    CsvRow row_at(CsvInput input, std::uint64_t offset, std::size_t line) const;
    char delimiter() const;
    // bytes_read: bytes consumed from the input so far (BOM and header included).
    std::uint64_t bytes_read() const;

  private:
    struct State;
    std::unique_ptr<State> state_;
};

// repeat_problem: the bad row `line` is when it repeats the order line first seen on
// `first_line` (same reference, module and extended_months): nothing when the values are the
// same too (the repeat is dropped), else the problem to report.
std::optional<BadRow> repeat_problem(const OrderLine& first, std::size_t first_line,
                                     const OrderLine& line, std::size_t line_number);

// BadRows: the first kMaxBadListed problems in order, and the count of all.
struct BadRows {
    std::vector<BadRow> listed;
    std::size_t count = 0;
    void add(BadRow row) {
        ++count;
        if (listed.size() < kMaxBadListed) listed.push_back(std::move(row));
    }
};

// parse_orders_csv: parse and validate `text` read from `file_name` in memory (tests, fuzzing;
// `orders import` streams the file instead); `max_months` bounds extended_months. Row
// problems go to `bad`; a file that is not an order CSV at all throws Error(usage) naming
// the file.
CsvOrders parse_orders_csv(std::string_view text, const std::string& file_name, int max_months);

// valid_reference: an order reference: 1 to 64 printable ASCII characters without blanks.
bool valid_reference(std::string_view reference);

// valid_email: one '@', non-empty local part and a domain, no blanks, controls or <>,;"
bool valid_email(std::string_view email);

// valid_utf8_text: well-formed UTF-8 without control characters.
bool valid_utf8_text(std::string_view text);

}  // namespace mps
