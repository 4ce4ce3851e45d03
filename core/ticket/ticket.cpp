#include "ticket/ticket.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "net/url.hpp"
#include "orders/csv_import.hpp"
#include "util/error.hpp"
#include "util/sha256.hpp"
#include "util/text.hpp"

namespace fs = std::filesystem;

namespace mps {
namespace {

const char* access_text(Access access) {
    switch (access) {
        case Access::on_request:
            return "available on request";
        case Access::withheld:
            return "not available";
        case Access::unknown:
            break;
    }
    return "not stated";
}

}  // namespace

const char* access_name(Access access) {
    switch (access) {
        case Access::on_request:
            return "on-request";
        case Access::withheld:
            return "withheld";
        case Access::unknown:
            break;
    }
    return "";
}

std::optional<Access> parse_access(const std::string& text) {
    std::string l = to_lower(text);
    if (l == "on-request" || l == "yes") return Access::on_request;
    if (l == "withheld" || l == "no") return Access::withheld;
    return std::nullopt;
}

std::vector<MissingItem> missing_items(const Ticket& t) {
    std::vector<MissingItem> out;
    if (t.order_reference.empty()) out.push_back({"--order", "the order reference"});
    if (t.module.empty()) out.push_back({"--module", "the module's technical name"});
    if (t.summary.empty()) out.push_back({"--summary", "a one-line summary of the problem"});
    if (t.message.empty())
        out.push_back({"--message", "a description of the problem (or --message-file)"});
    if (t.customer_email.empty()) out.push_back({"--email", "your e-mail address"});
    if (t.store_url.empty()) out.push_back({"--url", "the store's public URL"});
    if (t.admin_url.empty()) out.push_back({"--admin", "the back-office (admin) URL"});
    if (t.admin_access == Access::unknown)
        out.push_back(
            {"--admin-access", "whether back-office credentials can be given on request"});
    if (t.files_access == Access::unknown)
        out.push_back({"--files-access", "whether FTP or SFTP access can be given on request"});
    return out;
}

void validate_ticket(const Ticket& t) {
    auto bad = [](const std::string& flag, const std::string& what, const std::string& hint) {
        throw Error(ErrorKind::usage, flag + ": " + what, hint);
    };
    if (!t.customer_email.empty() && !valid_email(t.customer_email))
        bad("--email", "'" + t.customer_email + "' is not an e-mail address",
            "give the address support should answer");
    // Strictly: a line break in a URL would add a line to the ticket's body.
    if (auto why = t.store_url.empty() ? "" : http_url_problem(t.store_url); !why.empty())
        bad("--url", "'" + printable(t.store_url) + "' is not a usable address: " + why,
            "give the storefront, e.g. https://shop.example");
    if (auto why = t.admin_url.empty() ? "" : http_url_problem(t.admin_url); !why.empty())
        bad("--admin", "'" + printable(t.admin_url) + "' is not a usable address: " + why,
            "give the back office, e.g. https://shop.example/admin123abc");
    if (t.summary.find_first_of("\r\n") != std::string::npos)
        bad("--summary", "the summary must be one line", "put the details in --message");
    if (t.summary.size() > 200)
        bad("--summary",
            "the summary is " + std::to_string(t.summary.size()) + " characters long (200 at most)",
            "keep the subject short; put the details in --message");
    if (t.module.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
        bad("--module", "'" + t.module + "' is not a module's technical name",
            "give the folder name under modules/, e.g. ps_facetedsearch");
    if (t.order_reference.find_first_of(" \t\r\n[]") != std::string::npos)
        bad("--order", "'" + t.order_reference + "' is not an order reference",
            "give the reference of the order, e.g. XKBKNABJK");
}

namespace {

std::string size_text(std::size_t bytes) {
    if (bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
    if (bytes % 1024 == 0) return std::to_string(bytes >> 10) + " KiB";
    return std::to_string(bytes) + " bytes";
}

}  // namespace

std::string read_message(std::istream& in, const std::string& source, std::size_t limit) {
    std::string text;
    char buffer[65536];
    while (in) {
        std::size_t want = std::min(sizeof buffer, limit + 1 - text.size());
        in.read(buffer, static_cast<std::streamsize>(want));
        text.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (text.size() > limit)
            throw Error(
                ErrorKind::usage,
                "--message-file " + source + ": the description is larger than " + size_text(limit),
                "give a shorter description; attach logs with --bundle instead");
    }
    if (in.bad())
        throw Error(ErrorKind::usage, "--message-file " + source + ": cannot read it",
                    "check the file");
    return text;
}

std::string read_message_file(const std::string& path, std::size_t limit) {
    std::error_code ec;
    auto status = fs::status(path, ec);
    if (ec || !fs::exists(status))
        throw Error(ErrorKind::usage,
                    "--message-file " + path + ": " + (ec ? ec.message() : "no such file"),
                    "check the file name ('-' reads stdin)");
    if (fs::is_directory(status))
        throw Error(ErrorKind::usage, "--message-file " + path + " is a folder",
                    "give the file holding the description");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(ErrorKind::usage,
                    "--message-file " + path + ": cannot open it (" + std::strerror(errno) + ")",
                    "check the file's permissions");
    return read_message(in, path, limit);
}

std::string ticket_subject(const Ticket& t) {
    return "[" + t.order_reference + "] " + t.module + ": " + t.summary;
}

std::string ticket_body(const Ticket& t) {
    std::string out;
    out += ticket_subject(t) + "\n\n";
    out += "Order reference: " + t.order_reference + "\n";
    out += "Module: " + t.module + "\n";
    out += "Customer e-mail: " + t.customer_email + "\n";
    out += "Store URL: " + t.store_url + "\n";
    out += "Back-office URL: " + t.admin_url + "\n";
    out += std::string("Back-office credentials: ") + access_text(t.admin_access) + "\n";
    out += std::string("FTP/SFTP access: ") + access_text(t.files_access) + "\n";
    if (t.attachment)
        out += "Attachment: " + t.attachment->filename + " (" + std::to_string(t.attachment->size) +
               " bytes, sha256 " + t.attachment->sha256 + ")\n";
    out += "\nDescription:\n" + t.message;
    if (!t.message.empty() && t.message.back() != '\n') out += "\n";
    return out;
}

bool looks_like_customisation(const std::string& summary) {
    static const char* const words[] = {"customis",
                                        "customiz",
                                        "custom feature",
                                        "new feature",
                                        "feature request",
                                        "add a feature",
                                        "add an option",
                                        "add feature",
                                        "could you add",
                                        "can you add",
                                        "please add",
                                        "would like to add",
                                        "modify the module to",
                                        "change the design",
                                        "personnalis",
                                        "nouvelle fonctionnalit",
                                        "ajouter une",
                                        "sur mesure",
                                        "développement spécifique",
                                        "developpement specifique"};
    std::string l = to_lower(summary);
    for (const char* w : words)
        if (l.find(w) != std::string::npos) return true;
    return false;
}

Attachment describe_attachment(const std::string& path) {
    std::error_code ec;
    auto status = fs::symlink_status(path, ec);
    if (ec || !fs::exists(status))
        throw Error(ErrorKind::usage, "--bundle " + path + ": no such file",
                    "give the path of an existing .zip bundle");
    if (!fs::is_regular_file(status))
        throw Error(ErrorKind::usage, "--bundle " + path + ": not a regular file",
                    "give the path of a .zip bundle");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(ErrorKind::usage, "--bundle " + path + ": cannot read it",
                    "check its permissions");
    Sha256 hash;
    std::uintmax_t size = 0;
    char buffer[65536];
    while (in) {
        in.read(buffer, sizeof buffer);
        std::streamsize n = in.gcount();
        if (n <= 0) break;
        hash.update(buffer, static_cast<std::size_t>(n));
        size += static_cast<std::uintmax_t>(n);
    }
    if (in.bad())
        throw Error(ErrorKind::usage, "--bundle " + path + ": read error", "check the file");
    return Attachment{path, fs::path(path).filename().string(), size, hash.hex_digest()};
}

nlohmann::json ticket_json(const Ticket& t) {
    nlohmann::json doc = {{"order_reference", t.order_reference},
                          {"module", t.module},
                          {"summary", t.summary},
                          {"subject", ticket_subject(t)},
                          {"customer_email", t.customer_email},
                          {"store_url", t.store_url},
                          {"admin_url", t.admin_url},
                          {"admin_access", access_name(t.admin_access)},
                          {"files_access", access_name(t.files_access)},
                          {"sftp_access", access_name(t.files_access)},  // its old name
                          {"message", t.message},
                          {"body", ticket_body(t)}};
    if (t.attachment)
        doc["attachment"] = {{"path", t.attachment->path},
                             {"filename", t.attachment->filename},
                             {"size", t.attachment->size},
                             {"sha256", t.attachment->sha256}};
    else
        doc["attachment"] = nullptr;
    return doc;
}

}  // namespace mps
