#include "orders/orders_import.hpp"

#include "util/fs.hpp"
#include "util/log.hpp"

namespace mps {

ImportResult import_orders_file(const ImportRequest& request, const PolicyConfig& policy) {
    std::string text = read_file(request.file);
    CsvOrders csv = parse_orders_csv(text, request.file.string(), policy.max_support_months);
    ImportResult result;
    result.file = request.file.string();
    result.rows = csv.rows;
    result.delimiter = csv.delimiter;
    result.bad = std::move(csv.bad);
    result.bad_count = csv.bad_count;
    if (!result.bad.empty() && !request.skip_bad) return result;
    auto ledger = Ledger::open(request.ledger_file, false);
    result.counts = ledger->import_lines(csv.lines, "csv", request.now);
    result.imported = true;
    log::info("{}: {} rows, {} new, {} updated, {} unchanged, {} bad", result.file, result.rows,
              result.counts.inserted, result.counts.updated, result.counts.unchanged,
              result.bad_count);
    return result;
}

}  // namespace mps
