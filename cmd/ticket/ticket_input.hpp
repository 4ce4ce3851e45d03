#pragma once
// Gathering a ticket for `ticket draft|open`: flags, the store profile, --message-file, and on
// a terminal questions (and $EDITOR) for what is missing. Without a terminal a missing item
// is a usage error naming its flag.
#include <functional>
#include <optional>
#include <string>

#include "context.hpp"
#include "ticket/ticket.hpp"

namespace mpscli {

struct TicketFlags {
    std::string store;  // STORE: a [stores.NAME] profile
    std::string order, module, summary, message, message_file, url, admin, email;
    std::string admin_access, files_access;  // on-request | withheld
    std::string via = "form";
    std::string bundle;
    bool diagnose = false;  // --diagnose: run diagnose now and attach its bundle
    std::string contact_subject;
    bool force = false;
};

// gather_ticket: the ticket from flags and the profile. `lookup_email` gives the customer's
// address from the order (asked once the order and module are known; nothing when unknown).
mps::Ticket gather_ticket(
    Context& ctx, const TicketFlags& flags,
    const std::function<std::optional<std::string>(const mps::Ticket&)>& lookup_email);

}  // namespace mpscli
