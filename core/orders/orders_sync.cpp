#include "orders/orders_sync.hpp"

#include <optional>
#include <set>

#include "util/log.hpp"
#include "util/progress.hpp"

namespace mps {

namespace {
constexpr const char* kCursor = "webservice.date_upd";
}

SyncResult sync_orders(Ledger& ledger, Webservice& webservice, bool full, const std::string& now,
                       std::size_t max_pages, Progress* progress) {
    SyncResult result;
    result.since = full ? "" : ledger.meta(kCursor);
    if (result.since.empty()) result.since = "1970-01-01 00:00:00";
    result.cursor = result.since;
    std::vector<OrderLine> lines, withdrawn;
    std::optional<ProgressTask> task(std::in_place, progress, "sync orders", "orders");
    webservice.walk(
        [&](std::size_t offset) { return webservice.orders_updated_since(result.since, offset); },
        [&](WsOrderPage& page) {
            ++result.pages;
            result.orders += page.orders;
            task->advance(page.orders);
            result.invalid_orders += page.invalid.size();
            if (page.last_date_upd > result.cursor) result.cursor = page.last_date_upd;
            lines.insert(lines.end(), page.lines.begin(), page.lines.end());
            withdrawn.insert(withdrawn.end(), page.withdrawn.begin(), page.withdrawn.end());
        },
        max_pages, ", nothing imported");
    task.reset();
    lines = distinct_lines(std::move(lines));
    // A line a valid order gives stays, even when another order with the same reference (a
    // split cart) was cancelled.
    std::set<LineKey> kept;
    for (const auto& line : lines) kept.insert(line_key(line));
    std::erase_if(withdrawn,
                  [&kept](const OrderLine& line) { return kept.count(line_key(line)) > 0; });
    result.lines = lines.size();
    result.counts = ledger.import_lines(lines, "webservice", now, withdrawn);
    if (result.counts.removed > 0)
        log::info("webservice: {} lines of {} orders no longer valid removed",
                  result.counts.removed, result.counts.removed_references.size());
    // After the import: a crash in between only makes the next sync fetch the same orders again.
    ledger.set_meta(kCursor, result.cursor);
    return result;
}

}  // namespace mps
