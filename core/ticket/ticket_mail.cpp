#include "ticket/ticket_mail.hpp"

#include <cctype>

#include "orders/csv_import.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/sha256.hpp"

namespace mps {

std::string ticket_message_id(const Ticket& t, const std::string& sender,
                              std::chrono::system_clock::time_point now) {
    std::string reference;
    for (char c : t.order_reference)
        reference +=
            (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
    auto at = sender.find('@');
    std::string domain = at == std::string::npos ? "localhost" : sender.substr(at + 1);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    return "ticket." + reference + "." + t.module + "." + std::to_string(ms) + "." +
           unique_suffix() + "@" + domain;
}

MailMessage build_ticket_mail(const Ticket& t, const VendorConfig& vendor,
                              std::chrono::system_clock::time_point now) {
    if (!valid_email(vendor.support_email))
        throw Error(ErrorKind::usage,
                    "vendor.support_email '" + vendor.support_email + "' is not an e-mail address",
                    "set [vendor] support_email to the vendor's support address");
    if (!vendor.from.empty() && !valid_email(vendor.from))
        throw Error(ErrorKind::usage, "vendor.from '" + vendor.from + "' is not an e-mail address",
                    "set [vendor] from to the address the e-mail comes from, or remove it to send "
                    "as yourself");
    MailMessage m;
    m.from_address = vendor.from.empty() ? t.customer_email : vendor.from;
    m.to_name = vendor.name;
    m.to_address = vendor.support_email;
    m.reply_to_address = t.customer_email;
    m.subject = ticket_subject(t);
    m.body = ticket_body(t);
    m.date = now;
    m.message_id = ticket_message_id(t, m.from_address, now);
    m.auto_submitted = false;
    if (t.attachment) {
        std::string data = read_file(t.attachment->path);
        if (data.size() != t.attachment->size || sha256_hex(data) != t.attachment->sha256)
            throw Error(ErrorKind::usage,
                        "--bundle " + t.attachment->path + " changed while the ticket was prepared",
                        "run the command again once the bundle is complete");
        m.attachments.push_back({t.attachment->filename, "", std::move(data)});
    }
    return m;
}

}  // namespace mps
