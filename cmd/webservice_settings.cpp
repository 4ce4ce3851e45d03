#include "webservice_settings.hpp"

namespace mpscli {

std::optional<mps::WebserviceSettings> webservice_settings(Context& ctx) {
    auto settings =
        mps::webservice_settings(ctx.config().orders, ctx.env().get("MPSUPPORT_WEBSERVICE_KEY"));
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
