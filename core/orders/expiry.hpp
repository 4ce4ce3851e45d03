#pragma once
// `mpsupport expiry`: the support window of each module of some orders, as of a day.
#include <functional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "orders/date.hpp"
#include "orders/ledger.hpp"
#include "orders/order_facts.hpp"
#include "orders/support_window.hpp"
#include "report/report.hpp"

namespace mps {

struct ExpiryRequest {
    std::vector<std::string> references;
    Date at;             // answer as of this day
    int warn_days = 30;  // "expiring" when at most this many days are left
    // remote: what the webservice knows of an order, asked when the ledger does not know the
    // reference (or always, with `remote_only`); empty function: ledger only.
    std::function<OrderFacts(const std::string&)> remote;
    bool remote_only = false;
};

// line_json: one order line with its support window (for a purchase) as of `at`.
nlohmann::json line_json(const OrderLine& line, const SupportWindow& window, const Date& at,
                         int warn_days);

// expiry_report: one check per module of each order (pass: active, warn: expiring, fail
// with outcome finding: expired), one failed not_found check per unknown reference and per
// extension line that extends no purchase, and a failed finding check per order the shop
// does not count (cancelled, refunded, unpaid). Extensions apply through supported_purchase
// over the customer's lines, from the ledger or the webservice alike. Schema mpsupport.expiry/1.
Report expiry_report(const ExpiryRequest& request, Ledger& ledger, const PolicyConfig& policy);

}  // namespace mps
