// mpsupport verify DIR: binds flags, runs mps::verify_local, renders the report.
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "integrity/verify.hpp"
#include "render.hpp"
#include "util/parallel.hpp"

namespace mpscli {

void add_verify_command(CLI::App& app, Context& ctx, Action& action) {
    auto options = std::make_shared<mps::VerifyRequest>();
    auto* sub = app.add_subcommand("verify", "Compare an installed module with its pristine release");
    sub->add_option("DIR", options->target, "Installed module folder, or shop root with --module")->required();
    sub->add_option("--module", options->module, "Module name (needed when DIR is a shop root)");
    sub->add_option("--version", options->version, "Compare with this release instead of the installed version");
    sub->add_flag("--diff", options->want_diffs, "Print unified diffs of changed text files");
    sub->add_flag("--strict", options->strict, "Any difference from the release is a finding (exit 3)");
    sub->final_callback([&ctx, &action, options] {
        action = [&ctx, options] {
            options->threads = mps::default_thread_count();
            mps::PristineStore store(ctx.paths().pristine_dir());
            return emit_report(ctx, mps::verify_local(*options, store, ctx.config().policy));
        };
    });
}

}  // namespace mpscli
