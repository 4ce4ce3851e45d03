#pragma once
// RFC 5322 messages: headers (Date, Message-ID, From, To, Subject), UTF-8 bodies, RFC 2047
// encoded words for non-ASCII names and subjects. Lines end with CRLF.
#include <chrono>
#include <string>
#include <string_view>

namespace mps {

struct MailMessage {
    std::string from_name;
    std::string from_address;
    std::string to_name;
    std::string to_address;
    std::string subject;     // UTF-8, one line
    std::string body;        // UTF-8, LF or CRLF line ends
    std::string message_id;  // without the angle brackets
    std::chrono::system_clock::time_point date;
};

// encode_header_text: `text` unchanged when it is printable ASCII, else RFC 2047 "B" encoded
// words of at most 75 characters (split between UTF-8 characters), folded with CRLF SP.
std::string encode_header_text(std::string_view text);

// format_mailbox: "addr", "Name <addr>", "\"Name, Jr.\" <addr>" or "=?UTF-8?B?...?= <addr>".
std::string format_mailbox(std::string_view name, std::string_view address);

// rfc5322_date: "Fri, 27 Nov 2026 12:13:45 +0000" (UTC).
std::string rfc5322_date(std::chrono::system_clock::time_point when);

// quoted_printable: RFC 2045 quoted-printable of UTF-8 text, CRLF line ends, lines <= 76.
std::string quoted_printable(std::string_view text);

// render_message: the whole message, ready for SMTP DATA.
std::string render_message(const MailMessage& message);

}  // namespace mps
