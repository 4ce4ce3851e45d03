#pragma once
// A support ticket (SPEC.md "Tickets", POLICY.md §2 and §6): what it holds, what is missing,
// and the text the vendor receives (the same for the contact form and the e-mail).
#include <cstddef>
#include <cstdint>
#include <istream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mps {

// Access: whether the customer can give back-office credentials or SFTP access when the
// vendor asks for them. The secrets themselves never enter a ticket.
enum class Access { unknown, on_request, withheld };

// access_name: "", "on-request", "withheld". parse_access: the reverse (nothing when invalid).
const char* access_name(Access access);
std::optional<Access> parse_access(const std::string& text);

struct Attachment {
    std::string path;      // the file on disk
    std::string filename;  // the name the vendor sees
    std::uintmax_t size = 0;
    std::string sha256;  // hex
};

struct Ticket {
    std::string order_reference;
    std::string module;
    std::string summary;  // one line: the subject
    std::string message;  // the description
    std::string customer_email;
    std::string store_url;
    std::string admin_url;
    Access admin_access = Access::unknown;
    Access files_access = Access::unknown;  // FTP or SFTP access to the shop's files
    std::optional<Attachment> attachment;
};

struct MissingItem {
    std::string flag;  // e.g. "--order"
    std::string what;  // e.g. "the order reference"
};

// missing_items: what the ticket still lacks, in the order a prompt asks for it.
std::vector<MissingItem> missing_items(const Ticket& ticket);

// validate_ticket: Error(usage) naming the flag when a present item is malformed (an e-mail
// address, a URL that is not a clean http(s) address with a host and no space or line break,
// a summary on several lines or over 200 characters).
void validate_ticket(const Ticket& ticket);

// kMaxMessageBytes: the longest description --message-file takes (1 MiB).
constexpr std::size_t kMaxMessageBytes = 1u << 20;

// read_message: the description from `in` (`source` names it in messages: "stdin" or the file
// name), at most `limit` bytes; Error(usage) saying so when there is more, reading no further.
std::string read_message(std::istream& in, const std::string& source,
                         std::size_t limit = kMaxMessageBytes);

// read_message_file: the description from the file at `path` (a regular file, a pipe, a
// device), bounded as read_message; Error(usage) naming the file and the real reason
// (missing, a folder, unreadable, too large).
std::string read_message_file(const std::string& path, std::size_t limit = kMaxMessageBytes);

// ticket_subject: "[ORDER_REF] module: summary" (POLICY.md §2).
std::string ticket_subject(const Ticket& ticket);

// ticket_body: the text the vendor reads: the facts of POLICY.md §6, then the description.
std::string ticket_body(const Ticket& ticket);

// looks_like_customisation: true when the summary reads like a customisation or new-feature
// request, which support does not cover (POLICY.md §5); a heuristic on words in English and
// French.
bool looks_like_customisation(const std::string& summary);

// describe_attachment: an Attachment for `path` (size, sha256, file name); Error(usage)
// naming the file when it is missing or not a regular file.
Attachment describe_attachment(const std::string& path);

// ticket_json: the ticket's fields for --json output.
nlohmann::json ticket_json(const Ticket& ticket);

}  // namespace mps
