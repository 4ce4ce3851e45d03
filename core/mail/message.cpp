#include "mail/message.hpp"
#include "util/base64.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <optional>

namespace mps {
namespace {

bool printable_ascii(std::string_view text) {
    for (unsigned char c : text)
        if (c < 0x20 || c > 0x7e) return false;
    return true;
}

// utf8_length: bytes of the UTF-8 character starting with `lead` (1 for stray bytes).
std::size_t utf8_length(unsigned char lead) {
    if (lead >= 0xF0) return 4;
    if (lead >= 0xE0) return 3;
    if (lead >= 0xC0) return 2;
    return 1;
}

// strip_breaks: header values are one line; CR and LF become spaces (no header injection).
std::string strip_breaks(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c == '\r' || c == '\n') c = ' ';
    return out;
}

}  // namespace

namespace {

constexpr std::size_t kFoldWidth = 78;     // RFC 5322 2.1.1: lines SHOULD stay within 78 characters
constexpr std::size_t kEncodedWidth = 76;  // RFC 2047 2: lines holding encoded words: 76

// column_after: the column after appending `text` to a line already `used` long.
std::size_t column_after(std::string_view text, std::size_t used) {
    auto fold = text.rfind("\r\n");
    return fold == std::string_view::npos ? used + text.size() : text.size() - fold - 2;
}

// fold_words: `text` (one line, printable ASCII) with CRLF inserted before spaces so that
// every line stays within kFoldWidth, the first starting at column `used`; unfolding (removing
// the CRLFs) gives `text` back. Nothing when a word alone does not fit.
std::optional<std::string> fold_words(std::string_view text, std::size_t used) {
    std::string out;
    std::size_t column = used;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t space = text.find(' ', start + (start == 0 ? 0 : 1));
        if (space == std::string_view::npos) space = text.size();
        std::string_view piece = text.substr(start, space - start);  // " word" (or the first word)
        if (start > 0 && piece.size() > 1 && column + piece.size() > kFoldWidth) {
            out += "\r\n";
            column = 0;
        }
        out += piece;
        column += piece.size();
        if (column > kFoldWidth) return std::nullopt;
        if (space == text.size()) break;
        start = space;
    }
    return out;
}

// encoded_words: RFC 2047 "B" encoded words of `text`, split between UTF-8 characters, each
// line (the first starting at column `used`) within kEncodedWidth, folded with CRLF SP.
std::string encoded_words(std::string_view text, std::size_t used) {
    std::string out;
    std::size_t i = 0;
    std::size_t column = used;
    while (i < text.size()) {
        // "=?UTF-8?B?" + base64 + "?=": 12 characters plus 4 for every 3 bytes.
        std::size_t room = kEncodedWidth > column + 1 ? kEncodedWidth - column - 1 : 0;
        std::size_t max_bytes = room > 12 ? (room - 12) / 4 * 3 : 0;
        std::size_t first = utf8_length(static_cast<unsigned char>(text[i]));
        if (max_bytes < first && column > 1) {  // not even one character fits: start a new line
            out += "\r\n ";
            column = 1;
            continue;
        }
        std::size_t end = i;
        while (end < text.size()) {
            std::size_t len = utf8_length(static_cast<unsigned char>(text[end]));
            if (end + len - i > max_bytes) break;
            end += len;
        }
        if (end == i) end = std::min(text.size(), i + first);
        if (i > 0) {
            out += "\r\n ";
            column = 1;
        }
        std::string word = "=?UTF-8?B?" + base64_encode(text.substr(i, end - i)) + "?=";
        out += word;
        column += word.size();
        i = end;
    }
    return out;
}

// header_text: `text` as it is when it fits on the line, else folded at spaces, else encoded
// words (always for text that is not printable ASCII).
std::string header_text(const std::string& text, std::size_t used) {
    if (printable_ascii(text)) {
        if (used + text.size() <= kFoldWidth) return text;
        if (auto folded = fold_words(text, used)) return *folded;
    }
    return encoded_words(text, used);
}

}  // namespace

std::string encode_header_text(std::string_view raw, std::size_t used) {
    return header_text(strip_breaks(raw), used);
}

std::string format_mailbox(std::string_view raw_name, std::string_view address, std::size_t used) {
    std::string name = strip_breaks(raw_name);
    std::string addr = strip_breaks(address);
    if (name.empty()) return addr;
    std::string phrase;
    if (!printable_ascii(name)) {
        phrase = encoded_words(name, used);
    } else {
        bool plain = true;
        for (char c : name)
            if (!(std::isalnum(static_cast<unsigned char>(c)) || c == ' ' || c == '-' ||
                  c == '\'' || c == '!' || c == '#' || c == '*' || c == '+' || c == '/' ||
                  c == '=' || c == '?' || c == '^' || c == '_' || c == '`' || c == '{' ||
                  c == '|' || c == '}' || c == '~'))
                plain = false;
        if (plain) {
            phrase = name;
        } else {
            phrase = "\"";
            for (char c : name) {
                if (c == '"' || c == '\\') phrase += '\\';
                phrase += c;
            }
            phrase += '"';
        }
        // Too long for one line: folded at its spaces (also inside the quotes), else encoded.
        if (used + phrase.size() + addr.size() + 3 > kFoldWidth) {
            auto folded = fold_words(phrase, used);
            phrase = folded ? *folded : encoded_words(name, used);
        }
    }
    bool fits = column_after(phrase, used) + addr.size() + 3 <= kFoldWidth;
    return phrase + (fits ? " <" : "\r\n <") + addr + ">";
}

