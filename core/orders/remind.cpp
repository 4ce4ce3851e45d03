#include "orders/remind.hpp"

#include "util/progress.hpp"

#include "mail/message.hpp"
#include "orders/date.hpp"
#include "orders/reminder_message.hpp"
#include "util/log.hpp"

namespace mps {
namespace {

RemindEntry entry_for(const PlannedReminder& r, const std::string& subject, const char* status) {
    return {r.line.reference,
            r.line.module,
            r.line.customer_email,
            format_date(r.window.end),
            r.days_left,
            r.key.threshold,
            subject,
            status,
            "",
            ""};
}

// send_reminder: send one claimed reminder and record the answer in the ledger and `outcome`;
// an unreachable server or a refused login stops the run (outcome.stopped). `sent_at`: when
// the server answered (for pacing).
void send_reminder(const PlannedReminder& r, const MailMessage& message, RemindEntry& entry,
                   RemindDeps& deps, RemindOutcome& outcome,
                   std::optional<std::chrono::system_clock::time_point>& sent_at) {
    outcome.covered += r.covered.size();
    SendResult sent =
        deps.mailer->send(message.from_address, message.to_address, render_message(message));
    sent_at = deps.now();
    entry.detail = sent.detail;
    if (sent.status == SendStatus::sent) {
        if (!deps.ledger.mark_sent(r.key, deps.owner, message.message_id, iso_utc(deps.now())))
            log::warn("reminder to {} sent, but another run took over its claim meanwhile",
                      r.line.customer_email);
        entry.status = "sent";
        ++outcome.sent;
        log::info("sent {} reminder for {} {} to {}",
                  entry.threshold < 0 ? "expired" : std::to_string(entry.threshold) + "-day",
                  r.line.reference, r.line.module, r.line.customer_email);
    } else {
        deps.ledger.mark_failed(r.key, deps.owner, sent.detail);
        entry.status = "failed";
        ++outcome.failed;
        log::warn("reminder for {} {} to {} failed: {}", r.line.reference, r.line.module,
                  r.line.customer_email, sent.detail);
        if (sent.status == SendStatus::unreachable)
            outcome.stopped = Error(ErrorKind::unreachable, sent.detail,
                                    "check [vendor] smtp_url and the network");
        if (sent.status == SendStatus::auth_failed)
            outcome.stopped = Error(ErrorKind::auth, sent.detail,
                                    "check [vendor] smtp_user and MPSUPPORT_SMTP_PASSWORD");
    }
}

}  // namespace

RemindOutcome run_remind(const RemindRequest& request, RemindDeps& deps) {
    const Config& config = deps.config;
    ReminderTemplates templates = load_reminder_templates(config.remind);
    sender_address(config.vendor);  // a bad sender is a config error, also in a dry run

    auto ranges = candidate_ranges(request.rules, config.policy, request.at);
    auto [end_from, end_to] = end_range(request.rules, request.at);
    auto purchases = deps.ledger.purchases_for_window(ranges.plain, ranges.extended);
    auto records = deps.ledger.reminders_ending_between(end_from, end_to);
    auto plan = plan_reminders(purchases, records, request.rules, config.policy, request.at);
    log::info("remind {}: {} purchases in range, {} reminders due", format_date(request.at),
              purchases.size(), plan.size());

    RemindOutcome outcome;
    if (request.limit > 0 && plan.size() > request.limit) {
        for (std::size_t i = request.limit; i < plan.size(); ++i) {
            auto m = build_reminder(plan[i], templates, config, deps.now());
            outcome.entries.push_back(entry_for(plan[i], m.subject, "deferred"));
        }
        outcome.deferred = plan.size() - request.limit;
        plan.resize(request.limit);
    }
    std::vector<RemindEntry> entries;
    if (request.dry_run) {
        for (const auto& r : plan) {
            auto m = build_reminder(r, templates, config, deps.now());
            entries.push_back(entry_for(r, m.subject, "would-send"));
            entries.back().message_id = m.message_id;
            outcome.covered += r.covered.size();
        }
        outcome.would_send = plan.size();
        entries.insert(entries.end(), outcome.entries.begin(), outcome.entries.end());
        outcome.entries = std::move(entries);
        return outcome;
    }

    std::vector<ClaimRequest> requests;
    for (const auto& r : plan) requests.push_back({r.key, r.covered});
    auto claims = plan.empty()
                      ? std::vector<ClaimOutcome>{}
                      : deps.ledger.claim(requests, deps.owner, iso_utc(deps.now()), deps.is_stale);

    auto interval = request.max_per_minute > 0
                        ? std::chrono::milliseconds(60000 / request.max_per_minute)
                        : std::chrono::milliseconds(0);
    std::optional<std::chrono::system_clock::time_point> last_send;
    ProgressTask task(deps.progress, "remind", "mails", plan.size());
    for (std::size_t i = 0; i < plan.size(); ++i) {
        const auto& r = plan[i];
        task.advance(i == 0 ? 0 : 1);
        auto message = build_reminder(r, templates, config, deps.now());
        RemindEntry entry = entry_for(r, message.subject, "");
        entry.message_id = message.message_id;
        if (claims[i] == ClaimOutcome::busy) {
            entry.status = "in-progress";
            entry.detail = "claimed by another mpsupport remind run";
            ++outcome.in_progress;
        } else if (claims[i] == ClaimOutcome::done) {
            entry.status = "already-sent";
        } else if (outcome.stopped) {
            entry.status = "failed";
            entry.detail = std::string("not attempted: ") + outcome.stopped->what();
            deps.ledger.mark_failed(r.key, deps.owner, entry.detail);
            ++outcome.failed;
        } else {
            if (last_send && interval.count() > 0) {
                auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
                    *last_send + interval - deps.now());
                if (wait.count() > 0) deps.sleep(wait);
            }
            send_reminder(r, message, entry, deps, outcome, last_send);
        }
        entries.push_back(std::move(entry));
    }
    entries.insert(entries.end(), outcome.entries.begin(), outcome.entries.end());
    outcome.entries = std::move(entries);
    return outcome;
}

std::optional<ErrorKind> remind_failure(const RemindOutcome& outcome) {
    if (outcome.stopped && outcome.stopped->kind() == ErrorKind::auth) return ErrorKind::auth;
    if (outcome.failed > 0) return ErrorKind::unreachable;
    return std::nullopt;
}

}  // namespace mps
