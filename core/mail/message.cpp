#include "mail/message.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>

namespace mps {
namespace {

bool printable_ascii(std::string_view text) {
    for (unsigned char c : text)
        if (c < 0x20 || c > 0x7e) return false;
    return true;
}

std::string base64(std::string_view bytes) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                     static_cast<unsigned char>(bytes[i + 2]);
        out += alphabet[v >> 18];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += alphabet[v & 63];
    }
    if (i + 1 == bytes.size()) {
        unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
        out += alphabet[v >> 18];
        out += alphabet[(v >> 12) & 63];
        out += "==";
    } else if (i + 2 == bytes.size()) {
        unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
        out += alphabet[v >> 18];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += '=';
    }
    return out;
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

std::string encode_header_text(std::string_view raw) {
    std::string text = strip_breaks(raw);
    if (printable_ascii(text)) return text;
    // "=?UTF-8?B?" + base64 + "?=" <= 75 characters: at most 45 bytes of text per word.
    constexpr std::size_t max_bytes = 45;
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t end = i;
        while (end < text.size()) {
            std::size_t len = utf8_length(static_cast<unsigned char>(text[end]));
            if (end + len - i > max_bytes) break;
            end += len;
        }
        if (end == i) end = std::min(text.size(), i + utf8_length(static_cast<unsigned char>(text[i])));
        if (!out.empty()) out += "\r\n ";
        out += "=?UTF-8?B?" + base64(std::string_view(text).substr(i, end - i)) + "?=";
        i = end;
    }
    return out;
}

std::string format_mailbox(std::string_view raw_name, std::string_view address) {
    std::string name = strip_breaks(raw_name);
    std::string addr = strip_breaks(address);
    if (name.empty()) return addr;
    if (!printable_ascii(name)) return encode_header_text(name) + " <" + addr + ">";
    bool plain = true;
    for (char c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == ' ' || c == '-' || c == '\'' || c == '!' ||
              c == '#' || c == '*' || c == '+' || c == '/' || c == '=' || c == '?' || c == '^' || c == '_' ||
              c == '`' || c == '{' || c == '|' || c == '}' || c == '~'))
            plain = false;
    if (plain) return name + " <" + addr + ">";
    std::string quoted = "\"";
    for (char c : name) {
        if (c == '"' || c == '\\') quoted += '\\';
        quoted += c;
    }
    return quoted + "\" <" + addr + ">";
}

std::string rfc5322_date(std::chrono::system_clock::time_point when) {
    std::time_t t = std::chrono::system_clock::to_time_t(when);
    std::tm tm{};
    gmtime_r(&t, &tm);
    static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
                  months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
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
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    auto dot = name.rfind('.');
    std::string ext = dot == std::string::npos ? "" : name.substr(dot + 1);
    static const std::pair<const char*, const char*> types[] = {
        {"zip", "application/zip"},   {"pdf", "application/pdf"},     {"txt", "text/plain"},
        {"rtf", "application/rtf"},   {"doc", "application/msword"},  {"png", "image/png"},
        {"jpg", "image/jpeg"},        {"jpeg", "image/jpeg"},         {"gif", "image/gif"},
        {"webp", "image/webp"},       {"json", "application/json"},
        {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}};
    for (const auto& [e, type] : types)
        if (ext == e) return type;
    return "application/octet-stream";
}

std::string base64_lines(std::string_view bytes) {
    std::string encoded = base64(bytes);
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
        if (std::isalnum(c) || c == '.' || c == '-' || c == '_') out += static_cast<char>(c);
        else out += {'%', hex[c >> 4], hex[c & 15]};
    }
    return out;
}

}  // namespace

std::string render_message(const MailMessage& m) {
    std::string out;
    out += "Date: " + rfc5322_date(m.date) + "\r\n";
    out += "From: " + format_mailbox(m.from_name, m.from_address) + "\r\n";
    out += "To: " + format_mailbox(m.to_name, m.to_address) + "\r\n";
    if (!m.reply_to_address.empty()) out += "Reply-To: " + format_mailbox(m.reply_to_name, m.reply_to_address) + "\r\n";
    out += "Subject: " + encode_header_text(m.subject) + "\r\n";
    out += "Message-ID: <" + strip_breaks(m.message_id) + ">\r\n";
    out += "MIME-Version: 1.0\r\n";
    if (m.auto_submitted) out += "Auto-Submitted: auto-generated\r\n";
    const char* text_headers = "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n";
    if (m.attachments.empty()) {
        out += text_headers;
        out += "\r\n";
        out += quoted_printable(m.body);
        return out;
    }
    // "=_" never occurs in quoted-printable or base64 text, so the boundary cannot either.
    std::string boundary = "=_mpsupport_" + base64(m.message_id).substr(0, 24);
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
