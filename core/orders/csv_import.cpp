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
    std::uint64_t offset = 0;  // input offset where the row starts
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

// kChunkBytes: how much is read from the input at a time.
constexpr std::size_t kChunkBytes = 1 << 20;

// Tokenizer: RFC 4180 rows read from an input, counting physical lines (a quoted field may
// span lines). The buffer holds the current row and at most one chunk more: before a row is
// tokenized, fill_record() reads until the row's end (by the same quoting rules) is buffered.
class Tokenizer {
  public:
    Tokenizer(CsvInput input, std::uint64_t base_offset, std::size_t first_line)
        : input_(std::move(input)), base_(base_offset), line_(first_line) {}

    void set_delimiter(char delimiter) { delimiter_ = delimiter; }

    // first_line: after a BOM is skipped, the first line (for detect_delimiter): buffered up
    // to its end outside double quotes, or to the end of the input.
    std::string_view first_line() {
        while (buf_.size() < 3 && !eof_) refill();
        if (std::string_view(buf_).substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
        std::size_t scanned = pos_;
        bool quoted = false;
        while (true) {
            for (; scanned < buf_.size(); ++scanned) {
                char c = buf_[scanned];
                if (c == '"') quoted = !quoted;
                if (!quoted && (c == '\n' || c == '\r'))
                    return std::string_view(buf_).substr(pos_, scanned - pos_);
            }
            if (eof_) return std::string_view(buf_).substr(pos_);
            std::size_t kept = pos_;
            refill();
            scanned -= kept - pos_;
        }
    }

    bool next(Row& row) {
        row.count = 0;
        row.total = 0;
        row.problem.clear();
        too_long_ = false;
        if (!fill_record()) return false;
        text_ = buf_;
        row.offset = base_ + pos_;
        bool more = read_row(row);
        if (too_long_ && row.problem.empty())
            row.problem = "a field is longer than " + std::to_string(kMaxFieldBytes) + " bytes";
        return more;
    }

    // consumed: bytes of the input read past (rows and BOM).
    std::uint64_t consumed() const { return base_ + pos_; }

  private:
    // refill: drop what was read past, then append the next chunk of the input.
    void refill() {
        if (pos_ > 0) {
            buf_.erase(0, pos_);
            base_ += pos_;
            scan_ -= std::min(scan_, pos_);
            pos_ = 0;
        }
        std::size_t have = buf_.size();
        buf_.resize(have + kChunkBytes);
        std::size_t got = input_(buf_.data() + have, kChunkBytes);
        buf_.resize(have + got);
        if (got == 0) eof_ = true;
    }

    // fill_record: true when a row starts at pos_, and its end (or the input's) is buffered.
    bool fill_record() {
        scan_ = pos_;
        bool quoted = false, field_start = true;
        while (true) {
            while (scan_ < buf_.size()) {
                char c = buf_[scan_];
                bool last = scan_ + 1 >= buf_.size();
                if (quoted) {
                    if (c == '"') {
                        if (last && !eof_) break;  // "" or a closing quote: the next byte tells
                        if (!last && buf_[scan_ + 1] == '"') {
                            scan_ += 2;
                            continue;
                        }
                        quoted = false;
                    }
                    ++scan_;
                    continue;
                }
                if (c == '"' && field_start) {
                    quoted = true;
                    field_start = false;
                } else if (c == delimiter_) {
                    field_start = true;
                } else if (c == '\n') {
                    return true;
                } else if (c == '\r') {
                    if (last && !eof_) break;  // CR LF: the LF belongs to this row
                    return true;
                } else {
                    field_start = false;
                }
                ++scan_;
            }
            if (eof_) return pos_ < buf_.size();
            refill();
        }
    }

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

    CsvInput input_;
    std::string buf_;         // input from byte base_ on
    std::uint64_t base_ = 0;  // input offset of buf_[0]
    std::string_view text_;   // buf_, while a row is tokenized
    char delimiter_ = ',';
    std::size_t pos_ = 0;   // next byte to tokenize in buf_
    std::size_t scan_ = 0;  // fill_record's scan position in buf_
    bool eof_ = false;
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

struct OrdersCsvReader::State {
    State(CsvInput input, std::uint64_t offset, std::size_t line)
        : tokens(std::move(input), offset, line) {}
    Tokenizer tokens;
    std::string file_name;
    int max_months = 0;
    char delimiter = ',';
    std::size_t header_total = 0;
    ColumnIndex index;
    Row row;
};

OrdersCsvReader::OrdersCsvReader(CsvInput input, const std::string& file_name, int max_months)
    : state_(std::make_unique<State>(std::move(input), 0, 1)) {
    State& s = *state_;
    s.file_name = file_name;
    s.max_months = max_months;
    s.delimiter = detect_delimiter(s.tokens.first_line());
    s.tokens.set_delimiter(s.delimiter);
    Row header;
    if (!s.tokens.next(header) || (header.count == 1 && trim(header.fields[0], " \t").empty()))
        throw Error(
            ErrorKind::usage, file_name + ":1: no header row",
            "the first line must name the columns: order_reference,purchased_at,customer_email,"
            "customer_name,module,extended_months");
    s.index = header_columns(header, file_name);
    s.header_total = header.total;
}

OrdersCsvReader::~OrdersCsvReader() = default;

char OrdersCsvReader::delimiter() const {
    return state_->delimiter;
}

std::uint64_t OrdersCsvReader::bytes_read() const {
    return state_->tokens.consumed();
}

namespace {

// read_row: `row` of `tokens` as a CsvRow, validated against the header.
void to_csv_row(const Row& r, const ColumnIndex& index, std::size_t header_total, int max_months,
                CsvRow& row) {
    row.line = r.line;
    row.offset = r.offset;
    row.blank = false;
    row.problems.clear();
    if (r.count == 1 && trim(r.fields[0], " \t").empty() && r.problem.empty()) {
        row.blank = true;
        return;
    }
    if (!r.problem.empty()) {
        row.problems.push_back({r.line, "", r.problem});
        return;
    }
    if (r.total != header_total) {
        row.problems.push_back({r.line, "",
                                std::to_string(r.total) + " fields where the header has " +
                                    std::to_string(header_total)});
        return;
    }
    row.order = parse_line(r, index, max_months, [&](const char* field, std::string message) {
        row.problems.push_back({r.line, field, std::move(message)});
    });
}

}  // namespace

bool OrdersCsvReader::next(CsvRow& row) {
    State& s = *state_;
    if (!s.tokens.next(s.row)) return false;
    to_csv_row(s.row, s.index, s.header_total, s.max_months, row);
    return true;
}

CsvRow OrdersCsvReader::row_at(CsvInput input, std::uint64_t offset, std::size_t line) const {
    Tokenizer tokens(std::move(input), offset, line);
    tokens.set_delimiter(state_->delimiter);
    Row r;
    CsvRow row;
    row.line = line;
    row.offset = offset;
    if (!tokens.next(r)) {
        row.problems.push_back({line, "", "the row is gone (the file changed while it was read)"});
        return row;
    }
    to_csv_row(r, state_->index, state_->header_total, state_->max_months, row);
    return row;
}

std::optional<BadRow> repeat_problem(const OrderLine& first, std::size_t first_line,
                                     const OrderLine& line, std::size_t line_number) {
    if (first.purchased_at == line.purchased_at && first.customer_email == line.customer_email &&
        first.customer_name == line.customer_name)
        return std::nullopt;
    return BadRow{line_number, "",
                  "repeats order " + line.reference + " " + line.module + " of line " +
                      std::to_string(first_line) + " with different values"};
}

CsvOrders parse_orders_csv(std::string_view text, const std::string& file_name, int max_months) {
    std::size_t at = 0;
    OrdersCsvReader reader(
        [&](char* buffer, std::size_t size) {
            std::size_t n = std::min(size, text.size() - at);
            std::copy_n(text.data() + at, n, buffer);
            at += n;
            return n;
        },
        file_name, max_months);
    CsvOrders result;
    result.delimiter = reader.delimiter();
    // Duplicate detection by a hash of (reference, module, extended_months); equal hashes are
    // confirmed on the lines themselves.
    std::unordered_multimap<std::size_t, std::size_t> seen;
    std::hash<std::string_view> hash;
    BadRows bad;
    CsvRow row;
    while (reader.next(row)) {
        if (row.blank) continue;
        ++result.rows;
        if (!row.problems.empty()) {
            for (auto& problem : row.problems) bad.add(std::move(problem));
            continue;
        }
        OrderLine& line = row.order;
        std::size_t key = hash(line.reference) * 31 + hash(line.module) * 7 +
                          static_cast<std::size_t>(line.extended_months);
        std::optional<std::size_t> first;
        for (auto [it, end] = seen.equal_range(key); it != end; ++it)
            if (line_key(result.lines[it->second]) == line_key(line)) first = it->second;
        if (first) {
            if (auto problem = repeat_problem(result.lines[*first], result.line_numbers[*first],
                                              line, row.line))
                bad.add(std::move(*problem));
            continue;
        }
        seen.emplace(key, result.lines.size());
        result.lines.push_back(std::move(line));
        result.line_numbers.push_back(row.line);
    }
    result.bad = std::move(bad.listed);
    result.bad_count = bad.count;
    return result;
}

}  // namespace mps
