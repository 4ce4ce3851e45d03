// run_cli: parses global flags, configures logging, dispatches to one subcommand and turns
// every error into its documented exit code (SPEC.md "Exit codes").
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <filesystem>

#include "cli.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "render.hpp"
#include "util/error.hpp"

#ifndef MPSUPPORT_VERSION
#define MPSUPPORT_VERSION "0.0.0"
#endif

namespace mpscli {

const std::vector<CommandInfo>& commands() {
    static const std::vector<CommandInfo> table = {
        {"diagnose", add_diagnose_command},     {"verify", add_verify_command},
        {"pristine", add_pristine_command},     {"expiry", add_expiry_command},
        {"remind", add_remind_command},         {"orders", add_orders_command},
        {"ticket", add_ticket_command},         {"config", add_config_command},
        {"completion", add_completion_command},
    };
    return table;
}

namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t next =
                std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = row[j];
            row[j] = next;
        }
    }
    return row[b.size()];
}

// check_command_name: the first word that is not a global flag must be a command; say which
// one was meant ("did you mean ...?") rather than CLI11's generic message.
void check_command_name(const std::vector<std::string>& args) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--config" || arg == "--log-file" || arg == "--timeout") {
            ++i;
            continue;
        }
        if (!arg.empty() && arg[0] == '-') continue;
        for (const auto& command : commands())
            if (arg == command.name) return;
        std::string best;
        std::size_t best_distance = 3;
        for (const auto& command : commands()) {
            std::size_t d = edit_distance(arg, command.name);
            if (d < best_distance) best_distance = d, best = command.name;
        }
        throw mps::Error(mps::ErrorKind::usage, "unknown command '" + arg + "'",
                         best.empty() ? "run 'mpsupport --help' for the list of commands"
                                      : "did you mean 'mpsupport " + best + "'?");
    }
}

void configure_logging(const GlobalOptions& globals) {
    auto console = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    console->set_pattern("mpsupport: %l: %v");
    spdlog::level::level_enum level = spdlog::level::warn;
    if (globals.quiet) level = spdlog::level::err;
    if (globals.verbosity == 1) level = spdlog::level::info;
    if (globals.verbosity >= 2) level = spdlog::level::debug;
    console->set_level(level);
    std::vector<spdlog::sink_ptr> sinks{console};
    if (!globals.log_file.empty()) {
        std::filesystem::path parent = std::filesystem::path(globals.log_file).parent_path();
        std::error_code ec;
        if (!parent.empty() && !std::filesystem::is_directory(parent, ec))
            throw mps::Error(
                mps::ErrorKind::usage,
                "cannot open log file " + globals.log_file + ": no folder " + parent.string(),
                "give --log-file a path in an existing folder");
        try {
            auto file = std::make_shared<spdlog::sinks::basic_file_sink_mt>(globals.log_file);
            file->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
            file->set_level(spdlog::level::debug);
            sinks.push_back(file);
        } catch (const spdlog::spdlog_ex& e) {
            throw mps::Error(mps::ErrorKind::usage,
                             "cannot open log file " + globals.log_file + ": " + e.what(),
                             "give --log-file a writable path");
        }
    }
    auto logger = std::make_shared<spdlog::logger>("mpsupport", sinks.begin(), sinks.end());
    logger->set_level(globals.log_file.empty() ? level : spdlog::level::debug);
    logger->flush_on(spdlog::level::debug);
    spdlog::set_default_logger(logger);
}

}  // namespace

int run_cli(Context& ctx, const std::vector<std::string>& args) {
    // JSON errors need --json known even when parsing fails.
    for (const auto& arg : args)
        if (arg == "--json") ctx.globals.json = true;

    try {
        CLI::App app{"mpsupport: support toolkit for PrestaShop modules", "mpsupport"};
        app.set_version_flag("--version", MPSUPPORT_VERSION);
        app.fallthrough();
        app.require_subcommand(1, 1);
        GlobalOptions& g = ctx.globals;
        app.add_option("--config", g.config_path,
                       "Configuration file (default: $XDG_CONFIG_HOME/mpsupport/config.toml)");
        app.add_flag("--json", g.json, "Print one JSON document on stdout");
        app.add_flag("--no-color", g.no_color, "No colours (also NO_COLOR)");
        app.add_flag("-q,--quiet", g.quiet, "Print only problems and the verdict");
        app.add_flag("-v,--verbose", g.verbosity, "More log output on stderr (-vv: debug)");
        app.add_option("--log-file", g.log_file, "Also write the log (debug level) to this file");
        app.add_flag("--no-input", g.no_input, "Never prompt (also MPSUPPORT_NO_INPUT=1)");
        app.add_option("--timeout", g.timeout,
                       "Seconds to wait for a remote before giving up (default 30)")
            ->check(CLI::Range(1, 3600));
        app.add_flag("--insecure", g.insecure, "Do not verify TLS certificates (reported loudly)");

        Action action;
        for (const auto& command : commands()) command.add(app, ctx, action);

        if (!args.empty() && args[0] != "--help" && args[0] != "-h" && args[0] != "--version")
            check_command_name(args);
        try {
            std::vector<std::string> reversed(args.rbegin(), args.rend());
            app.parse(reversed);
        } catch (const CLI::CallForHelp&) {
            ctx.out << app.help();
            return 0;
        } catch (const CLI::CallForAllHelp&) {
            ctx.out << app.help("", CLI::AppFormatMode::All);
            return 0;
        } catch (const CLI::CallForVersion&) {
            ctx.out << "mpsupport " << MPSUPPORT_VERSION << "\n";
            return 0;
        } catch (const CLI::ParseError& e) {
            throw mps::Error(mps::ErrorKind::usage, e.what(),
                             "run 'mpsupport --help' or 'mpsupport COMMAND --help'");
        }
        configure_logging(g);
        if (g.insecure)
            spdlog::warn("--insecure: TLS certificates and host names are NOT verified");
        if (!action) throw mps::Error(mps::ErrorKind::internal, "no command selected");
        return action();
    } catch (const mps::Error& e) {
        return emit_error(ctx, e);
    } catch (const std::exception& e) {
        return emit_error(
            ctx,
            mps::Error(mps::ErrorKind::internal, std::string("internal error: ") + e.what(),
                       "this is a bug in mpsupport; please report it with the command you ran"));
    }
}

}  // namespace mpscli
