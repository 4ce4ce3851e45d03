// mpsupport ledger migrate --to URL: copy the local SQLite ledger into a shared PostgreSQL
// ledger (mps::copy_ledger), and say what was copied.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "ledger_settings.hpp"
#include "orders/ledger_migrate.hpp"
#include "render.hpp"
#include "util/iso_time.hpp"

namespace mpscli {
namespace {

struct MigrateFlags {
    std::string to;
    std::string from;
};

int run_migrate(Context& ctx, const MigrateFlags& flags) {
    mps::LedgerTarget target = ledger_target(ctx);
    target.url = mps::check_ledger_url(flags.to);
    // Also without a [ledger] url (ledger_target resolves the password only with one).
    if (target.password.empty()) target.password = ledger_password(ctx);
    std::filesystem::path file =
        flags.from.empty() ? ctx.paths().ledger_file() : std::filesystem::path(flags.from);
    if (!std::filesystem::exists(file))
        throw mps::Error(mps::ErrorKind::not_found, "no local ledger at " + file.string(),
                         "give the SQLite ledger to copy with --from FILE");
    auto from = mps::Ledger::open(file, true);
    auto to = mps::Ledger::open(target, false);
    auto counts = mps::copy_ledger(*from, *to, mps::iso_utc(ctx.now()));
    if (ctx.globals.json)
        return emit_json(ctx, {{"schema", "mpsupport.ledger/1"},
                               {"action", "migrate"},
                               {"from", file.string()},
                               {"to", target.url},
                               {"lines", counts.lines},
                               {"inserted", counts.imported.inserted},
                               {"updated", counts.imported.updated},
                               {"unchanged", counts.imported.unchanged},
                               {"reminders", counts.reminders},
                               {"reminders_copied", counts.reminders_copied},
                               {"tickets", counts.tickets},
                               {"tickets_copied", counts.tickets_copied},
                               {"meta", counts.meta},
                               {"meta_copied", counts.meta_copied}});
    if (!ctx.globals.quiet)
        ctx.out << file.string() << " -> " << target.url << ": " << counts.lines << " lines ("
                << counts.imported.inserted << " new, " << counts.imported.updated << " updated, "
                << counts.imported.unchanged << " unchanged), " << counts.reminders_copied << " of "
                << counts.reminders << " reminders and " << counts.tickets_copied << " of "
                << counts.tickets << " tickets and " << counts.meta_copied << " of " << counts.meta
                << " meta entries (the sync cursor) copied\n";
    return 0;
}

}  // namespace

void add_ledger_command(CLI::App& app, Context& ctx, Action& action) {
    auto* ledger = app.add_subcommand("ledger", "Manage where the orders ledger is");
    ledger->require_subcommand(1, 1);
    auto flags = std::make_shared<MigrateFlags>();
    auto* migrate = ledger->add_subcommand(
        "migrate", "Copy the local ledger into a shared PostgreSQL ledger (idempotent)");
    migrate->add_option("--to", flags->to, "postgresql://USER@HOST:PORT/DBNAME (no password)")
        ->required();
    migrate->add_option("--from", flags->from,
                        "The SQLite ledger to copy (default: this user's ledger.sqlite)");
    migrate->final_callback(
        [&ctx, &action, flags] { action = [&ctx, flags] { return run_migrate(ctx, *flags); }; });
}

}  // namespace mpscli