std::string rfc5322_date(std::chrono::system_clock::time_point when) {
    std::time_t t = std::chrono::system_clock::to_time_t(when);
    std::tm tm{};
    gmtime_r(&t, &tm);
    static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday],
                  tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    return buffer;
}

std::string quoted_printable(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    std::string line;
    auto flush_line = [&](bool hard) {
        // Trailing blanks must be encoded (RFC 2045 6.7 rule 3).
        if (!line.empty() && (line.back() == ' ' || line.back() == '\t')) {
            char c = line.back();
            line.pop_back();
            line += '=';
            line += hex[static_cast<unsigned char>(c) >> 4];
            line += hex[static_cast<unsigned char>(c) & 15];
        }
        out += line;
        out += hard ? "\r\n" : "=\r\n";
        line.clear();
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
        if (c == '\n') {
            flush_line(true);
            continue;
        }
        std::string piece;
        if ((c >= 33 && c <= 126 && c != '=') || c == ' ' || c == '\t') {
            piece = static_cast<char>(c);
            // A line starting with "." or "From " is safe in QP when encoded.
            if (line.empty() && c == '.') piece = "=2E";
        } else {
            piece = {'=', hex[c >> 4], hex[c & 15]};
        }
        if (line.size() + piece.size() > 75) flush_line(false);
        line += piece;
    }
    if (!line.empty()) flush_line(true);
    return out;
}

std::string content_type_for(std::string_view filename) {
    std::string name(filename);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    auto dot = name.rfind('.');
    std::string ext = dot == std::string::npos ? "" : name.substr(dot + 1);
    static const std::pair<const char*, const char*> types[] = {
        {"zip", "application/zip"},
        {"pdf", "application/pdf"},
        {"txt", "text/plain"},
        {"rtf", "application/rtf"},
        {"doc", "application/msword"},
        {"png", "image/png"},
        {"jpg", "image/jpeg"},
        {"jpeg", "image/jpeg"},
        {"gif", "image/gif"},
        {"webp", "image/webp"},
        {"json", "application/json"},
        {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}};
    for (const auto& [e, type] : types)
        if (ext == e) return type;
    return "application/octet-stream";
}

std::string base64_lines(std::string_view bytes) {
    std::string encoded = base64_encode(bytes);
    std::string out;
    out.reserve(encoded.size() + encoded.size() / 76 * 2 + 2);
    for (std::size_t i = 0; i < encoded.size(); i += 76) {
        out.append(encoded, i, 76);
        out += "\r\n";
    }
    return out;
}

namespace {

// filename_parameter: filename="name" for plain ASCII, else RFC 2231 filename*=UTF-8''...
std::string filename_parameter(std::string_view raw) {
    std::string name = strip_breaks(raw);
    bool plain = printable_ascii(name) && name.find_first_of("\"\\") == std::string::npos;
    if (plain) return "filename=\"" + name + "\"";
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out = "filename*=UTF-8''";
    for (unsigned char c : name) {
        if (std::isalnum(c) || c == '.' || c == '-' || c == '_')
            out += static_cast<char>(c);
        else
            out += {'%', hex[c >> 4], hex[c & 15]};
    }
    return out;
}

}  // namespace

std::string render_message(const MailMessage& m) {
    std::string out;
    out += "Date: " + rfc5322_date(m.date) + "\r\n";
    out += "From: " + format_mailbox(m.from_name, m.from_address, 6) + "\r\n";
    out += "To: " + format_mailbox(m.to_name, m.to_address, 4) + "\r\n";
    if (!m.reply_to_address.empty())
        out += "Reply-To: " + format_mailbox(m.reply_to_name, m.reply_to_address, 10) + "\r\n";
    out += "Subject: " + encode_header_text(m.subject, 9) + "\r\n";
    out += "Message-ID: <" + strip_breaks(m.message_id) + ">\r\n";
    out += "MIME-Version: 1.0\r\n";
    if (m.auto_submitted) out += "Auto-Submitted: auto-generated\r\n";
    const char* text_headers =
        "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: "
        "quoted-printable\r\n";
    if (m.attachments.empty()) {
        out += text_headers;
        out += "\r\n";
        out += quoted_printable(m.body);
        return out;
    }
    // "=_" never occurs in quoted-printable or base64 text, so the boundary cannot either.
    std::string boundary = "=_mpsupport_" + base64_encode(m.message_id).substr(0, 24);
    for (char& c : boundary)
        if (c == '/' || c == '+') c = '_';
    out += "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n";
    out += "\r\nThis is a multipart message in MIME format.\r\n";
    out += "--" + boundary + "\r\n" + text_headers + "\r\n" + quoted_printable(m.body);
    for (const auto& a : m.attachments) {
        std::string type = a.content_type.empty() ? content_type_for(a.filename) : a.content_type;
        out += "--" + boundary + "\r\n";
        out += "Content-Type: " + type + "\r\n";
        out += "Content-Transfer-Encoding: base64\r\n";
        out += "Content-Disposition: attachment; " + filename_parameter(a.filename) + "\r\n";
        out += "\r\n";
        out += base64_lines(a.data);
    }
    out += "--" + boundary + "--\r\n";
    return out;
}

}  // namespace mps
