// mpsupport ticket draft|open|list: binds flags, gathers the ticket (ticket_input.cpp), hands it
// to core/ticket's run_ticket (pre-flight checks, channel, ledger row) and renders the report.
#include <CLI/CLI.hpp>

#include <ostream>

#include "commands.hpp"
#include "diagnose/diagnose_bundle.hpp"
#include "ledger_settings.hpp"
#include "render.hpp"
#include "ticket/business_days.hpp"
#include "ticket/open_ticket.hpp"
#include "ticket_input.hpp"
#include "util/text.hpp"
#include "vendor_mailer.hpp"
#include "webservice_settings.hpp"

namespace mpscli {
namespace {

// support_lookup: the order's support status, from the ledger or the shop's webservice (as
// `mpsupport expiry` finds it).
mps::OrderSupport support_lookup(Context& ctx, mps::Ledger& ledger, const mps::Ticket& t) {
    const auto& config = ctx.config();
    mps::ExpiryRequest request{{t.order_reference}, mps::local_date(ctx.now()), 7};
    read_orders_live(ctx, request);
    return mps::order_support(request, t.module, ledger, config.policy);
}

void print_draft(Context& ctx, const nlohmann::json& payload, const std::string& channel) {
    if (ctx.globals.quiet) return;
    auto line = [&](const char* label, const std::string& value) {
        ctx.out << paint(ctx, label, "dim") << mps::printable(value) << "\n";
    };
    if (channel == "email") {
        line("To:        ", payload["to"].get<std::string>());
        line("From:      ", payload["from"].get<std::string>());
        line("Reply-To:  ", payload["reply_to"].get<std::string>());
        line("Subject:   ", payload["subject"].get<std::string>());
    } else {
        line("Form:      ", payload["url"].get<std::string>());
        const auto& fields = payload["fields"];
        line("Subject:   ", fields["id_contact"].is_null()
                                ? std::string("(chosen from the form's list)")
                                : "id_contact " + fields["id_contact"].get<std::string>());
        line("From:      ", fields["from"].get<std::string>());
    }
    if (!payload["attachment"].is_null())
        line("Attached:  ",
             payload["attachment"]["filename"].get<std::string>() + " (" +
                 payload["attachment"]["content_type"].get<std::string>() + ", " +
                 std::to_string(payload["attachment"]["size"].get<std::uintmax_t>()) + " bytes)");
    std::string body = channel == "email" ? payload["body"].get<std::string>()
                                          : payload["fields"]["message"].get<std::string>();
    ctx.out << "\n" << mps::printable_multiline(body) << "\n";
}

int run_ticket(Context& ctx, const TicketFlags& flags, bool open) {
    const auto& config = ctx.config();
    mps::check_ticket_channel(flags.via);
    mps::TicketRun run{open,
                       flags.via,
                       flags.force,
                       flags.contact_subject,
                       ctx.globals.timeout,
                       ctx.tls(),
                       [&ctx] { return ctx.now(); },
                       mps::parse_holidays(config.vendor.holidays)};
    std::unique_ptr<mps::SmtpMailer> mailer;
    if (flags.via == "email" && open)
        mailer = vendor_mailer(ctx, "--via email", "use the contact form");

    auto ledger = open_ledger(ctx, !open);
    std::optional<mps::OrderSupport> support;
    auto lookup = [&](const mps::Ticket& t) -> std::optional<std::string> {
        support = support_lookup(ctx, *ledger, t);
        if (support->customer_email.empty()) return std::nullopt;
        return support->customer_email;
    };
    mps::Ticket ticket = gather_ticket(ctx, flags, lookup);
    if (flags.diagnose) {
        auto bundle =
            diagnose_bundle_for_ticket(ctx, {flags.store, ticket.store_url, ticket.admin_url,
                                             ticket.module, ticket.order_reference});
        ticket.attachment = mps::describe_attachment(bundle.path.string());
    }
    if (!support) support = support_lookup(ctx, *ledger, ticket);

    auto input = mps::run_ticket(ticket, *support, run, config.vendor, *ledger, mailer.get());
    if (!open && !ctx.globals.json) print_draft(ctx, input.payload, flags.via);
    return emit_report(ctx, mps::ticket_report(input));
}

int run_list(Context& ctx) {
    auto ledger = open_ledger(ctx, true);
    auto tickets = ledger->tickets();
    if (ctx.globals.json) {
        nlohmann::json items = nlohmann::json::array();
        for (const auto& t : tickets)
            items.push_back({{"id", t.id},
                             {"sent_at", t.sent_at},
                             {"channel", t.channel},
                             {"reference", t.reference},
                             {"module", t.module},
                             {"summary", t.summary},
                             {"customer_email", t.customer_email},
                             {"outcome", t.outcome},
                             {"detail", t.detail},
                             {"reply_due", t.reply_due.empty() ? nlohmann::json(nullptr)
                                                               : nlohmann::json(t.reply_due)},
                             {"message_id", t.message_id.empty() ? nlohmann::json(nullptr)
                                                                 : nlohmann::json(t.message_id)},
                             {"attachment", t.attachment.empty() ? nlohmann::json(nullptr)
                                                                 : nlohmann::json(t.attachment)}});
        return emit_json(
            ctx, {{"schema", "mpsupport.ticket/1"}, {"action", "list"}, {"tickets", items}});
    }
    if (tickets.empty()) {
        if (!ctx.globals.quiet)
            ctx.err << "no tickets sent yet; send one with 'mpsupport ticket open'\n";
        return 0;
    }
    for (const auto& t : tickets) {
        char buffer[256];
        std::snprintf(buffer, sizeof buffer, "%-16s  %-5s  %-12s  %-24s  %-12s  ",
                      t.sent_at.substr(0, 16).c_str(), t.channel.c_str(), t.reference.c_str(),
                      t.module.c_str(), t.outcome.c_str());
        std::string due = t.reply_due.empty() ? "" : "  (reply by " + t.reply_due + ")";
        ctx.out << paint(ctx, mps::printable(buffer), t.outcome == "sent" ? "0" : "red")
                << mps::printable(t.summary + due) << "\n";
    }
    return 0;
}

void add_ticket_flags(CLI::App* sub, TicketFlags& f) {
    sub->add_option("STORE", f.store,
                    "A [stores.NAME] profile of the configuration (URL, admin URL, order, module)");
    sub->add_option("--order", f.order, "Order reference of the module purchase");
    sub->add_option("--module", f.module, "Technical name of the module (e.g. ps_facetedsearch)");
    sub->add_option("--summary", f.summary, "One line: what does not work (the subject)");
    sub->add_option("--message", f.message, "The description: errors, steps, what changed before");
    sub->add_option("--message-file", f.message_file,
                    "Read the description from a file ('-': stdin)");
    sub->add_option("--url", f.url, "The store's public URL");
    sub->add_option("--admin", f.admin, "The back-office (admin) URL");
    sub->add_option("--email", f.email, "Your e-mail address (default: the order's)");
    sub->add_option("--admin-access", f.admin_access,
                    "Back-office credentials on request: on-request or withheld");
    sub->add_option("--files-access,--sftp-access", f.files_access,
                    "FTP or SFTP access on request: on-request or withheld (--sftp-access: its "
                    "old name)");
    sub->add_option("--via", f.via, "form (default) or email");
    auto* bundle =
        sub->add_option("--bundle", f.bundle,
                        "Attach this bundle (a .zip, e.g. from 'mpsupport diagnose --bundle')");
    sub->add_flag("--diagnose", f.diagnose, "Run 'mpsupport diagnose' now and attach its bundle")
        ->excludes(bundle);
    sub->add_option("--contact-subject", f.contact_subject,
                    "id_contact (or subject name) of the contact form");
    sub->add_flag("--force", f.force, "Send even when support expired or the order is unknown");
}

}  // namespace

void add_ticket_command(CLI::App& app, Context& ctx, Action& action) {
    auto* ticket = app.add_subcommand("ticket", "Prepare, send and list support tickets");
    ticket->require_subcommand(1, 1);
    for (bool open : {false, true}) {
        auto flags = std::make_shared<TicketFlags>();
        auto* sub = ticket->add_subcommand(
            open ? "open" : "draft", open ? "Send a ticket through the contact form or by e-mail"
                                          : "Print the ticket that 'ticket open' would send");
        add_ticket_flags(sub, *flags);
        sub->final_callback([&ctx, &action, flags, open] {
            action = [&ctx, flags, open] { return run_ticket(ctx, *flags, open); };
        });
    }
    auto* list = ticket->add_subcommand("list", "List the tickets sent (from the ledger)");
    list->final_callback([&ctx, &action] { action = [&ctx] { return run_list(ctx); }; });
}

}  // namespace mpscli
