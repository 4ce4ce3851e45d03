#pragma once
// The order CSV of SPEC.md ("CSV import format"): a header row with case-insensitive column
// names in any order; ',' or ';'; RFC 4180 quoting; UTF-8 with or without BOM; LF or CRLF.
#include <string>
#include <string_view>
#include <vector>

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

// parse_orders_csv: parse and validate `text` read from `file_name`; `max_months` bounds
// extended_months. Row problems go to `bad`; a file that is not an order CSV at all (no
// header, a required column missing, a duplicate column) throws Error(usage) naming the file.
CsvOrders parse_orders_csv(std::string_view text, const std::string& file_name, int max_months);

// valid_reference: an order reference: 1 to 64 printable ASCII characters without blanks.
bool valid_reference(std::string_view reference);

// valid_email: one '@', non-empty local part and a domain, no blanks, controls or <>,;"
bool valid_email(std::string_view email);

// valid_utf8_text: well-formed UTF-8 without control characters.
bool valid_utf8_text(std::string_view text);

}  // namespace mps
