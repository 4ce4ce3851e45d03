#include "ledger_settings.hpp"

namespace mpscli {

mps::LedgerTarget ledger_target(Context& ctx) {
    mps::LedgerTarget target;
    target.file = ctx.paths().ledger_file();
    if (auto url = ctx.env().get("MPSUPPORT_LEDGER_URL"))
        target.url = *url;
    else
        target.url = ctx.config().ledger.url;
    if (!target.url.empty()) {
        target.url = mps::check_ledger_url(target.url);
        if (auto password = ctx.env().get("MPSUPPORT_LEDGER_PASSWORD")) target.password = *password;
    }
    target.timeout_seconds = ctx.globals.timeout;
    return target;
}

std::unique_ptr<mps::Ledger> open_ledger(Context& ctx, bool read_only) {
    return mps::Ledger::open(ledger_target(ctx), read_only);
}

}  // namespace mpscli
