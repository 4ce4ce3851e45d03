#pragma once
// Help: `mpsupport help [COMMAND [SUB]]`, the global flags in every command's --help, and the
// examples at the end of each --help.
#include <memory>
#include <string>
#include <vector>

namespace CLI {
class App;
class FormatterBase;
}  // namespace CLI

namespace mpscli {

// help_formatter: CLI11's formatter, plus a "GLOBAL OPTIONS" group in every subcommand's help
// (the flags of the root app that apply everywhere). Set it on the root app before the
// subcommands are added: they inherit it.
std::shared_ptr<CLI::FormatterBase> help_formatter();

// add_examples: the EXAMPLES footer of each command's --help.
void add_examples(CLI::App& app);

// rewrite_help: `help [COMMAND [SUB]]` (after the global flags) as `[COMMAND [SUB]] --help`;
// other command lines as they are.
std::vector<std::string> rewrite_help(const std::vector<std::string>& args);

// command_index: the index in `args` of the command word (the first word that is neither a
// global flag nor its value), or args.size() when there is none.
std::size_t command_index(const std::vector<std::string>& args);

}  // namespace mpscli
