#pragma once
// Calendar dates without time zones: the support windows of POLICY.md §3 are counted in
// calendar days and months of the shop's own calendar.
#include <chrono>
#include <compare>
#include <optional>
#include <string>
#include <string_view>

#include "util/iso_time.hpp"  // iso_utc: timestamps go with dates throughout orders

namespace mps {

struct Date {
    int year = 1970;
    int month = 1;  // 1..12
    int day = 1;    // 1..31
    auto operator<=>(const Date&) const = default;
};

// kFirstDate, kLastDate: the supported dates (purchases, dates read from a shop, --at).
// Support ends at most 120 months after a purchase and --expiring-within adds at most 3660
// days, so every date computed from them keeps a four-digit year.
inline constexpr Date kFirstDate{1970, 1, 1};
inline constexpr Date kLastDate{9000, 12, 31};

// supported_dates_text: "1970-01-01 to 9000-12-31", for messages.
std::string supported_dates_text();

// parse_date: "YYYY-MM-DD" (a real day of the Gregorian calendar from kFirstDate to
// kLastDate), or nothing.
std::optional<Date> parse_date(std::string_view text);

// date_out_of_range: `text` begins with a real calendar day "YYYY-MM-DD" outside kFirstDate to
// kLastDate (so a message can say "out of range" rather than "not a date").
bool date_out_of_range(std::string_view text);

// parse_date_time: "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS" (also with 'T'); the normalised
// "YYYY-MM-DD HH:MM:SS" text (date only: 00:00:00) and its date, or nothing.
std::optional<std::pair<Date, std::string>> parse_date_time(std::string_view text);

// format_date: "YYYY-MM-DD".
std::string format_date(const Date& date);

// days_in_month: 28..31.
int days_in_month(int year, int month);

// add_months: `date` plus `months` calendar months; a day that does not exist in the target
// month becomes that month's last day (31 January + 1 month = 28 or 29 February).
Date add_months(const Date& date, int months);

// add_days: `date` plus `days` (negative: before).
Date add_days(const Date& date, int days);

// days_between: `to` - `from` in days (negative when `to` is earlier).
int days_between(const Date& from, const Date& to);

// local_date: the calendar day of `when` in the local time zone (TZ).
Date local_date(std::chrono::system_clock::time_point when);

}  // namespace mps

namespace mps {
// date_flag: the value of a date flag such as --at ("YYYY-MM-DD"), or today (local) when
// `text` is empty. Throws Error(usage) naming `flag`.
Date date_flag(const std::string& text, const char* flag,
               std::chrono::system_clock::time_point now);
}  // namespace mps
