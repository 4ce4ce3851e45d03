#include "orders/orders_sync.hpp"

#include <unordered_set>

#include "util/error.hpp"
#include "util/log.hpp"

namespace mps {

namespace {
constexpr const char* kCursor = "webservice.date_upd";
}

SyncResult sync_orders(Ledger& ledger, Webservice& webservice, bool full, const std::string& now,
                       std::size_t max_pages) {
    SyncResult result;
    result.since = full ? "" : ledger.meta(kCursor);
    if (result.since.empty()) result.since = "1970-01-01 00:00:00";
    result.cursor = result.since;
    std::vector<OrderLine> lines;
    std::unordered_set<std::string>
        seen;  // order keys read so far: a page of only these makes no progress
    auto stop = [&](const std::string& why) {
        return Error(ErrorKind::unreachable,
                     "webservice " + webservice.orders_url() + " " + why + "; stopped after " +
                         std::to_string(webservice.requests()) + " requests, nothing imported",
                     "the shop must honour limit=OFFSET,COUNT as PrestaShop's webservice does; "
                     "check [orders] "
                     "webservice_url and any proxy or module that rewrites /api answers");
    };
    for (std::size_t offset = 0;;) {
        if (result.pages >= max_pages)
            throw stop("still had orders after " + std::to_string(max_pages) + " pages (" +
                       std::to_string(result.orders) + " orders)");
        WsOrderPage page = webservice.orders_updated_since(result.since, offset);
        ++result.pages;
        if (page.orders > webservice.page_size())
            throw stop(
                "answered " + std::to_string(page.orders) + " orders to a request for at most " +
                std::to_string(webservice.page_size()) + " (limit=" + std::to_string(offset) + "," +
                std::to_string(webservice.page_size()) + " ignored)");
        std::size_t fresh = 0;
        for (const auto& key : page.order_keys) fresh += seen.insert(key).second;
        if (page.orders > 0 && fresh == 0)
            throw stop("answered orders already read to the request at offset " +
                       std::to_string(offset) + " (limit= ignored: the walk makes no progress)");
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
