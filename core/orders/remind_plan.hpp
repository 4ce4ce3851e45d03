#pragma once
// Which reminders are due (SPEC.md "Expiry and reminders"): for each module purchase whose
// support ends within a threshold, one reminder for the smallest threshold reached; larger
// thresholds not yet sent count as covered. Pure: the ledger state comes in as records.
#include <map>
#include <vector>

#include "config/config.hpp"
#include "orders/ledger.hpp"
#include "orders/support_window.hpp"

namespace mps {

constexpr int kExpiredThreshold = -1;  // the "support has ended" notice

struct RemindRules {
    std::vector<int> thresholds = {30, 7, 1};  // days before the end
    bool expired_notice = false;               // also notify support that ended recently
    int expired_within = 30;                   // ... within this many days
};

struct PlannedReminder {
    OrderLine line;
    SupportWindow window;
    int days_left = 0;
    ReminderKey key;                   // threshold: the smallest reached, or kExpiredThreshold
    std::vector<ReminderKey> covered;  // larger thresholds reached and not yet recorded
};

// purchase_range: the purchase dates whose support can end in the reminder window as of `at`.
std::pair<Date, Date> purchase_range(const RemindRules& rules, const PolicyConfig& policy,
                                     const Date& at);

struct CandidateRanges {
    std::pair<Date, Date>
        plain;  // purchases without extended support: end = purchase + free months
    std::pair<Date, Date> extended;  // purchases with extended support: anywhere in purchase_range
};

// candidate_ranges: purchase dates to read so that every purchase whose support ends in the
// window is among them (a few days of slack for month-end clamping).
CandidateRanges candidate_ranges(const RemindRules& rules, const PolicyConfig& policy,
                                 const Date& at);

// end_range: the support end dates that can be due as of `at`.
std::pair<Date, Date> end_range(const RemindRules& rules, const Date& at);

// plan_reminders: the reminders due as of `at` for `purchases`, skipping those whose record
// is sent or covered; ordered by support end, reference and module.
std::vector<PlannedReminder> plan_reminders(const std::vector<OrderLine>& purchases,
                                            const std::map<ReminderKey, ReminderRecord>& records,
                                            const RemindRules& rules, const PolicyConfig& policy,
                                            const Date& at);

}  // namespace mps
