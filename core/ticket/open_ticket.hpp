#pragma once
// `ticket draft|open`: the outcome of sending, its ledger record and the report both print.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "mail/mailer.hpp"
#include "net/tls_options.hpp"
#include "orders/date.hpp"
#include "orders/ledger.hpp"
#include "report/report.hpp"
#include "ticket/preflight.hpp"
#include "ticket/ticket.hpp"

namespace mps {

struct TicketOutcome {
    std::string channel;               // "form" or "email"
    std::string destination;           // the contact page URL or the support address
    std::string outcome;               // "sent", "already-sent", "rejected", "failed"
    std::string detail;                // the shop's or the server's answer, verbatim (one line)
    std::string message_id;            // e-mail
    std::optional<ErrorKind> failure;  // why it was not sent: finding (refused), unreachable, auth
    std::string hint;
    bool sent() const { return outcome == "sent" || outcome == "already-sent"; }
};

// send_ticket_email: build the message (ticket_mail.hpp) and hand it to `mailer`, to
// [vendor] support_email.
TicketOutcome send_ticket_email(const Ticket& ticket, const VendorConfig& vendor, Mailer& mailer,
                                std::chrono::system_clock::time_point now);

// draft_payload: what `ticket open` would send: the form fields (the token comes from the page
// at send time) or the e-mail's headers and body; attachments by name, size and digest.
nlohmann::json draft_payload(const Ticket& ticket, const std::string& channel,
                             const VendorConfig& vendor, const std::string& contact_subject);

// ticket_record: the ledger row of a ticket that reached its channel.
TicketRecord ticket_record(const Ticket& ticket, const TicketOutcome& outcome,
                           const std::string& now_iso, const std::optional<Date>& reply_due);

// reply_phrase: "Monday 2026-11-30".
std::string reply_phrase(const Date& day);

struct TicketReportInput {
    std::string action;  // "draft" or "open"
    const Ticket* ticket = nullptr;
    std::string channel;
    std::string destination;
    std::vector<Check> checks;             // preflight
    nlohmann::json payload;                // draft_payload
    std::optional<TicketOutcome> outcome;  // open, once sent or tried
    std::optional<Date> reply_due;
    std::int64_t ledger_id = 0;
};

// check_ticket_channel: Error(usage) unless `via` is "form" or "email".
void check_ticket_channel(const std::string& via);

// TicketRun: how `ticket draft|open` handles a gathered ticket.
struct TicketRun {
    bool open = false;            // send it (ticket open) or only show it (ticket draft)
    std::string via;              // "form" or "email" (check_ticket_channel)
    bool force = false;           // --force: send even when support expired or is unknown
    std::string contact_subject;  // --contact-subject; empty: [vendor] contact_subject
    long timeout_seconds = 30;    // the contact form's requests
    TlsOptions tls;               // the contact form's requests
    std::function<std::chrono::system_clock::time_point()> clock;  // read at each use
    std::vector<Date> holidays;  // parse_holidays([vendor] holidays)
};

// run_ticket: the pre-flight checks and the payload; for `open` with no check refusing, the
// channel (`mailer` for "email", which must then be set; the contact form otherwise), the
// reply date and the ledger row. What the report shows (ticket_report).
TicketReportInput run_ticket(const Ticket& ticket, const OrderSupport& support,
                             const TicketRun& run, const VendorConfig& vendor, Ledger& ledger,
                             Mailer* mailer);

// ticket_report: schema mpsupport.ticket/1: the checks (plus ticket.sent after sending), the
// ticket, and a verdict saying what happened and when to expect a reply.
Report ticket_report(const TicketReportInput& input);

}  // namespace mps
