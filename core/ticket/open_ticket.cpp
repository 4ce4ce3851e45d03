#include "ticket/open_ticket.hpp"

#include "mail/message.hpp"
#include "orders/date.hpp"
#include "ticket/business_days.hpp"
#include "ticket/contact_form.hpp"
#include "ticket/ticket_mail.hpp"
#include "util/error.hpp"
#include "util/iso_time.hpp"

namespace mps {

TicketOutcome send_ticket_email(const Ticket& ticket, const VendorConfig& vendor, Mailer& mailer,
                                std::chrono::system_clock::time_point now) {
    MailMessage m = build_ticket_mail(ticket, vendor, now);
    TicketOutcome out{"email", vendor.support_email, "sent", "", m.message_id, std::nullopt, ""};
    SendResult r = mailer.send(m.from_address, m.to_address, render_message(m));
    out.detail = r.detail;
    switch (r.status) {
        case SendStatus::sent:
            out.detail = "accepted by the SMTP server";
            break;
        case SendStatus::rejected:
            out.outcome = "rejected";
            out.failure = ErrorKind::finding;
            out.hint = "check [vendor] support_email and from; the server refused the message";
            break;
        case SendStatus::auth_failed:
            out.outcome = "failed";
            out.failure = ErrorKind::auth;
            out.hint = "check [vendor] smtp_user and MPSUPPORT_SMTP_PASSWORD";
            break;
        case SendStatus::failed:
        case SendStatus::unreachable:
            out.outcome = "failed";
            out.failure = ErrorKind::unreachable;
            out.hint = "try again later, or use the contact form (--via form)";
            break;
    }
    return out;
}

nlohmann::json draft_payload(const Ticket& t, const std::string& channel,
                             const VendorConfig& vendor, const std::string& contact_subject) {
    nlohmann::json attachment = nullptr;
    if (t.attachment)
        attachment = {{"filename", t.attachment->filename},
                      {"content_type", content_type_for(t.attachment->filename)},
                      {"size", t.attachment->size},
                      {"sha256", t.attachment->sha256}};
    if (channel == "email")
        return {{"to", format_mailbox(vendor.name, vendor.support_email)},
                {"from", vendor.from.empty() ? t.customer_email : vendor.from},
                {"reply_to", t.customer_email},
                {"subject", ticket_subject(t)},
                {"body", ticket_body(t)},
                {"attachment", attachment}};
    return {{"url", vendor.contact_url},
            {"fields",
             {{"id_contact",
               contact_subject.empty() ? nlohmann::json(nullptr) : nlohmann::json(contact_subject)},
              {"from", t.customer_email},
              {"message", ticket_body(t)},
              {"url", ""},
              {"token", nullptr}}},
            {"attachment", attachment}};
}

TicketRecord ticket_record(const Ticket& t, const TicketOutcome& o, const std::string& now_iso,
                           const std::optional<Date>& reply_due) {
    TicketRecord r;
    r.sent_at = now_iso;
    r.channel = o.channel;
    r.reference = t.order_reference;
    r.module = t.module;
    r.summary = t.summary;
    r.customer_email = t.customer_email;
    r.outcome = o.outcome;
    r.detail = o.detail;
    r.reply_due = reply_due && o.sent() ? format_date(*reply_due) : "";
    r.message_id = o.message_id;
    r.attachment = t.attachment ? t.attachment->filename : "";
    return r;
}

std::string reply_phrase(const Date& day) {
    static const char* const names[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                        "Friday", "Saturday", "Sunday"};
    return std::string(names[weekday(day)]) + " " + format_date(day);
}

void check_ticket_channel(const std::string& via) {
    if (via != "form" && via != "email")
        throw Error(ErrorKind::usage, "--via '" + via + "': give form or email",
                    "the contact form is the vendor's preferred channel (POLICY.md §2)");
}

TicketReportInput run_ticket(const Ticket& ticket, const OrderSupport& support,
                             const TicketRun& run, const VendorConfig& vendor, Ledger& ledger,
                             Mailer* mailer) {
    std::string contact_subject =
        run.contact_subject.empty() ? vendor.contact_subject : run.contact_subject;
    TicketReportInput input;
    input.action = run.open ? "open" : "draft";
    input.ticket = &ticket;
    input.channel = run.via;
    input.destination = run.via == "email" ? vendor.support_email : vendor.contact_url;
    input.checks = preflight_checks(ticket, support, {run.force, run.via == "form"});
    input.payload = draft_payload(ticket, run.via, vendor, contact_subject);
    if (!run.open || deciding_outcome(input.checks)) return input;

    TicketOutcome outcome = run.via == "email"
                                ? send_ticket_email(ticket, vendor, *mailer, run.clock())
                                : send_ticket_form(ticket, {vendor.contact_url, contact_subject,
                                                            run.timeout_seconds, run.tls});
    if (outcome.sent())
        input.reply_due =
            reply_due(local_date(run.clock()), vendor.reply_business_days, run.holidays);
    input.ledger_id =
        ledger.add_ticket(ticket_record(ticket, outcome, iso_utc(run.clock()), input.reply_due));
    input.outcome = outcome;
    return input;
}

Report ticket_report(const TicketReportInput& in) {
    const Ticket& t = *in.ticket;
    Report report;
    report.schema = "mpsupport.ticket/1";
    report.title = (in.action == "draft" ? "Ticket draft: " : "Ticket: ") + ticket_subject(t);
    report.checks = in.checks;
    report.body["action"] = in.action;
    report.body["channel"] = in.channel;
    report.body["destination"] = in.destination;
    report.body["ticket"] = ticket_json(t);
    report.body["payload"] = in.payload;
    std::string via = in.channel == "email" ? "by e-mail to " + in.destination
                                            : "through the contact form " + in.destination;
    auto refusal = deciding_outcome(report.checks);
    if (in.action == "draft") {
        report.verdict = refusal
                             ? "'ticket open' would not send this ticket (see the failed checks)"
                             : "ready to send " + via;
        return report;
    }
    if (!in.outcome) {
        report.verdict = "ticket not sent (see the failed checks)";
        report.body["outcome"] = nullptr;
        return report;
    }
    const TicketOutcome& o = *in.outcome;
    Check sent{"ticket.sent", o.sent() ? Status::pass : Status::fail, "", o.hint};
    sent.outcome = o.failure.value_or(ErrorKind::finding);
    if (o.sent())
        sent.message = "sent " + via + (o.detail.empty() ? "" : ": " + o.detail);
    else
        sent.message = "not sent " + via + ": " + o.detail;
    sent.data = {{"outcome", o.outcome}, {"detail", o.detail}};
    if (!o.message_id.empty()) sent.data["message_id"] = o.message_id;
    report.checks.push_back(std::move(sent));
    report.body["outcome"] = o.outcome;
    report.body["detail"] = o.detail;
    report.body["message_id"] =
        o.message_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.message_id);
    report.body["reply_due"] = in.reply_due && o.sent() ? nlohmann::json(format_date(*in.reply_due))
                                                        : nlohmann::json(nullptr);
    report.body["ledger_id"] = in.ledger_id;
    if (o.sent())
        report.verdict = "ticket sent " + via +
                         (in.reply_due ? "; expect a reply by " + reply_phrase(*in.reply_due) : "");
    else
        report.verdict = "ticket not sent: " + o.detail;
    return report;
}

}  // namespace mps
