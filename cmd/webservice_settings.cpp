#include "webservice_settings.hpp"

namespace mpscli {

std::optional<mps::WebserviceSettings> webservice_settings(Context& ctx) {
    // The key's file or command is read only when there is a webservice to use it on.
    std::optional<std::string> key;
    if (!ctx.config().orders.webservice_url.empty())
        key = ctx.secret(mps::SecretKind::webservice_key);
    auto settings = mps::webservice_settings(ctx.config().orders, key);
    if (!settings) return std::nullopt;
    settings->timeout_seconds = ctx.globals.timeout;
    settings->tls = ctx.tls();
    return settings;
}

void read_orders_live(Context& ctx, mps::ExpiryRequest& request) {
    auto settings = webservice_settings(ctx);
    if (!settings) return;
    const auto& config = ctx.config();
    auto webservice = std::make_shared<mps::Webservice>(*settings, config.policy);
    request.remote = [webservice](const std::string& ref) { return webservice->lookup(ref); };
    request.remote_only = config.orders.source == "webservice";
}

}  // namespace mpscli
