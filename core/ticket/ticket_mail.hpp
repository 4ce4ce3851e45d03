#pragma once
// The e-mail channel of `ticket open` (POLICY.md §2): to [vendor] support_email, subject
// "[ORDER_REF] module: summary", Reply-To the customer, the bundle attached (multipart/mixed).
#include <chrono>
#include <string>

#include "config/config.hpp"
#include "mail/message.hpp"
#include "ticket/ticket.hpp"

namespace mps {

// ticket_message_id: unique per ticket: ticket.<REF>.<module>.<time>.<random>@<sender's domain>.
std::string ticket_message_id(const Ticket& ticket, const std::string& sender,
                              std::chrono::system_clock::time_point now);

// build_ticket_mail: the message. From is [vendor] from, else the customer; the attachment,
// when any, is read from its path (Error(usage) naming it when unreadable) and must still have
// the size and SHA-256 recorded in the ticket (Error(usage) when it changed meanwhile).
MailMessage build_ticket_mail(const Ticket& ticket, const VendorConfig& vendor,
                              std::chrono::system_clock::time_point now);

}  // namespace mps
