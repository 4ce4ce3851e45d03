#pragma once
// The e-mail of one reminder: templates (built-in or [remind] subject_template/body_template
// files) filled with the order's placeholders, as an RFC 5322 message.
#include <chrono>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "mail/message.hpp"
#include "orders/remind_plan.hpp"

namespace mps {

struct ReminderTemplates {
    std::string subject;
    std::string body;
};

// reminder_placeholders: the names a template may use.
const std::vector<std::string>& reminder_placeholders();

// load_reminder_templates: the configured template files, else the built-in texts; checked
// for unknown placeholders (Error(usage) naming the file and line).
ReminderTemplates load_reminder_templates(const RemindConfig& remind);

// sender_address: [vendor] from, else support_email; Error(usage) when not an address.
std::string sender_address(const VendorConfig& vendor);

// reminder_message_id: stable for one reminder, so a message re-sent after a crash carries the
// same Message-ID as the first attempt.
std::string reminder_message_id(const PlannedReminder& reminder, const std::string& sender);

// build_reminder: the message for `reminder`.
MailMessage build_reminder(const PlannedReminder& reminder, const ReminderTemplates& templates,
                           const Config& config, std::chrono::system_clock::time_point now);

}  // namespace mps
