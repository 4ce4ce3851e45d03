// mpsupport expiry ORDER_REF...: binds flags, runs mps::expiry_report on the ledger, renders it.
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "ledger_settings.hpp"
#include "orders/expiry.hpp"
#include "render.hpp"
#include "webservice_settings.hpp"

namespace mpscli {
namespace {

struct ExpiryFlags {
    std::vector<std::string> references;
    std::string at;
    int warn_days = 30;
};

}  // namespace

void add_expiry_command(CLI::App& app, Context& ctx, Action& action) {
    auto flags = std::make_shared<ExpiryFlags>();
    auto* sub = app.add_subcommand("expiry", "Show when support ends for orders");
    sub->add_option("ORDER_REF", flags->references, "Order references")->required();
    sub->add_option("--at", flags->at, "Answer as of this day (YYYY-MM-DD; default: today)");
    sub->add_option("--warn-days", flags->warn_days,
                    "Support ending within N days is 'expiring' (default 30)")
        ->check(CLI::Range(0, 3660));
    sub->final_callback([&ctx, &action, flags] {
        action = [&ctx, flags] {
            const auto& config = ctx.config();
            mps::ExpiryRequest request{
                flags->references, mps::date_flag(flags->at, "--at", ctx.now()), flags->warn_days};
            read_orders_live(ctx, request);
            auto ledger = open_ledger(ctx, true);
            return emit_report(ctx, mps::expiry_report(request, *ledger, config.policy));
        };
    });
}

}  // namespace mpscli
