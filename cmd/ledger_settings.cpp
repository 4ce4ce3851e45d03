#include "ledger_settings.hpp"

#include "config/secrets.hpp"

namespace mpscli {

std::string ledger_password(Context& ctx) {
    // Remembered by ctx, so that whatever is printed or bundled masks it.
    return ctx.secret(mps::SecretKind::ledger_password).value_or("");
}

mps::LedgerTarget ledger_target(Context& ctx) {
    mps::LedgerTarget target;
    target.file = ctx.paths().ledger_file();
    if (auto url = ctx.env().get("MPSUPPORT_LEDGER_URL"))
        target.url = *url;
    else
        target.url = ctx.config().ledger.url;
    if (!target.url.empty()) {
        target.url = mps::check_ledger_url(target.url);
        target.password = ledger_password(ctx);  // only for PostgreSQL: a file needs none
    }
    target.timeout_seconds = ctx.globals.timeout;
    return target;
}

std::unique_ptr<mps::Ledger> open_ledger(Context& ctx, bool read_only) {
    return mps::Ledger::open(ledger_target(ctx), read_only);
}

}  // namespace mpscli
