// mpsupport completion bash|zsh|fish: prints the completion scripts shipped in completions/
// (embedded at build time, so the binary alone is enough).
#include <CLI/CLI.hpp>

#include <ostream>

#include "commands.hpp"
#include "completion_scripts.hpp"

namespace mpscli {

void add_completion_command(CLI::App& app, Context& ctx, Action& action) {
    auto shell = std::make_shared<std::string>();
    auto* sub = app.add_subcommand("completion", "Print a shell completion script");
    sub->add_option("SHELL", *shell, "bash, zsh or fish")
        ->required()
        ->check(CLI::IsMember({"bash", "zsh", "fish"}));
    sub->final_callback([&ctx, &action, shell] {
        action = [&ctx, shell] {
            if (*shell == "bash")
                ctx.out << kBashCompletion;
            else if (*shell == "zsh")
                ctx.out << kZshCompletion;
            else
                ctx.out << kFishCompletion;
            return 0;
        };
    });
}

}  // namespace mpscli
