#pragma once
// When to expect a reply to a ticket (POLICY.md §9): business days, weekends and the vendor's
// holidays skipped.
#include <string>
#include <vector>

#include "orders/date.hpp"

namespace mps {

// weekday: 0 Monday .. 6 Sunday.
int weekday(const Date& date);

// parse_holidays: the [vendor] holidays as dates; Error(usage) naming vendor.holidays and
// the first value that is not a YYYY-MM-DD day.
std::vector<Date> parse_holidays(const std::vector<std::string>& values);

// is_business_day: not a Saturday, a Sunday or one of `holidays`.
bool is_business_day(const Date& date, const std::vector<Date>& holidays);

// reply_due: the day a reply is due for a ticket sent on `sent`: the `business_days`-th
// business day after `sent` (0: `sent` itself when it is a business day, else the next one).
Date reply_due(const Date& sent, int business_days, const std::vector<Date>& holidays);

}  // namespace mps
