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

}  // namespace mpscli
