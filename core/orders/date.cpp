#include "orders/date.hpp"

#include <cstdio>
#include <ctime>

#include "util/error.hpp"

namespace mps {
namespace {

bool leap(int year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

// days_from_civil / civil_from_days: Howard Hinnant's algorithms (proleptic Gregorian).
long days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    const long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long>(doe) - 719468;
}

Date civil_from_days(long z) {
    z += 719468;
    const long era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const long y = static_cast<long>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return Date{static_cast<int>(y + (m <= 2)), static_cast<int>(m), static_cast<int>(d)};
}

bool digits(std::string_view text, std::size_t from, std::size_t count, int& out) {
    out = 0;
    for (std::size_t i = from; i < from + count; ++i) {
        if (i >= text.size() || text[i] < '0' || text[i] > '9') return false;
        out = out * 10 + (text[i] - '0');
    }
    return true;
}

}  // namespace

int days_in_month(int year, int month) {
    static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && leap(year) ? 29 : days[month - 1];
}

namespace {

// calendar_date: "YYYY-MM-DD" as a real Gregorian day of years 0000-9999, or nothing.
std::optional<Date> calendar_date(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    Date d;
    if (!digits(text, 0, 4, d.year) || !digits(text, 5, 2, d.month) || !digits(text, 8, 2, d.day))
        return std::nullopt;
    if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > days_in_month(d.year, d.month))
        return std::nullopt;
    return d;
}

}  // namespace

std::string supported_dates_text() {
    return format_date(kFirstDate) + " to " + format_date(kLastDate);
}

std::optional<Date> parse_date(std::string_view text) {
    auto d = calendar_date(text);
    if (!d || *d < kFirstDate || *d > kLastDate) return std::nullopt;
    return d;
}

bool date_out_of_range(std::string_view text) {
    auto d = calendar_date(text.substr(0, 10));
    return d && (*d < kFirstDate || *d > kLastDate);
}

std::optional<std::pair<Date, std::string>> parse_date_time(std::string_view text) {
    auto date = parse_date(text.substr(0, 10));
    if (!date) return std::nullopt;
    if (text.size() == 10) return std::make_pair(*date, std::string(text) + " 00:00:00");
    if (text.size() != 19 || (text[10] != ' ' && text[10] != 'T') || text[13] != ':' ||
        text[16] != ':')
        return std::nullopt;
    int h = 0, m = 0, s = 0;
    if (!digits(text, 11, 2, h) || !digits(text, 14, 2, m) || !digits(text, 17, 2, s) || h > 23 ||
        m > 59 || s > 60)
        return std::nullopt;
    std::string normalised(text);
    normalised[10] = ' ';
    return std::make_pair(*date, normalised);
}

std::string format_date(const Date& date) {
    char buffer[48];  // a year outside 0-9999 is printed whole, never wrapped
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", date.year, date.month, date.day);
    return buffer;
}

Date add_months(const Date& date, int months) {
    int index = date.year * 12 + (date.month - 1) + months;
    Date out{index / 12, index % 12 + 1, date.day};
    if (out.day > days_in_month(out.year, out.month)) out.day = days_in_month(out.year, out.month);
    return out;
}

Date add_days(const Date& date, int days) {
    return civil_from_days(days_from_civil(date.year, date.month, date.day) + days);
}

int days_between(const Date& from, const Date& to) {
    return static_cast<int>(days_from_civil(to.year, to.month, to.day) -
                            days_from_civil(from.year, from.month, from.day));
}

Date local_date(std::chrono::system_clock::time_point when) {
    std::time_t t = std::chrono::system_clock::to_time_t(when);
    std::tm tm{};
    localtime_r(&t, &tm);
    return Date{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

Date date_flag(const std::string& text, const char* flag,
               std::chrono::system_clock::time_point now) {
    if (text.empty()) return local_date(now);
    auto date = parse_date(text);
    if (!date && date_out_of_range(text) && text.size() == 10)
        throw Error(
            ErrorKind::usage,
            std::string(flag) + " '" + text + "' is outside the supported dates " +
                supported_dates_text(),
            std::string("give ") + flag + " as YYYY-MM-DD between " + supported_dates_text());
    if (!date)
        throw Error(ErrorKind::usage, std::string(flag) + " '" + text + "' is not a date",
                    std::string("give ") + flag + " as YYYY-MM-DD, e.g. 2026-02-28");
    return *date;
}

}  // namespace mps
