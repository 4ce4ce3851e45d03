#pragma once
// Checks made before a ticket is sent (issue 6 "Pre-flight"): the order's support status
// (POLICY.md §3, as `mpsupport expiry` answers it), the scope of the request (POLICY.md §5)
// and the attachment.
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "orders/expiry.hpp"
#include "report/report.hpp"
#include "ticket/ticket.hpp"

namespace mps {

enum class SupportState { active, expiring, expired, unknown_order, module_not_in_order };

struct OrderSupport {
    SupportState state = SupportState::unknown_order;
    std::string message;         // one line, as `expiry` words it
    std::string hint;            // how to buy extended support, or what to check
    std::string customer_email;  // from the order, when known
    std::string support_end;     // YYYY-MM-DD, when known
    int days_left = 0;
    nlohmann::json data = nlohmann::json::object();  // the order line, as `expiry --json` gives it
};

// order_support: the support status of `module` in order `request.references[0]` as of
// `request.at` (ledger, then the webservice when `request.remote` is set).
OrderSupport order_support(const ExpiryRequest& request, const std::string& module, Ledger& ledger,
                           const PolicyConfig& policy);

struct PreflightOptions {
    bool force = false;    // --force: send even when support expired or the order is unknown
    bool via_form = true;  // the contact form only takes some attachment types
};

// preflight_checks: ticket.support (fail with outcome finding when expired, not_found when
// the order or module is unknown; a warning instead with --force), ticket.scope (warn when the
// summary reads like a customisation request) and ticket.attachment.
std::vector<Check> preflight_checks(const Ticket& ticket, const OrderSupport& support,
                                    const PreflightOptions& options);

}  // namespace mps
