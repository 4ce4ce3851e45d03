#include "orders/orders_sync.hpp"

#include "util/log.hpp"

namespace mps {

namespace {
constexpr const char* kCursor = "webservice.date_upd";
}

SyncResult sync_orders(Ledger& ledger, Webservice& webservice, bool full, const std::string& now) {
    SyncResult result;
    result.since = full ? "" : ledger.meta(kCursor);
    if (result.since.empty()) result.since = "1970-01-01 00:00:00";
    result.cursor = result.since;
    std::vector<OrderLine> lines;
    for (std::size_t offset = 0;; ) {
        WsOrderPage page = webservice.orders_updated_since(result.since, offset);
        ++result.pages;
        result.orders += page.orders;
        if (page.last_date_upd > result.cursor) result.cursor = page.last_date_upd;
        lines.insert(lines.end(), page.lines.begin(), page.lines.end());
        log::debug("webservice: page {} at offset {}: {} orders", result.pages, offset, page.orders);
        if (page.orders == 0) break;
        offset += page.orders;
    }
    result.lines = lines.size();
    result.counts = ledger.import_lines(lines, "webservice", now);
    // After the import: a crash in between only makes the next sync fetch the same orders again.
    ledger.set_meta(kCursor, result.cursor);
    return result;
}

}  // namespace mps
