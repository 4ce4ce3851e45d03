#pragma once
// `mpsupport orders sync`: fetch orders updated since the last sync from the webservice and
// import them into the ledger (one transaction), then move the cursor.
#include <string>

#include "orders/ledger.hpp"
#include "orders/webservice.hpp"

namespace mps {

struct SyncResult {
    std::string since;         // date_upd the walk started from
    std::string cursor;        // the new cursor (greatest date_upd seen)
    std::size_t orders = 0;    // orders read
    std::size_t lines = 0;     // module lines found in valid orders
    std::size_t pages = 0;
    ImportCounts counts;
};

// sync_orders: walk every page of orders with date_upd >= the stored cursor (all orders
// when `full`), import their lines, then store the new cursor.
SyncResult sync_orders(Ledger& ledger, Webservice& webservice, bool full, const std::string& now);

}  // namespace mps
