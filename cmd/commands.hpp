#pragma once
// The command table: each subcommand file registers its flags on the CLI11 app and, when
// chosen, leaves the work to run in `action` (run after parsing, once logging is set up).
#include <functional>
#include <string>
#include <vector>

#include "context.hpp"

namespace CLI {
class App;
}

namespace mpscli {

using Action = std::function<int()>;

// CommandInfo: a command's name (for "did you mean") and the function that registers it; its
// description and flags live in its own file.
struct CommandInfo {
    const char* name;
    void (*add)(CLI::App& app, Context& ctx, Action& action);
};

void add_pristine_command(CLI::App& app, Context& ctx, Action& action);
void add_verify_command(CLI::App& app, Context& ctx, Action& action);
void add_diagnose_command(CLI::App& app, Context& ctx, Action& action);
void add_config_command(CLI::App& app, Context& ctx, Action& action);
void add_completion_command(CLI::App& app, Context& ctx, Action& action);
void add_expiry_command(CLI::App& app, Context& ctx, Action& action);
void add_remind_command(CLI::App& app, Context& ctx, Action& action);
void add_orders_command(CLI::App& app, Context& ctx, Action& action);
void add_ticket_command(CLI::App& app, Context& ctx, Action& action);
void add_ledger_command(CLI::App& app, Context& ctx, Action& action);

// commands: every registered command, in help order.
const std::vector<CommandInfo>& commands();

}  // namespace mpscli
