#include "orders/csv_import.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <optional>
#include <tuple>
#include <unordered_map>

#include "util/error.hpp"
#include "util/text.hpp"

namespace mps {
namespace {

// kMaxFieldBytes: longer fields are refused without being kept (no order value comes close).
constexpr std::size_t kMaxFieldBytes = 65536;

// kMaxFields: fields kept per row; more are counted, not stored (an order CSV has six).
constexpr std::size_t kMaxFields = 256;

struct Row {
    std::size_t line = 0;
    std::vector<std::string>
        fields;  // the first `count` are this row's; the rest are reused buffers
    std::size_t count = 0;
    std::size_t total = 0;  // fields in the row, also those past kMaxFields
    std::string spill;      // where fields past kMaxFields go
    std::string problem;    // a syntax problem (bad quoting)

    // start_field: the next field, empty, reusing an earlier row's buffer.
    std::string& start_field() {
        ++total;
        if (count == kMaxFields) {
            spill.clear();
            return spill;
        }
        if (count == fields.size()) fields.emplace_back();
        std::string& field = fields[count++];
        field.clear();
        return field;
    }
};

// Tokenizer: RFC 4180 rows, counting physical lines (a quoted field may span lines).
class Tokenizer {
  public:
    Tokenizer(std::string_view text, char delimiter) : text_(text), delimiter_(delimiter) {}

    bool next(Row& row) {
        row.count = 0;
        row.total = 0;
        row.problem.clear();
        too_long_ = false;
        if (pos_ >= text_.size()) return false;
        bool more = read_row(row);
        if (too_long_ && row.problem.empty())
            row.problem = "a field is longer than " + std::to_string(kMaxFieldBytes) + " bytes";
        return more;
    }

  private:
    // append: `piece` added to `field` up to kMaxFieldBytes; the rest is dropped and noted.
    void append(std::string& field, std::string_view piece) {
        std::size_t room = field.size() < kMaxFieldBytes ? kMaxFieldBytes - field.size() : 0;
        if (piece.size() > room) too_long_ = true;
        field.append(piece.substr(0, room));
    }

