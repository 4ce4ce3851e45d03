#pragma once
// The contact-form channel of `ticket open` (PRESTASHOP.md "Contact form"): GET the vendor's
// contact page keeping its cookie, read the token and subjects, POST the ticket (the bundle as
// `fileUpload`), read the shop's answer; a stale token is refreshed and posted once more.
#include <functional>
#include <string>

#include "net/http.hpp"
#include "ticket/contact_page.hpp"
#include "ticket/open_ticket.hpp"
#include "ticket/ticket.hpp"

namespace mps {

struct ContactFormSettings {
    std::string url;      // [vendor] contact_url
    std::string subject;  // --contact-subject / [vendor] contact_subject: an id_contact or a name
    long timeout_seconds = 30;
    TlsOptions tls;
};

using HttpFunction = std::function<HttpResponse(const HttpRequest&)>;

// choose_subject: the id_contact to post: `wanted` as an id or a name (case-insensitive),
// else the subject named like "support" or "customer service", else the first one.
// Error(usage) naming the offered subjects when `wanted` matches none, Error(unreachable)
// when the form offers none.
std::string choose_subject(const ContactPage& page, const std::string& wanted,
                           const std::string& url);

// send_ticket_form: the whole exchange. Usage problems (a subject the form lacks, an
// attachment it cannot take) throw Error(usage) before anything is posted; a shop that
// cannot be reached, or a page without the form, gives outcome "failed" (unreachable); the
// shop's error messages give "rejected" (finding) with its text verbatim.
TicketOutcome send_ticket_form(const Ticket& ticket, const ContactFormSettings& settings,
                               const HttpFunction& http = http_request);

}  // namespace mps
