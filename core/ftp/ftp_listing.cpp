#include "ftp/ftp_listing.hpp"

#include <sys/stat.h>

#include <array>
#include <cctype>
#include <cstdint>
#include <ctime>

#include "util/text.hpp"

namespace mps {
namespace {

bool all_digits(std::string_view text) {
    if (text.empty()) return false;
    for (char c : text)
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

std::optional<std::uint64_t> parse_u64(std::string_view text) {
    if (!all_digits(text) || text.size() > 20) return std::nullopt;
    std::uint64_t value = 0;
    for (char c : text) {
        auto digit = static_cast<std::uint64_t>(c - '0');
        if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
        value = value * 10 + digit;
    }
    return value;
}

// days_from_civil: days since 1970-01-01 of a proleptic Gregorian date (no time zone involved).
long long days_from_civil(long long y, unsigned m, unsigned d) {
    y -= m <= 2;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long long>(doe) - 719468;
}

std::optional<std::uint32_t> epoch32(long long seconds) {
    if (seconds < 0 || seconds > 0xffffffffLL) return std::nullopt;
    return static_cast<std::uint32_t>(seconds);
}

int month_number(std::string_view text) {
    static constexpr std::array<const char*, 12> names = {"jan", "feb", "mar", "apr", "may", "jun",
                                                          "jul", "aug", "sep", "oct", "nov", "dec"};
    if (text.size() != 3) return 0;
    std::string l = to_lower(text);
    for (std::size_t i = 0; i < names.size(); ++i)
        if (l == names[i]) return static_cast<int>(i) + 1;
    return 0;
}

// mode_bits: "rwxr-xr-x" (with s/S/t/T) as permission bits.
std::optional<std::uint32_t> mode_bits(std::string_view text) {
    if (text.size() < 9) return std::nullopt;
    std::uint32_t bits = 0;
    static constexpr std::uint32_t read[3] = {0400, 040, 04};
    static constexpr std::uint32_t write[3] = {0200, 020, 02};
    static constexpr std::uint32_t exec[3] = {0100, 010, 01};
    static constexpr std::uint32_t special[3] = {04000, 02000, 01000};
    for (int who = 0; who < 3; ++who) {
        char r = text[who * 3], w = text[who * 3 + 1], x = text[who * 3 + 2];
        if (r == 'r')
            bits |= read[who];
        else if (r != '-')
            return std::nullopt;
        if (w == 'w')
            bits |= write[who];
        else if (w != '-')
            return std::nullopt;
        switch (x) {
            case 'x':
                bits |= exec[who];
                break;
            case '-':
                break;
            case 's':
            case 't':
                bits |= exec[who] | special[who];
                break;
            case 'S':
            case 'T':
                bits |= special[who];
                break;
            default:
                return std::nullopt;
        }
    }
    return bits;
}

struct Token {
    std::string_view text;
    std::size_t end = 0;  // offset just past it in the line
};

std::vector<Token> tokens_of(std::string_view line, std::size_t max) {
    std::vector<Token> out;
    std::size_t i = 0;
    while (i < line.size() && out.size() < max) {
        while (i < line.size() && line[i] == ' ') ++i;
        if (i >= line.size()) break;
        std::size_t start = i;
        while (i < line.size() && line[i] != ' ') ++i;
        out.push_back({line.substr(start, i - start), i});
    }
    return out;
}

// parse_dos_line: "11-30-26  06:55PM       <DIR>          name" (IIS).
std::optional<FtpListEntry> parse_dos_line(std::string_view line) {
    auto tokens = tokens_of(line, 3);
    if (tokens.size() < 3) return std::nullopt;
    std::string_view date = tokens[0].text, time = tokens[1].text, what = tokens[2].text;
    if (date.size() != 8 || date[2] != '-' || date[5] != '-') return std::nullopt;
    if (time.size() != 7 || time[2] != ':') return std::nullopt;
    if (!all_digits(date.substr(0, 2)) || !all_digits(date.substr(3, 2)) ||
        !all_digits(date.substr(6, 2)) || !all_digits(time.substr(0, 2)) ||
        !all_digits(time.substr(3, 2)))
        return std::nullopt;
    std::size_t start = tokens[2].end;
    while (start < line.size() && line[start] == ' ') ++start;
    if (start >= line.size()) return std::nullopt;
    FtpListEntry entry;
    entry.name = std::string(line.substr(start));
    if (what == "<DIR>") {
        entry.attrs.permissions = S_IFDIR | 0755;
    } else if (auto size = parse_u64(what)) {
        entry.attrs.permissions = S_IFREG | 0644;
        entry.attrs.size = *size;
    } else {
        return std::nullopt;
    }
    unsigned month = static_cast<unsigned>((date[0] - '0') * 10 + (date[1] - '0'));
    unsigned day = static_cast<unsigned>((date[3] - '0') * 10 + (date[4] - '0'));
    int year = (date[6] - '0') * 10 + (date[7] - '0');
    year += year < 70 ? 2000 : 1900;
    int hour = (time[0] - '0') * 10 + (time[1] - '0');
    int minute = (time[3] - '0') * 10 + (time[4] - '0');
    bool pm = time[5] == 'P' || time[5] == 'p';
    if (hour == 12) hour = 0;
    if (pm) hour += 12;
    if (month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour < 24 && minute < 60)
        entry.attrs.mtime =
            epoch32(days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60);
    return entry;
}

}  // namespace

std::optional<long long> parse_mlsd_time(std::string_view text) {
    if (text.size() < 14 || !all_digits(text.substr(0, 14))) return std::nullopt;
    auto num = [&](std::size_t at, std::size_t n) {
        int v = 0;
        for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (text[i] - '0');
        return v;
    };
    int year = num(0, 4), month = num(4, 2), day = num(6, 2);
    int hour = num(8, 2), minute = num(10, 2), second = num(12, 2);
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
        return std::nullopt;
    return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
           hour * 3600 + minute * 60 + second;
}

std::optional<FtpListEntry> parse_mlsd_line(std::string_view line) {
    // The facts end at the first space; the name is everything after it (spaces included).
    std::size_t space = line.find(' ');
    if (space == std::string_view::npos || space + 1 >= line.size()) return std::nullopt;
    std::string_view facts = line.substr(0, space);
    FtpListEntry entry;
    entry.name = std::string(line.substr(space + 1));
    std::optional<std::uint32_t> type;
    std::optional<std::uint32_t> mode;
    bool known_type = false;
    while (!facts.empty()) {
        std::size_t semi = facts.find(';');
        std::string_view fact = facts.substr(0, semi);
        facts.remove_prefix(semi == std::string_view::npos ? facts.size() : semi + 1);
        std::size_t eq = fact.find('=');
        if (eq == std::string_view::npos) continue;
        std::string key = to_lower(fact.substr(0, eq));
        std::string_view value = fact.substr(eq + 1);
        if (key == "type") {
            std::string v = to_lower(value);
            known_type = true;
            if (v == "cdir" || v == "pdir") return std::nullopt;
            if (v == "file")
                type = S_IFREG;
            else if (v == "dir")
                type = S_IFDIR;
            else if (v == "os.unix=symlink" || v.rfind("os.unix=slink", 0) == 0) {
                type = S_IFLNK;
                if (auto colon = value.find(':'); colon != std::string_view::npos)
                    entry.link_target = std::string(value.substr(colon + 1));
            }
        } else if (key == "size") {
            entry.attrs.size = parse_u64(value);
        } else if (key == "modify") {
            if (auto t = parse_mlsd_time(value)) entry.attrs.mtime = epoch32(*t);
        } else if (key == "unix.mode") {
            // "0644" or "644"; some servers add the type bits ("100644").
            if (all_digits(value) && value.size() <= 7) {
                std::uint32_t bits = 0;
                bool octal = true;
                for (char c : value) {
                    if (c > '7') octal = false;
                    bits = bits * 8 + static_cast<std::uint32_t>(c - '0');
                }
                if (octal) mode = bits & 07777;
            }
        }
    }
    if (!known_type) return std::nullopt;  // no type fact: not a listing line we can use
    if (type)
        entry.attrs.permissions = *type | mode.value_or(*type == S_IFREG ? 0644 : 0755);
    else if (mode)
        entry.attrs.permissions = *mode;  // a device or other special: no type bits
    return entry;
}

std::optional<FtpListEntry> parse_list_line(std::string_view line, long long now) {
    if (line.empty()) return std::nullopt;
    if (std::isdigit(static_cast<unsigned char>(line[0]))) return parse_dos_line(line);
    auto tokens = tokens_of(line, 12);
    if (tokens.size() < 5) return std::nullopt;
    std::string_view mode = tokens[0].text;
    if (mode.size() < 10) return std::nullopt;
    // ls -l: mode, links, owner, [group], size, month, day, time-or-year, name.
    std::size_t month_at = 0;
    for (std::size_t i = 2; i + 2 < tokens.size(); ++i) {
        std::string_view day = tokens[i + 1].text, when = tokens[i + 2].text;
        if (month_number(tokens[i].text) && all_digits(tokens[i - 1].text) && all_digits(day) &&
            day.size() <= 2 &&
            ((when.size() == 5 && when[2] == ':' && all_digits(when.substr(0, 2)) &&
              all_digits(when.substr(3))) ||
             (when.size() == 4 && all_digits(when)))) {
            month_at = i;
            break;
        }
    }
    if (month_at == 0) return std::nullopt;
    std::size_t name_at = tokens[month_at + 2].end + 1;  // one space after the time or year
    if (name_at >= line.size()) return std::nullopt;
    FtpListEntry entry;
    entry.name = std::string(line.substr(name_at));
    std::uint32_t type = 0;
    switch (mode[0]) {
        case '-':
            type = S_IFREG;
            break;
        case 'd':
            type = S_IFDIR;
            break;
        case 'l':
            type = S_IFLNK;
            break;
        default:
            type = 0;
            break;
    }
    auto bits = mode_bits(mode.substr(1, 9));
    if (!bits) return std::nullopt;
    entry.attrs.permissions = type | *bits;
    entry.attrs.size = parse_u64(tokens[month_at - 1].text);
    if (type == S_IFLNK) {
        if (auto arrow = entry.name.find(" -> "); arrow != std::string::npos) {
            entry.link_target = entry.name.substr(arrow + 4);
            entry.name.resize(arrow);
        }
    }
    // The date: "Nov 30 18:55" (within the last six months) or "Nov 30  2020".
    unsigned month = static_cast<unsigned>(month_number(tokens[month_at].text));
    std::string_view day_text = tokens[month_at + 1].text, when = tokens[month_at + 2].text;
    unsigned day = 0;
    for (char c : day_text) day = day * 10 + static_cast<unsigned>(c - '0');
    if (day >= 1 && day <= 31) {
        if (when.size() == 4) {
            long long year = 0;
            for (char c : when) year = year * 10 + (c - '0');
            entry.attrs.mtime = epoch32(days_from_civil(year, month, day) * 86400);
        } else {
            int hour = (when[0] - '0') * 10 + (when[1] - '0');
            int minute = (when[3] - '0') * 10 + (when[4] - '0');
            long long year = 1970 + now / (365LL * 86400 + 21600);  // close to now's year
            long long days_now = now / 86400;
            for (long long y = year + 1; y >= year - 1; --y) {
                long long t = days_from_civil(y, month, day) * 86400 + hour * 3600 + minute * 60;
                // ls shows a time (no year) for dates within six months, never far ahead.
                if (days_from_civil(y, month, day) <= days_now + 2) {
                    if (hour < 24 && minute < 60) entry.attrs.mtime = epoch32(t);
                    break;
                }
            }
        }
    }
    return entry;
}

FtpListingText parse_ftp_listing(std::string_view text, bool mlsd, long long now) {
    FtpListingText out;
    while (!text.empty()) {
        std::size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) continue;
        auto entry = mlsd ? parse_mlsd_line(line) : parse_list_line(line, now);
        if (entry) {
            out.entries.push_back(std::move(*entry));
            continue;
        }
        // Lines that are not entries on purpose: "total 12", the cdir/pdir of MLSD.
        if (!mlsd && line.substr(0, 6) == "total ") continue;
        if (mlsd) {
            std::string l = to_lower(line.substr(0, line.find(' ')));
            if (l.find("type=cdir") != std::string::npos ||
                l.find("type=pdir") != std::string::npos)
                continue;
        }
        ++out.unparsed;
    }
    return out;
}

StatListing stat_listing(const std::vector<std::string>& lines, const std::string& nonce) {
    StatListing out;
    auto is_code = [](const std::string& line, char sep) {
        return line.size() >= 4 && std::isdigit(static_cast<unsigned char>(line[0])) &&
               std::isdigit(static_cast<unsigned char>(line[1])) &&
               std::isdigit(static_cast<unsigned char>(line[2])) && line[3] == sep;
    };
    // The echo: one line, the last, naming the nonce; the STAT reply ends right before it.
    if (lines.size() < 2 || nonce.empty() || !is_code(lines.back(), ' ') ||
        lines.back().find(nonce) == std::string::npos)
        return out;
    std::size_t end = lines.size() - 1;  // the STAT reply is lines[..end)
    const std::string& last = lines[end - 1];
    if (!is_code(last, ' ')) return out;
    out.code = std::stoi(last.substr(0, 3));
    out.last_line = last;
    std::string opening = last.substr(0, 3) + "-";
    // The reply opens at the last "CODE-" line before its final one; inner lines are padded
    // with a space, so none of them can look like that opening.
    std::size_t first = end - 1;
    while (first > 0 && lines[first - 1].rfind(opening, 0) != 0) --first;
    if (first == 0) {
        out.well_formed = out.code != 212 && out.code != 213;  // one line: a refusal
        return out;
    }
    for (std::size_t i = first; i + 1 < end; ++i) {
        const std::string& line = lines[i];
        if (line.empty() || line[0] != ' ') {
            out.text.clear();
            return out;
        }
        out.text.append(line, 1);
        out.text += '\n';
    }
    out.well_formed = true;
    return out;
}

}  // namespace mps