    bool read_row(Row& row) {
        row.line = line_;
        std::string* field = &row.start_field();
        bool quoted_field = false;
        while (true) {
            if (pos_ >= text_.size()) return true;
            char c = text_[pos_];
            if (c == '"' && field->empty() && !quoted_field) {
                quoted_field = true;
                ++pos_;
                if (!read_quoted(*field)) {
                    row.problem = "a quoted field is not closed";
                    return true;
                }
                // After the closing quote: a delimiter, an end of line or the end of the text.
                if (pos_ < text_.size() && text_[pos_] != delimiter_ && text_[pos_] != '\n' &&
                    text_[pos_] != '\r') {
                    if (row.problem.empty()) row.problem = "text after a closing quote";
                    std::size_t end = pos_;
                    while (end < text_.size() && text_[end] != delimiter_ && text_[end] != '\n' &&
                           text_[end] != '\r')
                        ++end;
                    append(*field, text_.substr(pos_, end - pos_));
                    pos_ = end;
                }
                continue;
            }
            if (c == delimiter_) {
                field = &row.start_field();
                quoted_field = false;
                ++pos_;
                continue;
            }
            if (c == '\r' || c == '\n') {
                if (c == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
                ++pos_;
                ++line_;
                return true;
            }
            // Plain text up to the next delimiter, line end or quote: appended in one go.
            std::size_t end = pos_ + 1;
            while (end < text_.size() && text_[end] != delimiter_ && text_[end] != '\n' &&
                   text_[end] != '\r' && text_[end] != '"')
                ++end;
            append(*field, text_.substr(pos_, end - pos_));
            pos_ = end;
        }
    }

    bool read_quoted(std::string& field) {
        while (pos_ < text_.size()) {
            char c = text_[pos_++];
            if (c == '"') {
                if (pos_ < text_.size() && text_[pos_] == '"') {
                    append(field, "\"");
                    ++pos_;
                    continue;
                }
                return true;
            }
            if (c == '\n') ++line_;
            if (c == '\r' && !(pos_ < text_.size() && text_[pos_] == '\n')) ++line_;
            append(field, std::string_view(&c, 1));
        }
        return false;
    }

    std::string_view text_;
    char delimiter_;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;
    bool too_long_ = false;  // a field of the current row went past kMaxFieldBytes
};

char detect_delimiter(std::string_view text) {
    std::size_t commas = 0, semicolons = 0;
    bool quoted = false;
    for (char c : text) {
        if (c == '"') quoted = !quoted;
        if (quoted) continue;
        if (c == '\n' || c == '\r') break;
        if (c == ',') ++commas;
        if (c == ';') ++semicolons;
    }
    return semicolons > commas ? ';' : ',';
}

// quoted: `value` in single quotes for a message: at most 80 characters (then "…"), control
// characters shown as \xNN, so a hostile field can neither flood nor drive the terminal.
std::string quoted(std::string_view value) {
    constexpr std::size_t max_chars = 80;
    std::string out = "'";
    std::size_t chars = 0;
    for (std::size_t i = 0; i < value.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(value[i]);
        if ((c & 0xC0) != 0x80 && chars++ == max_chars) {
            out += "…";
            break;
        }
        if (c < 0x20 || c == 0x7f) {
            static constexpr char hex[] = "0123456789abcdef";
            out += {'\\', 'x', hex[c >> 4], hex[c & 15]};
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "'";
}

bool valid_module(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_'))
            return false;
    return true;
}

}  // namespace

bool valid_reference(std::string_view ref) {
    if (ref.empty() || ref.size() > 64) return false;
    for (unsigned char c : ref)
        if (c <= ' ' || c >= 0x7f) return false;
    return true;
}

bool valid_email(std::string_view email) {
    auto at = email.find('@');
    if (at == std::string_view::npos || at == 0 || at + 1 >= email.size() || email.size() > 254)
        return false;
    if (email.find('@', at + 1) != std::string_view::npos) return false;
    for (unsigned char c : email)
        if (c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == ',' || c == ';' || c == '"' ||
            c == '(' || c == ')' || c == '\\')
            return false;
    std::string_view domain = email.substr(at + 1);
    return domain.front() != '.' && domain.back() != '.';
}

bool valid_utf8_text(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7f) return false;
            ++i;
            continue;
        }
        int extra = (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
        if (extra < 0 || c == 0xC0 || c == 0xC1 || c > 0xF4 ||
            i + static_cast<std::size_t>(extra) >= text.size())
            return false;
        for (int k = 1; k <= extra; ++k)
            if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
        i += static_cast<std::size_t>(extra) + 1;
    }
    return true;
}

namespace {

enum Column { reference, purchased_at, email, name, module, extended, column_count };
constexpr const char* kColumnNames[] = {"order_reference", "purchased_at", "customer_email",
                                        "customer_name",   "module",       "extended_months"};
// ColumnIndex: where each column is in a row (unset: not in the header).
using ColumnIndex = std::array<std::optional<std::size_t>, column_count>;
using BadField = std::function<void(const char* field, std::string message)>;

// header_columns: the columns the header names; Error(usage) for a repeated or a missing one.
ColumnIndex header_columns(const Row& header, const std::string& file_name) {
    ColumnIndex index;
    for (std::size_t i = 0; i < header.count; ++i) {
        std::string name = to_lower(trim(header.fields[i], " \t"));
        for (int c = 0; c < column_count; ++c) {
            if (name != kColumnNames[c]) continue;
            if (index[c])
                throw Error(ErrorKind::usage,
                            file_name + ":1: column " + quoted(name) + " appears twice",
                            "keep one " + name + " column");
            index[c] = i;
        }
    }
    for (int c : {reference, purchased_at, email, module})
        if (!index[c])
            throw Error(
                ErrorKind::usage,
                file_name + ":1: required column " + std::string(kColumnNames[c]) + " is missing",
                "the header needs order_reference, purchased_at, customer_email and module "
                "(customer_name and extended_months are optional)");
    return index;
}

// parse_line: the order line a well-formed row gives; each invalid field goes to `bad`.
OrderLine parse_line(const Row& row, const ColumnIndex& index, int max_months,
                     const BadField& bad) {
    auto field = [&](Column c) {
        return index[c] ? trim(row.fields[*index[c]], " \t") : std::string();
    };
    OrderLine line;
    line.reference = field(reference);
    if (!valid_reference(line.reference))
        bad(kColumnNames[reference], "must be a non-empty reference without blanks");
    std::string when = field(purchased_at);
    if (auto parsed = parse_date_time(when)) {
        line.purchase_date = parsed->first;
        line.purchased_at = parsed->second;
    } else if (date_out_of_range(when)) {
        bad(kColumnNames[purchased_at],
            quoted(when) + " is outside the supported dates " + supported_dates_text());
    } else {
        bad(kColumnNames[purchased_at], quoted(when) + " is not YYYY-MM-DD or YYYY-MM-DD HH:MM:SS");
    }
    line.customer_email = to_lower(field(email));
    if (!valid_email(line.customer_email))
        bad(kColumnNames[email], quoted(field(email)) + " is not an e-mail address");
    line.customer_name = field(name);
    if (!valid_utf8_text(line.customer_name))
        bad(kColumnNames[name], "must be UTF-8 text without control characters");
    line.module = to_lower(field(module));
    if (!valid_module(line.module))
        bad(kColumnNames[module], quoted(field(module)) + " is not a module name ([a-z0-9_])");
    std::string months = field(extended);
    if (!months.empty()) {
        bool number = months.size() <= 3 && std::all_of(months.begin(), months.end(), [](char c) {
                          return c >= '0' && c <= '9';
                      });
        int value = number ? std::stoi(months) : 0;
        if (value < 1 || value > max_months)
            bad(kColumnNames[extended], quoted(months) +
                                            " must be empty or a number of months from 1 to " +
                                            std::to_string(max_months));
        line.extended_months = value;
    }
    return line;
}

}  // namespace

CsvOrders parse_orders_csv(std::string_view text, const std::string& file_name, int max_months) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    CsvOrders result;
    result.delimiter = detect_delimiter(text);
    Tokenizer tokens(text, result.delimiter);
    Row header;
    if (!tokens.next(header) || (header.count == 1 && trim(header.fields[0], " \t").empty()))
        throw Error(
            ErrorKind::usage, file_name + ":1: no header row",
            "the first line must name the columns: order_reference,purchased_at,customer_email,"
            "customer_name,module,extended_months");
    const ColumnIndex index = header_columns(header, file_name);

