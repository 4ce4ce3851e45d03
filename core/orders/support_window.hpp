#pragma once
// Support windows (POLICY.md §3): end = purchase + free months, or the end bought as extended
// support, never more than max months after purchase; active through the end date inclusive.
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "orders/order_line.hpp"

namespace mps {

struct SupportWindow {
    Date purchase;
    Date free_end;                     // purchase + free_support_months (capped)
    std::optional<Date> extended_end;  // purchase + bought months (capped), when bought
    Date end;                          // the later of the two: the last day of support
};

enum class SupportStatus { active, expiring, expired };

// support_status_name: "active", "expiring", "expired".
const char* support_status_name(SupportStatus status);

// window_for: the support window of a module purchase `line` (its applied extension
// included) under `policy`.
SupportWindow window_for(const OrderLine& line, const PolicyConfig& policy);

// days_left: days from `at` to the window's end (0 on the last day, negative once expired).
int days_left(const SupportWindow& window, const Date& at);

// status_at: expired after the end date, expiring when at most `warn_days` days are left,
// else active.
SupportStatus status_at(const SupportWindow& window, const Date& at, int warn_days);

// extension_target: for the extension line `group[index]`, the index in `group` of the
// purchase it extends: the latest purchase of the same module by the same customer made on
// or before the extension's date; nothing when there is none. `group` holds the lines of one
// customer and one module.
std::optional<std::size_t> extension_target(const std::vector<OrderLine>& group, std::size_t index);

// applied_extensions: for each line of `group` (one customer, one module), the largest
// number of months bought for it by extension lines (0 for none and for extension lines).
std::vector<int> applied_extensions(const std::vector<OrderLine>& group);

// supported_purchase: the module purchase whose support `line` stands for, with its applied
// extension computed from `group` (every line of that customer and module that the source
// knows, `line` among them): `line` itself for a purchase, the purchase it extends for an
// extension line; nothing for an extension line that extends no purchase in `group`. Every
// answer about one order goes through here, whatever the source (ledger or webservice), and
// the ledger stores the same applied_extensions for `remind`.
std::optional<OrderLine> supported_purchase(const OrderLine& line, std::vector<OrderLine> group);

}  // namespace mps
