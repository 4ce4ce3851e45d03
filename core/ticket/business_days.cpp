#include "ticket/business_days.hpp"

#include <algorithm>

#include "util/error.hpp"

namespace mps {

int weekday(const Date& date) {
    // 1970-01-01 was a Thursday (3 when Monday is 0).
    int days = days_between(Date{1970, 1, 1}, date);
    return ((days % 7) + 7 + 3) % 7;
}

std::vector<Date> parse_holidays(const std::vector<std::string>& values) {
    std::vector<Date> out;
    for (const auto& value : values) {
        auto date = parse_date(value);
        if (!date)
            throw Error(
                ErrorKind::usage, "vendor.holidays: '" + value + "' is not a day (YYYY-MM-DD)",
                "fix [vendor] holidays in the configuration, e.g. holidays = [\"2026-12-25\"]");
        out.push_back(*date);
    }
    std::sort(out.begin(), out.end());
    return out;
}

bool is_business_day(const Date& date, const std::vector<Date>& holidays) {
    if (weekday(date) >= 5) return false;
    return std::find(holidays.begin(), holidays.end(), date) == holidays.end();
}

Date reply_due(const Date& sent, int business_days, const std::vector<Date>& holidays) {
    Date day = sent;
    if (business_days <= 0) {
        // A year of holidays in a row is a configuration error; stop looking after that.
        for (int guard = 0; guard < 366 && !is_business_day(day, holidays); ++guard)
            day = add_days(day, 1);
        return day;
    }
    int counted = 0;
    for (int guard = 0; guard < 3660 && counted < business_days; ++guard) {
        day = add_days(day, 1);
        if (is_business_day(day, holidays)) ++counted;
    }
    return day;
}

}  // namespace mps
