#pragma once
// `mpsupport orders import FILE.csv`: all rows or nothing (unless skip_bad), idempotent.
#include <filesystem>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "orders/csv_import.hpp"
#include "orders/ledger.hpp"

namespace mps {

struct ImportRequest {
    std::filesystem::path file;
    std::filesystem::path ledger_file;
    bool skip_bad = false;  // import the good rows and list the bad ones
    std::string now;        // ISO 8601, recorded with each changed line
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

// import_orders_file: read and validate the CSV, then (all rows good, or skip_bad) write the
// good rows to the ledger in one transaction. The ledger is not touched when nothing is imported.
ImportResult import_orders_file(const ImportRequest& request, const PolicyConfig& policy);

}  // namespace mps
