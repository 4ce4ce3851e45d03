#include "orders/remind_plan.hpp"

#include <algorithm>

namespace mps {
namespace {

int largest(const std::vector<int>& values) {
    return values.empty() ? 0 : *std::max_element(values.begin(), values.end());
}

}  // namespace

std::pair<Date, Date> end_range(const RemindRules& rules, const Date& at) {
    Date from = rules.expired_notice ? add_days(at, -rules.expired_within) : at;
    return {from, add_days(at, largest(rules.thresholds))};
}

std::pair<Date, Date> purchase_range(const RemindRules& rules, const PolicyConfig& policy,
                                     const Date& at) {
    auto [end_from, end_to] = end_range(rules, at);
    // end <= purchase + max months, so purchase >= end_from - max months (one day of slack
    // for month-end clamping); end >= purchase, so purchase <= end_to.
    return {add_days(add_months(end_from, -policy.max_support_months), -1), end_to};
}

CandidateRanges candidate_ranges(const RemindRules& rules, const PolicyConfig& policy,
                                 const Date& at) {
    auto [end_from, end_to] = end_range(rules, at);
    int free = std::min(policy.free_support_months, policy.max_support_months);
    // end = add_months(purchase, free) is monotonic in the purchase date and clamping moves it
    // by at most 3 days, so 4 days of slack on each side keep every candidate.
    CandidateRanges ranges;
    ranges.plain = {add_days(add_months(end_from, -free), -4),
                    add_days(add_months(end_to, -free), 4)};
    ranges.extended = purchase_range(rules, policy, at);
    return ranges;
}

std::vector<PlannedReminder> plan_reminders(const std::vector<OrderLine>& purchases,
                                            const std::map<ReminderKey, ReminderRecord>& records,
                                            const RemindRules& rules, const PolicyConfig& policy,
                                            const Date& at) {
    std::vector<int> thresholds = rules.thresholds;
    std::sort(thresholds.begin(), thresholds.end());
    thresholds.erase(std::unique(thresholds.begin(), thresholds.end()), thresholds.end());
    auto done = [&](const ReminderKey& key) {
        auto it = records.find(key);
        return it != records.end() && (it->second.state == ReminderState::sent ||
                                       it->second.state == ReminderState::covered);
    };
    std::vector<PlannedReminder> plan;
    for (const auto& line : purchases) {
        if (line.is_extension()) continue;
        SupportWindow window = window_for(line, policy);
        int left = days_left(window, at);
        std::string end = format_date(window.end);
        std::vector<int> reached;
        if (left < 0) {
            if (!rules.expired_notice || -left > rules.expired_within) continue;
            reached.push_back(kExpiredThreshold);
            reached.insert(reached.end(), thresholds.begin(), thresholds.end());
        } else {
            for (int t : thresholds)
                if (left <= t) reached.push_back(t);
        }
        if (reached.empty()) continue;
        ReminderKey key{line.id, reached.front(), end};
        if (done(key)) continue;
        PlannedReminder p{line, window, left, key, {}};
        for (std::size_t i = 1; i < reached.size(); ++i) {
            ReminderKey other{line.id, reached[i], end};
            if (!done(other)) p.covered.push_back(other);
        }
        plan.push_back(std::move(p));
    }
    std::stable_sort(plan.begin(), plan.end(),
                     [](const PlannedReminder& a, const PlannedReminder& b) {
                         return std::tie(a.window.end, a.line.reference, a.line.module) <
                                std::tie(b.window.end, b.line.reference, b.line.module);
                     });
    return plan;
}

}  // namespace mps
