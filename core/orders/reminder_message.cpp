#include "orders/reminder_message.hpp"

#include <cctype>
#include <map>

#include "mail/template.hpp"
#include "orders/csv_import.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/text.hpp"

namespace mps {
namespace {

constexpr const char* kSubject = "[{order_reference}] {module}: support {ends}";
constexpr const char* kBody =
    "Hello {customer_name},\n"
    "\n"
    "Support and updates for {module} (order {order_reference}, bought on {purchase_date})\n"
    "{ends}.\n"
    "\n"
    "Extended support keeps the help and the new versions coming, up to\n"
    "{max_support_months} months after the purchase. You can buy it here:\n"
    "{extended_support_url}\n"
    "\n"
    "Questions? Write to {support_email}.\n"
    "\n"
    "{vendor_name}\n";

std::string ends_phrase(const PlannedReminder& r) {
    std::string end = format_date(r.window.end);
    if (r.days_left < 0) return "ended on " + end;
    if (r.days_left == 0) return "ends today (" + end + ")";
    if (r.days_left == 1) return "ends tomorrow (" + end + ")";
    return "ends on " + end + " (in " + plural(r.days_left, "day") + ")";
}

std::string load(const std::string& file, const char* fallback, const char* key) {
    std::string text = file.empty() ? std::string(fallback) : read_file(file);
    check_template(text, reminder_placeholders(),
                   file.empty() ? std::string("built-in ") + key : file);
    return text;
}

std::string domain_of(const std::string& address) {
    auto at = address.find('@');
    return at == std::string::npos ? "localhost" : address.substr(at + 1);
}

}  // namespace

const std::vector<std::string>& reminder_placeholders() {
    static const std::vector<std::string> names = {
        "customer_name",     "customer_email",       "module",      "order_reference",
        "purchase_date",     "support_end",          "days_left",   "ends",
        "threshold",         "extended_support_url", "vendor_name", "support_email",
        "max_support_months"};
    return names;
}

ReminderTemplates load_reminder_templates(const RemindConfig& remind) {
    ReminderTemplates t{load(remind.subject_template, kSubject, "subject"),
                        load(remind.body_template, kBody, "body")};
    while (!t.subject.empty() && (t.subject.back() == '\n' || t.subject.back() == '\r'))
        t.subject.pop_back();
    return t;
}

std::string sender_address(const VendorConfig& vendor) {
    std::string from = vendor.from.empty() ? vendor.support_email : vendor.from;
    if (!valid_email(from))
        throw Error(
            ErrorKind::usage, "vendor.from '" + from + "' is not an e-mail address",
            "set [vendor] from to the address reminders come from, e.g. \"support@example.com\"");
    return from;
}

std::string reminder_message_id(const PlannedReminder& r, const std::string& sender) {
    std::string threshold = r.key.threshold < 0 ? "expired" : std::to_string(r.key.threshold);
    std::string reference;
    for (char c : r.line.reference)
        reference +=
            (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
    return "remind." + reference + "." + r.line.module + "." + threshold + "." + r.key.support_end +
           "." + std::to_string(r.line.id) + "@" + domain_of(sender);
}

MailMessage build_reminder(const PlannedReminder& r, const ReminderTemplates& templates,
                           const Config& config, std::chrono::system_clock::time_point now) {
    std::string url = config.remind.extended_support_url.empty()
                          ? config.vendor.contact_url
                          : config.remind.extended_support_url;
    std::string customer = r.line.customer_name.empty()
                               ? r.line.customer_email.substr(0, r.line.customer_email.find('@'))
                               : r.line.customer_name;
    std::map<std::string, std::string> values = {
        {"customer_name", customer},
        {"customer_email", r.line.customer_email},
        {"module", r.line.module},
        {"order_reference", r.line.reference},
        {"purchase_date", format_date(r.line.purchase_date)},
        {"support_end", format_date(r.window.end)},
        {"days_left", std::to_string(r.days_left)},
        {"ends", ends_phrase(r)},
        {"threshold", r.key.threshold < 0 ? "expired" : std::to_string(r.key.threshold)},
        {"extended_support_url", expand_template(url, {{"module", r.line.module}})},
        {"vendor_name", config.vendor.name},
        {"support_email", config.vendor.support_email},
        {"max_support_months", std::to_string(config.policy.max_support_months)},
    };
    MailMessage m;
    m.from_name = config.vendor.name;
    m.from_address = sender_address(config.vendor);
    m.to_name = r.line.customer_name;
    m.to_address = r.line.customer_email;
    m.subject = expand_template(templates.subject, values);
    m.body = expand_template(templates.body, values);
    m.message_id = reminder_message_id(r, m.from_address);
    m.date = now;
    return m;
}

}  // namespace mps
