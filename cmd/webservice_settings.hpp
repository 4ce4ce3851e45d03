#pragma once
// The shop webservice's settings as every command uses them (expiry, orders sync, ticket
// open's support lookup): one place, so none forgets the timeout or the TLS options.
#include <optional>

#include "context.hpp"
#include "orders/expiry.hpp"
#include "orders/webservice.hpp"

namespace mpscli {

// webservice_settings: [orders] webservice_url with $MPSUPPORT_WEBSERVICE_KEY, --timeout and
// the TLS options (--insecure, MPSUPPORT_CA_BUNDLE); nothing when no webservice is configured.
// Error(usage) when the key is missing.
std::optional<mps::WebserviceSettings> webservice_settings(Context& ctx);

// read_orders_live: when a webservice is configured, let `request` read orders live from it
// (for references the ledger lacks; always with [orders] source = "webservice").
void read_orders_live(Context& ctx, mps::ExpiryRequest& request);

}  // namespace mpscli
