#include "ticket_input.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <istream>
#include <ostream>
#include <tuple>

#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/text.hpp"

namespace fs = std::filesystem;

namespace mpscli {
namespace {

std::string ask_line(Context& ctx, const std::string& question) {
    ctx.err << question << ": " << std::flush;
    std::string answer;
    if (!std::getline(ctx.in, answer)) return "";
    return mps::trim(answer);
}

std::optional<mps::Access> ask_access(Context& ctx, const std::string& what) {
    while (true) {
        std::string a = ask_line(
            ctx, "Can you give " + what + " if support asks for it? (never typed here) [y/n]");
        if (a.empty()) return std::nullopt;
        if (a == "y" || a == "Y") return mps::Access::on_request;
        if (a == "n" || a == "N") return mps::Access::withheld;
        if (auto access = mps::parse_access(a)) return access;
    }
}

// edit_message: the description written in $VISUAL / $EDITOR on a temporary file; lines
// starting with '#' are dropped. Without an editor, lines read until an empty one.
std::string edit_message(Context& ctx, const mps::Ticket& ticket) {
    auto editor = ctx.env().get("VISUAL");
    if (!editor) editor = ctx.env().get("EDITOR");
    if (!editor) {
        ctx.err << "Describe the problem: error messages, the steps that lead to it, what changed "
                   "just before "
                   "(end with an empty line):\n";
        std::string text, line;
        while (std::getline(ctx.in, line) && !mps::trim(line).empty()) text += line + "\n";
        return mps::trim(text);
    }
    fs::path file =
        fs::temp_directory_path() / ("mpsupport-ticket-" + mps::unique_suffix() + ".txt");
    mps::write_file_atomic(
        file,
        "\n# Describe the problem for " + ticket.module + " (order " + ticket.order_reference +
            "): the error messages, the steps that lead to it,\n# and what changed just before it "
            "appeared. Lines starting with '#' are ignored; an empty text cancels.\n",
        0600);
    pid_t pid = fork();
    if (pid == 0) {
        std::string command = *editor + " \"$1\"";
        execl("/bin/sh", "sh", "-c", command.c_str(), "sh", file.c_str(),
              static_cast<char*>(nullptr));
        _exit(127);
    }
    int status = 0;
    if (pid > 0) waitpid(pid, &status, 0);
    std::string text;
    try {
        text = mps::read_file(file);
    } catch (const mps::Error&) {
    }
    std::error_code ec;
    fs::remove(file, ec);
    if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw mps::Error(mps::ErrorKind::usage, "the editor '" + *editor + "' failed",
                         "give the description with --message");
    std::string kept;
    for (auto line : mps::split_lines(text))
        if (line.empty() || line[0] != '#') kept += std::string(line) + "\n";
    return mps::trim(kept);
}

}  // namespace

mps::Ticket gather_ticket(
    Context& ctx, const TicketFlags& flags,
    const std::function<std::optional<std::string>(const mps::Ticket&)>& lookup_email) {
    mps::Ticket t;
    if (!flags.store.empty()) {
        const auto& store =
            mps::find_store(ctx.config(), flags.store, ctx.paths().config_file.string());
        t.store_url = store.url;
        t.admin_url = store.admin_url;
        t.order_reference = store.order;
        if (store.modules.size() == 1) t.module = store.modules.front();
    }
    if (!flags.order.empty()) t.order_reference = flags.order;
    if (!flags.module.empty()) t.module = flags.module;
    if (!flags.url.empty()) t.store_url = flags.url;
    if (!flags.admin.empty()) t.admin_url = flags.admin;
    t.summary = mps::trim(flags.summary);
    t.customer_email = flags.email;
    if (!flags.message.empty() && !flags.message_file.empty())
        throw mps::Error(mps::ErrorKind::usage, "--message and --message-file both given",
                         "give one of them");
    t.message = flags.message;
    if (!flags.message_file.empty())
        t.message = flags.message_file == "-" ? mps::read_message(ctx.in, "- (stdin)")
                                              : mps::read_message_file(flags.message_file);
    t.message = mps::trim(t.message);
    for (auto [text, access, flag] :
         {std::tuple{&flags.admin_access, &t.admin_access, "--admin-access"},
          std::tuple{&flags.files_access, &t.files_access, "--files-access"}}) {
        if (text->empty()) continue;
        auto parsed = mps::parse_access(*text);
        if (!parsed)
            throw mps::Error(mps::ErrorKind::usage,
                             std::string(flag) + " '" + *text + "' is not on-request or withheld",
                             std::string("say whether you can give it when support asks: ") + flag +
                                 " on-request, or " + flag + " withheld");
        *access = *parsed;
    }
    if (!flags.bundle.empty()) t.attachment = mps::describe_attachment(flags.bundle);

    bool prompt = ctx.can_prompt();
    if (prompt) {
        if (t.order_reference.empty()) t.order_reference = ask_line(ctx, "Order reference");
        if (t.module.empty())
            t.module = ask_line(ctx, "Module (technical name, e.g. ps_facetedsearch)");
    }
    if (t.customer_email.empty() && !t.order_reference.empty() && !t.module.empty())
        if (auto email = lookup_email(t)) t.customer_email = *email;
    if (prompt) {
        if (t.summary.empty()) t.summary = ask_line(ctx, "Summary (one line: what does not work?)");
        if (t.message.empty()) t.message = edit_message(ctx, t);
        if (t.customer_email.empty()) t.customer_email = ask_line(ctx, "Your e-mail address");
        if (t.store_url.empty()) t.store_url = ask_line(ctx, "Store URL (https://...)");
        if (t.admin_url.empty())
            t.admin_url = ask_line(ctx, "Back-office URL (https://.../admin...)");
        if (t.admin_access == mps::Access::unknown)
            t.admin_access =
                ask_access(ctx, "back-office credentials").value_or(mps::Access::unknown);
        if (t.files_access == mps::Access::unknown)
            t.files_access = ask_access(ctx, "FTP/SFTP access").value_or(mps::Access::unknown);
    }
    auto missing = mps::missing_items(t);
    if (!missing.empty()) {
        std::string flags_list, what;
        for (const auto& m : missing) {
            flags_list += (flags_list.empty() ? "" : ", ") + m.flag;
            what += (what.empty() ? "" : "; ") + m.flag + ": " + m.what;
        }
        throw mps::Error(mps::ErrorKind::usage, "the ticket lacks " + flags_list,
                         "give " + what + (prompt ? "" : " (or run on a terminal to be asked)"));
    }
    mps::validate_ticket(t);
    return t;
}

}  // namespace mpscli
