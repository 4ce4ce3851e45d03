#pragma once
// RFC 5322 messages: headers (Date, Message-ID, From, To, Subject), UTF-8 bodies, RFC 2047
// encoded words for non-ASCII names and subjects, and multipart/mixed with base64 attachments.
// Lines end with CRLF.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace mps {

struct MailAttachment {
    std::string filename;      // UTF-8; RFC 2231 encoded when not plain ASCII
    std::string content_type;  // empty: from the file name (content_type_for)
    std::string data;          // the bytes
};

struct MailMessage {
    std::string from_name;
    std::string from_address;
    std::string to_name;
    std::string to_address;
    std::string subject;     // UTF-8, one line
    std::string body;        // UTF-8, LF or CRLF line ends
    std::string message_id;  // without the angle brackets
    std::chrono::system_clock::time_point date;
    std::string reply_to_name;  // empty address: no Reply-To
    std::string reply_to_address;
    bool auto_submitted = true;  // "Auto-Submitted: auto-generated" (reminders; not tickets)
    std::vector<MailAttachment> attachments;  // any: multipart/mixed, text part first
};

// encode_header_text: a header value for `text` (CR and LF become spaces) whose first line
// starts at column `used` (after "Subject: ", 9): printable ASCII unchanged when it fits in 78
// characters, else folded before spaces (CRLF SP); otherwise RFC 2047 "B" encoded words
// (split between UTF-8 characters) on lines of at most 76 characters.
std::string encode_header_text(std::string_view text, std::size_t used = 0);

// format_mailbox: "addr", "Name <addr>", "\"Name, Jr.\" <addr>" or "=?UTF-8?B?...?= <addr>",
// the first line starting at column `used` ("To: ", 4); a long name is folded like
// encode_header_text and the address goes on its own line when the name fills one.
std::string format_mailbox(std::string_view name, std::string_view address, std::size_t used = 0);

// rfc5322_date: "Fri, 27 Nov 2026 12:13:45 +0000" (UTC).
std::string rfc5322_date(std::chrono::system_clock::time_point when);

// quoted_printable: RFC 2045 quoted-printable of UTF-8 text, CRLF line ends, lines <= 76.
std::string quoted_printable(std::string_view text);

// content_type_for: the MIME type of a file name by its extension (application/zip,
// application/pdf, text/plain, image/png...; application/octet-stream when unknown).
std::string content_type_for(std::string_view filename);

// base64_lines: RFC 2045 base64 of `bytes` in lines of 76 characters ending with CRLF.
std::string base64_lines(std::string_view bytes);

// render_message: the whole message, ready for SMTP DATA.
std::string render_message(const MailMessage& message);

}  // namespace mps
