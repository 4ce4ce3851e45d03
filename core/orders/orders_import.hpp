#pragma once
// `mpsupport orders import FILE.csv`: all rows or nothing (unless skip_bad), idempotent.
#include <filesystem>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "orders/csv_import.hpp"
#include "orders/ledger.hpp"

namespace mps {

class Progress;

struct ImportRequest {
    std::filesystem::path file;
    LedgerTarget ledger;           // where to import (the SQLite file or a PostgreSQL URL)
    bool skip_bad = false;         // import the good rows and list the bad ones
    std::string now;               // ISO 8601, recorded with each changed line
    Progress* progress = nullptr;  // rows checked, then rows imported (none: not reported)
};

struct ImportResult {
    std::string file;
    std::size_t rows = 0;  // data rows read
    char delimiter = ',';
    bool imported = false;  // false: bad rows and no skip_bad, nothing written
    ImportCounts counts;
    std::vector<BadRow> bad;    // bad rows (skipped when imported): the first kMaxBadListed
    std::size_t bad_count = 0;  // every problem, also those not listed
};

// import_orders_file: stream the CSV twice, with memory bounded by a small buffer and 16
// bytes per row: first to validate it (bad rows, and repeated order lines found by a sorted
// list of key hashes, confirmed on the rows themselves), then (all rows good, or skip_bad) to
// write the good rows to the ledger in one transaction, row by row. The ledger is not touched
// when nothing is imported; a file that changes between the two reads imports nothing.
ImportResult import_orders_file(const ImportRequest& request, const PolicyConfig& policy);

}  // namespace mps
