// run_cli: parses global flags, configures logging, dispatches to one subcommand and turns
// every error into its documented exit code (SPEC.md "Exit codes").
#include <CLI/CLI.hpp>

#include "cli.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "help.hpp"
#include "jq_filter.hpp"
#include "render.hpp"
#include "util/error.hpp"
#include "util/library_versions.hpp"
#include "util/log.hpp"

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
        {"completion", add_completion_command}, {"ledger", add_ledger_command},
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
    std::size_t at = command_index(args);
    if (at < args.size()) {
        const std::string& arg = args[at];
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

int version(Context& ctx) {
    if (!ctx.globals.json) {
        ctx.out << "mpsupport " << MPSUPPORT_VERSION << "\n";
        return 0;
    }
    nlohmann::json libraries = nlohmann::json::object();
    for (const auto& [name, version] : mps::library_versions()) libraries[name] = version;
    return emit_json(ctx, {{"schema", "mpsupport.version/1"},
                           {"version", MPSUPPORT_VERSION},
                           {"libraries", libraries}});
}

}  // namespace

int run_cli(Context& ctx, const std::vector<std::string>& given) {
    // `help [COMMAND [SUB]]` is `[COMMAND [SUB]] --help`.
    const std::vector<std::string> args = rewrite_help(given);
    // JSON errors need --json known even when parsing fails.
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--json") ctx.globals.json = true;
        // --jq is known before parsing too: --version answers before the options are stored.
        if (arg == "--jq" && i + 1 < args.size()) ctx.globals.jq = args[i + 1];
        if (arg.rfind("--jq=", 0) == 0) ctx.globals.jq = arg.substr(5);
        if (!ctx.globals.jq.empty()) ctx.globals.json = true;
    }

    try {
        CLI::App app{"mpsupport: support toolkit for PrestaShop modules", "mpsupport"};
        app.formatter(help_formatter());
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
        app.add_option("--jq", g.jq,
                       "Filter the JSON document with a jq expression (implies --json; strings "
                       "printed raw)");

        Action action;
        // Only the command named on the line is registered: all of them cost every start-up
        // ~2.5 M instructions (`expiry REF` <= 20 ms). With no command, all are (the usage).
        const std::size_t named = command_index(args);
        for (const auto& command : commands())
            if (named == args.size() || args[named] == command.name) command.add(app, ctx, action);
        add_examples(app);

        bool asks_help = false;
        for (const auto& arg : args)
            asks_help = asks_help || arg == "--help" || arg == "-h" || arg == "--version";
        if (!asks_help) {
            // Bare `mpsupport` (global flags at most): the usage on stderr, exit 2.
            if (named == args.size()) {
                if (ctx.globals.json)
                    throw mps::Error(mps::ErrorKind::usage, "no command given",
                                     "run 'mpsupport --help' for the list of commands");
                ctx.err << app.help();
                return 2;
            }
        }
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
            if (!g.jq.empty()) check_jq(g.jq);
            return version(ctx);
        } catch (const CLI::ParseError& e) {
            throw mps::Error(mps::ErrorKind::usage, e.what(),
                             "run 'mpsupport --help' or 'mpsupport COMMAND --help'");
        }
        // A bad --jq expression stops before the command does anything.
        if (!g.jq.empty()) {
            g.json = true;
            check_jq(g.jq);
        }
        mps::log::start({g.quiet, g.verbosity, g.log_file});
        if (g.insecure)
            mps::log::warn("--insecure: TLS certificates and host names are NOT verified");
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
