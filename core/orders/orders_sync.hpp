#pragma once
// `mpsupport orders sync`: fetch orders updated since the last sync from the webservice and
// import them into the ledger (one transaction), then move the cursor.
#include <string>

#include "orders/ledger.hpp"
#include "orders/webservice.hpp"

namespace mps {

class Progress;

struct SyncResult {
    std::string since;               // date_upd the walk started from
    std::string cursor;              // the new cursor (greatest date_upd seen)
    std::size_t orders = 0;          // orders read
    std::size_t lines = 0;           // module lines found in valid orders
    std::size_t invalid_orders = 0;  // orders read that are not valid (cancelled, refunded, unpaid)
    std::size_t pages = 0;
    ImportCounts counts;
};

// kMaxSyncPages: the most pages one sync reads (a million orders at 100 a page).
inline constexpr std::size_t kMaxSyncPages = 10000;

// sync_orders: walk every page of orders with date_upd >= the stored cursor (all orders
// when `full`), import the lines of valid orders and remove those of orders that are no
// longer valid (refunded, cancelled: their date_upd moved) with their reminders, then store
// the new cursor. A webservice that ignores limit= (a page larger than asked for, a page of
// orders already read) or that has more than `max_pages` pages stops the walk with
// Error(unreachable) before anything is imported.
// `progress` hears of the orders read, page by page.
SyncResult sync_orders(Ledger& ledger, Webservice& webservice, bool full, const std::string& now,
                       std::size_t max_pages = kMaxSyncPages, Progress* progress = nullptr);

}  // namespace mps