    // Duplicate detection by a hash of (reference, module, extended_months); equal hashes are
    // confirmed on the lines themselves.
    std::unordered_multimap<std::size_t, std::size_t> seen;
    std::size_t expected_rows =
        static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
    seen.reserve(expected_rows);
    result.lines.reserve(expected_rows);
    result.line_numbers.reserve(expected_rows);
    std::hash<std::string_view> hash;
    Row row;
    while (tokens.next(row)) {
        if (row.count == 1 && trim(row.fields[0], " \t").empty() && row.problem.empty()) continue;
        ++result.rows;
        bool row_bad = false;
        BadField bad = [&](const char* field, std::string message) {
            ++result.bad_count;
            row_bad = true;
            if (result.bad.size() < kMaxBadListed)
                result.bad.push_back({row.line, field, std::move(message)});
        };
        if (!row.problem.empty()) {
            bad("", row.problem);
            continue;
        }
        if (row.total != header.total) {
            bad("", std::to_string(row.total) + " fields where the header has " +
                        std::to_string(header.total));
            continue;
        }
        OrderLine line = parse_line(row, index, max_months, bad);
        if (row_bad) continue;
        std::size_t key = hash(line.reference) * 31 + hash(line.module) * 7 +
                          static_cast<std::size_t>(line.extended_months);
        const OrderLine* first = nullptr;
        std::size_t first_index = 0;
        for (auto [it, end] = seen.equal_range(key); it != end; ++it) {
            const OrderLine& other = result.lines[it->second];
            if (line_key(other) == line_key(line)) first = &other, first_index = it->second;
        }
        if (first) {
            if (first->purchased_at != line.purchased_at ||
                first->customer_email != line.customer_email ||
                first->customer_name != line.customer_name)
                bad("", "repeats order " + line.reference + " " + line.module + " of line " +
                            std::to_string(result.line_numbers[first_index]) +
                            " with different values");
            continue;
        }
        seen.emplace(key, result.lines.size());
        result.lines.push_back(std::move(line));
        result.line_numbers.push_back(row.line);
    }
    return result;
}

}  // namespace mps
