#include "render.hpp"

#include <algorithm>
#include <cmath>
#include <ostream>

#include "jq_filter.hpp"
#include "util/text.hpp"

namespace mpscli {
namespace {

const char* mark(mps::Status status) {
    switch (status) {
        case mps::Status::pass:
            return "✓";
        case mps::Status::info:
            return "i";
        case mps::Status::warn:
            return "!";
        case mps::Status::fail:
            return "✗";
        case mps::Status::skip:
            return "-";
    }
    return "?";
}

const char* status_color(mps::Status status) {
    switch (status) {
        case mps::Status::pass:
            return "green";
        case mps::Status::warn:
            return "yellow";
        case mps::Status::fail:
            return "red";
        default:
            return "dim";
    }
}

std::string pad(std::string text, std::size_t width) {
    if (text.size() < width) text.append(width - text.size(), ' ');
    return text;
}

// print_file_verdicts: the per-file lines of an integrity report ("files" in the body).
void print_file_verdicts(Context& ctx, const nlohmann::json& files) {
    if (!files.is_array() || files.empty()) return;
    bool any_shown = !ctx.globals.quiet;
    for (const auto& file : files) any_shown = any_shown || file.value("voids", false);
    if (!any_shown) return;
    ctx.out << "\n";
    // Files that void support first: they are what the reader must act on.
    std::vector<const nlohmann::json*> ordered;
    for (const auto& file : files) ordered.push_back(&file);
    std::stable_sort(ordered.begin(), ordered.end(), [](const auto* a, const auto* b) {
        return a->value("voids", false) && !b->value("voids", false);
    });
    for (const auto* entry : ordered) {
        const auto& file = *entry;
        bool voids = file.value("voids", false);
        if (ctx.globals.quiet && !voids) continue;
        std::string cls = file.value("class", "");
        // Names, notes and diffs come from the shop's files: never let them drive the terminal.
        std::string line = "  " +
                           paint(ctx, pad(mps::printable(cls), 16),
                                 voids ? "red" : (cls == "added" ? "yellow" : "dim")) +
                           mps::printable(file.value("path", ""));
        if (file.contains("changed_ratio"))
            line +=
                "  (" + mps::percent(file["changed_ratio"].get<double>()) + " of lines changed)";
        if (file.contains("note"))
            line += "  [" + mps::printable(file["note"].get<std::string>()) + "]";
        ctx.out << line << "\n";
        if (file.contains("rule"))
            ctx.out << "  " << pad("", 16)
                    << paint(ctx, mps::printable(file["rule"].get<std::string>()), "dim") << "\n";
        if (file.contains("diff"))
            ctx.out << mps::printable_multiline(file["diff"].get<std::string>());
    }
}

}  // namespace

int exit_code_for(mps::ErrorKind kind) {
    switch (kind) {
        case mps::ErrorKind::internal:
            return 1;
        case mps::ErrorKind::usage:
            return 2;
        case mps::ErrorKind::finding:
            return 3;
        case mps::ErrorKind::unreachable:
            return 4;
        case mps::ErrorKind::auth:
            return 5;
        case mps::ErrorKind::not_found:
            return 6;
    }
    return 1;
}

int report_exit_code(const mps::Report& report) {
    auto outcome = mps::deciding_outcome(report.checks);
    return outcome ? exit_code_for(*outcome) : 0;
}

std::string paint(const Context& ctx, const std::string& text, const char* color) {
    if (!ctx.color()) return text;
    std::string code = "0";
    std::string name = color;
    if (name == "green")
        code = "32";
    else if (name == "yellow")
        code = "33";
    else if (name == "red")
        code = "31";
    else if (name == "dim")
        code = "2";
    else if (name == "bold")
        code = "1";
    return "\033[" + code + "m" + text + "\033[0m";
}

int emit_json(Context& ctx, nlohmann::json document, int exit_code) {
    // "schema" first and "exit_code" last read best; the rest keeps its order.
    nlohmann::ordered_json ordered;
    if (document.contains("schema")) ordered["schema"] = document["schema"];
    for (auto& [key, value] : document.items())
        if (key != "schema" && key != "checks" && key != "verdict") ordered[key] = value;
    if (document.contains("checks")) ordered["checks"] = document["checks"];
    if (document.contains("verdict")) ordered["verdict"] = document["verdict"];
    ordered["exit_code"] = exit_code;
    // Names from servers may not be UTF-8: replace bad bytes rather than fail the whole report.
    std::string text =
        ordered.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    if (ctx.globals.jq.empty()) {
        ctx.out << text << "\n";
        return exit_code;
    }
    // --jq: every JSON document of every command is filtered here, in one place. A filter that
    // fails on this document is a usage error, unless the command already has its own code.
    std::string filtered;
    try {
        filtered = apply_jq(ctx.globals.jq, text);
    } catch (const mps::Error& e) {
        print_error(ctx, e);
        return exit_code != 0 ? exit_code : exit_code_for(e.kind());
    }
    // Raw strings may quote servers and file names: never let them drive a terminal.
    ctx.out << (ctx.terminal().stdout_tty ? mps::printable_multiline(filtered) : filtered);
    return exit_code;
}

int emit_report(Context& ctx, const mps::Report& report) {
    int code = report_exit_code(report);
    if (ctx.globals.json) {
        nlohmann::json doc = {{"schema", report.schema}};
        for (auto& [key, value] : report.body.items()) doc[key] = value;
        nlohmann::json checks = nlohmann::json::array();
        for (const auto& check : report.checks)
            checks.push_back({{"id", check.id},
                              {"status", mps::status_name(check.status)},
                              {"message", check.message},
                              {"hint", check.hint},
                              {"data", check.data}});
        doc["checks"] = checks;
        doc["verdict"] = report.verdict;
        return emit_json(ctx, doc, code);
    }
    // Every text below may quote servers, pages or file names: printable() escapes control
    // characters and bad UTF-8 so that nothing can fake a line or drive the terminal.
    if (!ctx.globals.quiet) ctx.out << paint(ctx, mps::printable(report.title), "bold") << "\n";
    std::size_t width = 0;
    for (const auto& check : report.checks) width = std::max(width, check.id.size());
    for (const auto& check : report.checks) {
        bool notable = check.status == mps::Status::fail || check.status == mps::Status::warn;
        if (ctx.globals.quiet && !notable) continue;
        ctx.out << "  " << paint(ctx, mark(check.status), status_color(check.status)) << " "
                << pad(check.id, width + 2) << mps::printable(check.message) << "\n";
        if (!check.hint.empty())
            ctx.out << "    " << pad("", width + 2) << "→ " << mps::printable(check.hint) << "\n";
    }
    if (report.body.contains("files")) print_file_verdicts(ctx, report.body["files"]);
    if (report.body.contains("module_files"))
        for (const auto& module : report.body["module_files"]) {
            if (!module.contains("files") || module["files"].empty()) continue;
            if (!ctx.globals.quiet)
                ctx.out << "\n"
                        << paint(ctx,
                                 mps::printable(module.value("module", "") + " " +
                                                module.value("version", "")),
                                 "bold");
            print_file_verdicts(ctx, module["files"]);
        }
    if (!report.details.empty()) ctx.out << "\n";
    for (const auto& line : report.details) ctx.out << mps::printable(line) << "\n";
    const char* verdict_color = code == 0 ? "green" : "red";
    ctx.out << "\n"
            << paint(ctx, "Verdict: " + mps::printable(report.verdict), verdict_color) << "\n";
    return code;
}

int emit_error(Context& ctx, const mps::Error& error) {
    int code = exit_code_for(error.kind());
    // With --jq an error is text on stderr (like gh): a filter written for the command's document
    // would only turn the error document into nulls.
    if (ctx.globals.json && ctx.globals.jq.empty()) {
        nlohmann::json doc = {{"schema", "mpsupport.error/1"},
                              {"error",
                               {{"code", code},
                                {"kind", mps::kind_name(error.kind())},
                                {"message", error.what()},
                                {"hint", error.hint()}}}};
        return emit_json(ctx, doc, code);
    }
    print_error(ctx, error);
    return code;
}

void print_error(Context& ctx, const mps::Error& error) {
    ctx.err << "mpsupport: error: " << mps::printable(error.what()) << "\n";
    if (!error.hint().empty()) ctx.err << "  hint: " << mps::printable(error.hint()) << "\n";
}

}  // namespace mpscli
