// mpsupport orders import|show|list: the orders ledger.
#include <CLI/CLI.hpp>

#include <ostream>

#include "commands.hpp"
#include "ledger_settings.hpp"
#include "orders/date.hpp"
#include "orders/expiry.hpp"
#include "orders/orders_import.hpp"
#include "orders/orders_sync.hpp"
#include "orders/webservice.hpp"
#include "render.hpp"
#include "util/error.hpp"
#include "util/text.hpp"
#include "webservice_settings.hpp"

namespace mpscli {
namespace {

struct ListFlags {
    std::string at;
    int expiring_within = -1;
};

using mps::plural;

int run_import(Context& ctx, mps::ImportRequest request) {
    request.ledger = ledger_target(ctx);
    request.now = mps::iso_utc(ctx.now());
    request.progress = ctx.progress_reporter();
    auto result = mps::import_orders_file(request, ctx.config().policy);
    int code = result.imported ? 0 : exit_code_for(mps::ErrorKind::usage);
    if (ctx.globals.json) {
        nlohmann::json bad = nlohmann::json::array();
        for (const auto& b : result.bad)
            bad.push_back({{"line", b.line}, {"field", b.field}, {"message", b.message}});
        nlohmann::json doc = {{"schema", "mpsupport.orders/1"},
                              {"action", "import"},
                              {"file", result.file},
                              {"rows", result.rows},
                              {"imported", result.imported},
                              {"inserted", result.counts.inserted},
                              {"updated", result.counts.updated},
                              {"unchanged", result.counts.unchanged},
                              {"bad_rows", bad},
                              {"bad_count", result.bad_count}};
        return emit_json(ctx, doc, code);
    }
    for (const auto& b : result.bad)
        ctx.err << mps::printable(result.file) << ":" << b.line << ": "
                << mps::printable(b.field.empty() ? b.message : b.field + ": " + b.message)
                << (result.imported ? " (skipped)" : "") << "\n";
    if (result.bad_count > result.bad.size())
        ctx.err << result.file << ": "
                << plural(result.bad_count - result.bad.size(), "more problem") << " not listed\n";
    if (!result.imported) {
        print_error(ctx,
                    mps::Error(mps::ErrorKind::usage,
                               plural(result.bad_count, "bad row") + " in " + result.file +
                                   "; nothing imported",
                               "fix the rows listed above, or import the others with --skip-bad"));
        return code;
    }
    if (!ctx.globals.quiet || !result.bad.empty())
        ctx.out << result.file << ": " << plural(result.rows, "row") << ": "
                << result.counts.inserted << " new, " << result.counts.updated << " updated, "
                << result.counts.unchanged << " unchanged"
                << (result.bad.empty() ? "" : ", " + std::to_string(result.bad_count) + " skipped")
                << "\n";
    return code;
}

int run_sync(Context& ctx, bool full) {
    const auto& config = ctx.config();
    auto settings = webservice_settings(ctx);
    if (!settings)
        throw mps::Error(mps::ErrorKind::usage, "no webservice configured for orders sync",
                         "set [orders] webservice_url (the shop's /api root) in " +
                             ctx.paths().config_file.string() +
                             " and export MPSUPPORT_WEBSERVICE_KEY");
    mps::Webservice webservice(*settings, config.policy);
    auto ledger = open_ledger(ctx, false);
    auto result = mps::sync_orders(*ledger, webservice, full, mps::iso_utc(ctx.now()),
                                   mps::kMaxSyncPages, ctx.progress_reporter());
    if (ctx.globals.json)
        return emit_json(ctx, {{"schema", "mpsupport.orders/1"},
                               {"action", "sync"},
                               {"since", result.since},
                               {"cursor", result.cursor},
                               {"orders", result.orders},
                               {"lines", result.lines},
                               {"pages", result.pages},
                               {"requests", webservice.requests()},
                               {"inserted", result.counts.inserted},
                               {"updated", result.counts.updated},
                               {"unchanged", result.counts.unchanged},
                               {"invalid_orders", result.invalid_orders},
                               {"removed", result.counts.removed},
                               {"removed_orders", result.counts.removed_references},
                               {"reminders_removed", result.counts.reminders_removed}});
    if (!ctx.globals.quiet) {
        ctx.out << "synced " << plural(result.orders, "order") << " updated since " << result.since
                << ": " << plural(result.lines, "module line") << ", " << result.counts.inserted
                << " new, " << result.counts.updated << " updated, " << result.counts.unchanged
                << " unchanged\n";
        if (result.counts.removed > 0) {
            std::string references;
            for (const auto& r : result.counts.removed_references)
                references += (references.empty() ? "" : ", ") + mps::printable(r);
            ctx.out << "removed " << plural(result.counts.removed, "line") << " of "
                    << plural(result.counts.removed_references.size(), "order")
                    << " no longer valid (cancelled, refunded or unpaid): " << references << "; "
                    << plural(result.counts.reminders_removed, "reminder record") << " dropped\n";
        }
    }
    return 0;
}

void print_line(Context& ctx, const nlohmann::json& line) {
    char buffer[512];
    std::string status = line.value("status", "");
    std::snprintf(buffer, sizeof buffer, "%-12s %-28s %-10s  %-10s  %-8s %5d  %s",
                  line.value("reference", "").c_str(), line.value("module", "").c_str(),
                  line.value("purchased_at", "").substr(0, 10).c_str(),
                  line.value("support_end", "").c_str(), status.c_str(), line.value("days_left", 0),
                  line.value("customer_email", "").c_str());
    ctx.out << paint(ctx, buffer,
                     status == "expired"    ? "dim"
                     : status == "expiring" ? "yellow"
                                            : "0")
            << "\n";
}

int run_show(Context& ctx, const std::string& reference, const std::string& at_flag) {
    mps::Date at = mps::date_flag(at_flag, "--at", ctx.now());
    auto ledger = open_ledger(ctx, true);
    auto lines = ledger->order(reference);
    if (lines.empty())
        throw mps::Error(
            mps::ErrorKind::not_found, "order " + reference + " is not in the ledger",
            "check the reference, or import the orders: 'mpsupport orders import FILE.csv'");
    const auto& policy = ctx.config().policy;
    nlohmann::json items = nlohmann::json::array();
    for (const auto& line : lines) {
        nlohmann::json item;
        if (line.is_extension()) {
            item = {
                {"reference", line.reference},         {"module", line.module},
                {"purchased_at", line.purchased_at},   {"customer_email", line.customer_email},
                {"customer_name", line.customer_name}, {"extension_months", line.extended_months}};
        } else {
            item = mps::line_json(line, mps::window_for(line, policy), at, 30);
            nlohmann::json reminders = nlohmann::json::array();
            for (const auto& r : ledger->reminders_of_line(line.id))
                reminders.push_back({{"threshold", r.key.threshold},
                                     {"support_end", r.key.support_end},
                                     {"state", mps::reminder_state_name(r.state)},
                                     {"sent_at", r.sent_at},
                                     {"message_id", r.message_id},
                                     {"error", r.error},
                                     {"attempts", r.attempts}});
            item["reminders"] = reminders;
        }
        items.push_back(item);
    }
    if (ctx.globals.json)
        return emit_json(ctx, {{"schema", "mpsupport.orders/1"},
                               {"action", "show"},
                               {"reference", reference},
                               {"at", mps::format_date(at)},
                               {"lines", items}});
    const auto& first = lines.front();
    ctx.out << "order " << reference << "  " << first.customer_name << " <" << first.customer_email
            << ">\n";
    for (const auto& item : items) {
        ctx.out << "  " << item["module"].get<std::string>() << "  bought "
                << item["purchased_at"].get<std::string>();
        if (item.contains("extension_months")) {
            ctx.out << "  extended support: " << item["extension_months"].get<int>() << " months\n";
            continue;
        }
        ctx.out << "\n    support until " << item["support_end"].get<std::string>() << " ("
                << item["status"].get<std::string>() << ", " << item["days_left"].get<int>()
                << " days left)"
                << "  free until " << item["free_support_end"].get<std::string>();
        if (!item["extended_support_end"].is_null())
            ctx.out << ", extended until " << item["extended_support_end"].get<std::string>();
        ctx.out << "\n";
        for (const auto& r : item["reminders"]) {
            int t = r["threshold"].get<int>();
            ctx.out << "    reminder "
                    << (t < 0 ? std::string("expired") : std::to_string(t) + " days") << " (end "
                    << r["support_end"].get<std::string>()
                    << "): " << r["state"].get<std::string>();
            if (!r["sent_at"].get<std::string>().empty())
                ctx.out << " " << r["sent_at"].get<std::string>();
            if (!r["error"].get<std::string>().empty())
                ctx.out << " (" << r["error"].get<std::string>() << ")";
            ctx.out << "\n";
        }
    }
    return 0;
}

int run_list(Context& ctx, const ListFlags& flags) {
    mps::Date at = mps::date_flag(flags.at, "--at", ctx.now());
    auto ledger = open_ledger(ctx, true);
    const auto& policy = ctx.config().policy;
    nlohmann::json items = nlohmann::json::array();
    auto consider = [&](const mps::OrderLine& line) {
        if (line.is_extension()) return;
        auto w = mps::window_for(line, policy);
        if (flags.expiring_within >= 0) {
            int left = mps::days_left(w, at);
            if (left < 0 || left > flags.expiring_within) return;
        }
        items.push_back(
            mps::line_json(line, w, at, flags.expiring_within >= 0 ? flags.expiring_within : 30));
    };
    if (flags.expiring_within >= 0) {
        // Support ends at most max_support_months after purchase: older purchases cannot qualify.
        mps::Date from = mps::add_days(mps::add_months(at, -policy.max_support_months), -1);
        for (const auto& line :
             ledger->purchases_between(from, mps::add_days(at, flags.expiring_within)))
            consider(line);
    } else {
        ledger->for_each_line(consider);
    }
    if (ctx.globals.json)
        return emit_json(ctx, {{"schema", "mpsupport.orders/1"},
                               {"action", "list"},
                               {"at", mps::format_date(at)},
                               {"lines", items}});
    if (items.empty()) {
        if (!ctx.globals.quiet)
            ctx.err << (flags.expiring_within >= 0
                            ? "no support ends within " + std::to_string(flags.expiring_within) +
                                  " days of " + mps::format_date(at)
                            : std::string("the ledger holds no orders; import some with "
                                          "'mpsupport orders import FILE.csv'"))
                    << "\n";
        return 0;
    }
    for (const auto& item : items) print_line(ctx, item);
    return 0;
}

}  // namespace

void add_orders_command(CLI::App& app, Context& ctx, Action& action) {
    auto* orders = app.add_subcommand("orders", "Import and inspect the orders ledger");
    orders->require_subcommand(1, 1);

    auto import = std::make_shared<mps::ImportRequest>();
    auto* import_cmd =
        orders->add_subcommand("import", "Import orders from a CSV file (all rows or none)");
    import_cmd->add_option("FILE", import->file, "Order CSV (see mpsupport-orders(1))")->required();
    import_cmd->add_flag("--skip-bad", import->skip_bad,
                         "Import the good rows and list the bad ones");
    import_cmd->final_callback(
        [&ctx, &action, import] { action = [&ctx, import] { return run_import(ctx, *import); }; });

    auto full = std::make_shared<bool>(false);
    auto* sync_cmd =
        orders->add_subcommand("sync", "Fetch new and changed orders from the shop's webservice");
    sync_cmd->add_flag("--full", *full,
                       "Fetch every order, not only those changed since the last sync");
    sync_cmd->final_callback(
        [&ctx, &action, full] { action = [&ctx, full] { return run_sync(ctx, *full); }; });

    auto show = std::make_shared<std::pair<std::string, std::string>>();
    auto* show_cmd =
        orders->add_subcommand("show", "Show one order, its support windows and reminders");
    show_cmd->add_option("REF", show->first, "Order reference")->required();
    show_cmd->add_option("--at", show->second, "As of this day (YYYY-MM-DD; default: today)");
    show_cmd->final_callback([&ctx, &action, show] {
        action = [&ctx, show] { return run_show(ctx, show->first, show->second); };
    });

    auto list = std::make_shared<ListFlags>();
    auto* list_cmd =
        orders->add_subcommand("list", "List module purchases and when their support ends");
    list_cmd
        ->add_option("--expiring-within", list->expiring_within,
                     "Only support ending within N days")
        ->check(CLI::Range(0, 3660));
    list_cmd->add_option("--at", list->at, "As of this day (YYYY-MM-DD; default: today)");
    list_cmd->final_callback(
        [&ctx, &action, list] { action = [&ctx, list] { return run_list(ctx, *list); }; });
}

}  // namespace mpscli
