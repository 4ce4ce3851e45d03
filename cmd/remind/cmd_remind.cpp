// mpsupport remind: binds flags, runs mps::run_remind with the ledger and SMTP, prints a summary.
#include <CLI/CLI.hpp>

#include <ostream>
#include <sstream>
#include <thread>

#include "commands.hpp"
#include "ledger_settings.hpp"
#include "orders/remind.hpp"
#include "orders/run_owner.hpp"
#include "render.hpp"
#include "ticket/vendor_mailer.hpp"
#include "util/text.hpp"

namespace mpscli {
namespace {

struct RemindFlags {
    std::string thresholds;
    std::string at;
    bool dry_run = false;
    bool expired = false;
    std::size_t limit = 0;
    int max_per_minute = 0;
};

std::vector<int> parse_thresholds(const std::string& text) {
    std::vector<int> out;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) {
        bool digits = !item.empty() && item.size() <= 3 &&
                      item.find_first_not_of("0123456789") == std::string::npos;
        if (!digits || std::stoi(item) > 366)
            throw mps::Error(mps::ErrorKind::usage,
                             "--thresholds '" + text + "': '" + item + "' is not a number of days",
                             "give days before the end of support, e.g. --thresholds 30,7,1");
        out.push_back(std::stoi(item));
    }
    if (out.empty())
        throw mps::Error(mps::ErrorKind::usage, "--thresholds is empty",
                         "give e.g. --thresholds 30,7,1");
    return out;
}

std::string threshold_text(int t) {
    return t < 0 ? "expired" : std::to_string(t) + "d";
}

int run(Context& ctx, const RemindFlags& flags) {
    const mps::Config& config = ctx.config();
    mps::RemindRequest request;
    request.rules.thresholds =
        flags.thresholds.empty() ? config.remind.thresholds : parse_thresholds(flags.thresholds);
    request.rules.expired_notice = flags.expired;
    request.at = mps::date_flag(flags.at, "--at", ctx.now());
    request.dry_run = flags.dry_run;
    request.limit = flags.limit;
    request.max_per_minute = flags.max_per_minute;

    std::unique_ptr<mps::SmtpMailer> mailer;
    if (!flags.dry_run) mailer = vendor_mailer(ctx, "reminders", "preview with --dry-run");
    auto ledger = open_ledger(ctx, flags.dry_run);
    mps::RemindDeps deps{
        *ledger,
        config,
        mailer.get(),
        [&ctx] { return ctx.now(); },
        [](std::chrono::milliseconds ms) { std::this_thread::sleep_for(ms); },
        mps::current_owner(),
        [&ctx](const mps::ReminderRecord& r) { return mps::claim_is_stale(r, ctx.now()); }};
    deps.progress = ctx.progress_reporter();
    auto outcome = mps::run_remind(request, deps);

    auto failure = mps::remind_failure(outcome);
    int code = failure ? exit_code_for(*failure) : 0;

    if (ctx.globals.json) {
        nlohmann::json items = nlohmann::json::array();
        for (const auto& e : outcome.entries)
            items.push_back({{"reference", e.reference},
                             {"module", e.module},
                             {"customer_email", e.customer_email},
                             {"support_end", e.support_end},
                             {"days_left", e.days_left},
                             {"threshold", e.threshold < 0 ? nlohmann::json("expired")
                                                           : nlohmann::json(e.threshold)},
                             {"subject", e.subject},
                             {"status", e.status},
                             {"detail", e.detail},
                             {"message_id", e.message_id}});
        nlohmann::json thresholds = request.rules.thresholds;
        return emit_json(ctx,
                         {{"schema", "mpsupport.remind/1"},
                          {"at", mps::format_date(request.at)},
                          {"dry_run", request.dry_run},
                          {"thresholds", thresholds},
                          {"summary",
                           {{"sent", outcome.sent},
                            {"failed", outcome.failed},
                            {"would_send", outcome.would_send},
                            {"in_progress", outcome.in_progress},
                            {"deferred", outcome.deferred},
                            {"covered", outcome.covered}}},
                          {"reminders", items}},
                         code);
    }
    bool detail = ctx.globals.verbosity > 0 || flags.dry_run;
    for (const auto& e : outcome.entries) {
        bool show = e.status == "failed" || (detail && !ctx.globals.quiet);
        if (!show) continue;
        ctx.out << e.status << "  " << threshold_text(e.threshold) << "  " << e.reference << "  "
                << e.module << "  " << e.customer_email << "  ends " << e.support_end;
        if (!e.detail.empty() && e.status != "sent")
            ctx.out << "  (" << mps::printable(e.detail) << ")";
        ctx.out << "\n";
    }
    bool anything = outcome.sent + outcome.failed + outcome.would_send + outcome.in_progress +
                        outcome.deferred >
                    0;
    if (!ctx.globals.quiet && (anything || detail)) {
        ctx.out << "remind " << mps::format_date(request.at) << ": ";
        if (request.dry_run)
            ctx.out << outcome.would_send << " would be sent";
        else
            ctx.out << outcome.sent << " sent, " << outcome.failed << " failed";
        if (outcome.in_progress)
            ctx.out << ", " << outcome.in_progress << " in progress in another run";
        if (outcome.deferred) ctx.out << ", " << outcome.deferred << " left for later (--limit)";
        ctx.out << "\n";
    }
    if (outcome.stopped) print_error(ctx, *outcome.stopped);
    return code;
}

}  // namespace

void add_remind_command(CLI::App& app, Context& ctx, Action& action) {
    auto flags = std::make_shared<RemindFlags>();
    auto* sub = app.add_subcommand("remind", "E-mail customers whose support ends soon (for cron)");
    sub->add_option("--thresholds", flags->thresholds,
                    "Days before the end, e.g. 30,7,1 (default: [remind] thresholds)");
    sub->add_option("--at", flags->at, "Run as if today were this day (YYYY-MM-DD)");
    sub->add_flag("--dry-run", flags->dry_run, "List what would be sent; send and write nothing");
    sub->add_flag("--expired", flags->expired,
                  "Also send a notice when support ended within the last 30 days");
    sub->add_option("--limit", flags->limit, "Send at most N e-mails in this run")
        ->check(CLI::Range(1, 1000000));
    sub->add_option("--max-per-minute", flags->max_per_minute, "Send at most N e-mails per minute")
        ->check(CLI::Range(1, 100000));
    sub->final_callback(
        [&ctx, &action, flags] { action = [&ctx, flags] { return run(ctx, *flags); }; });
}

}  // namespace mpscli
