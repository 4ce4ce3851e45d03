// mpsupport config path|list|get|set|init: where the configuration is, what it says, and changing
// it.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <ostream>

#include "commands.hpp"
#include "config/config_edit.hpp"
#include "render.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace mpscli {
namespace {

int run_path(Context& ctx) {
    const auto& paths = ctx.paths();
    std::error_code ec;
    bool exists = std::filesystem::exists(paths.config_file, ec);
    if (ctx.globals.json)
        return emit_json(ctx, {{"schema", "mpsupport.config/1"},
                               {"config_file", paths.config_file.string()},
                               {"exists", exists},
                               {"data_dir", paths.data_dir.string()}});
    ctx.out << paths.config_file.string() << "\n";
    if (!exists && !ctx.globals.quiet)
        ctx.err << "(does not exist yet: 'mpsupport config init' creates it)\n";
    return 0;
}

int run_list(Context& ctx) {
    if (ctx.globals.json) {
        nlohmann::json values = nlohmann::json::object();
        for (const auto& [key, value] : mps::config_values(ctx.config())) values[key] = value;
        return emit_json(ctx, {{"schema", "mpsupport.config/1"}, {"values", values}});
    }
    for (const auto& [key, value] : mps::config_entries(ctx.config()))
        ctx.out << key << " = " << value << "\n";
    return 0;
}

int run_get(Context& ctx, const std::string& key) {
    for (const auto& [name, value] : mps::config_values(ctx.config())) {
        if (name != key) continue;
        // JSON: typed (strings, numbers, arrays); text: raw, for scripts: a string as it is, a
        // list one item per line.
        if (ctx.globals.json)
            return emit_json(ctx,
                             {{"schema", "mpsupport.config/1"}, {"key", key}, {"value", value}});
        auto raw = [](const nlohmann::json& item) {
            return item.is_string() ? item.get<std::string>() : item.dump();
        };
        if (value.is_array())
            for (const auto& item : value) ctx.out << raw(item) << "\n";
        else
            ctx.out << raw(value) << "\n";
        return 0;
    }
    throw mps::Error(mps::ErrorKind::usage, "unknown configuration key '" + key + "'",
                     "'mpsupport config list' shows every key");
}

int run_set(Context& ctx, const std::string& key, const std::string& value) {
    const auto& file = ctx.paths().config_file;
    mps::set_config_value(file, ctx.config(), key, value);
    mps::Config updated = mps::load_config(file, true);
    std::string rendered;
    for (const auto& [name, shown] : mps::config_entries(updated))
        if (name == key) rendered = shown;
    nlohmann::json typed;
    for (const auto& [name, value] : mps::config_values(updated))
        if (name == key) typed = value;
    if (ctx.globals.json)
        return emit_json(ctx, {{"schema", "mpsupport.config/1"},
                               {"key", key},
                               {"value", typed},
                               {"config_file", file.string()}});
    if (!ctx.globals.quiet) ctx.out << key << " = " << rendered << "  (" << file.string() << ")\n";
    return 0;
}

int run_init(Context& ctx, bool force) {
    const auto& file = ctx.paths().config_file;
    std::error_code ec;
    if (std::filesystem::exists(file, ec) && !force)
        throw mps::Error(mps::ErrorKind::usage, "config file " + file.string() + " already exists",
                         "edit it, or add --force to overwrite it with the defaults");
    if (file.has_parent_path()) mps::ensure_directory(file.parent_path());
    mps::write_file_atomic(file, mps::config_template(), 0600);
    if (ctx.globals.json)
        return emit_json(ctx, {{"schema", "mpsupport.config/1"}, {"created", file.string()}});
    ctx.out << "created " << file.string() << "\n";
    return 0;
}

}  // namespace

void add_config_command(CLI::App& app, Context& ctx, Action& action) {
    auto* config = app.add_subcommand("config", "Show, create and change the configuration file");
    config->require_subcommand(1, 1);
    config->add_subcommand("path", "Print the configuration file in use")
        ->final_callback([&ctx, &action] { action = [&ctx] { return run_path(ctx); }; });
    config->add_subcommand("list", "Print every effective setting")
        ->final_callback([&ctx, &action] { action = [&ctx] { return run_list(ctx); }; });
    auto key = std::make_shared<std::string>();
    auto* get = config->add_subcommand("get", "Print one setting");
    get->add_option("KEY", *key, "Dotted key, e.g. policy.major_rewrite_ratio")->required();
    get->final_callback(
        [&ctx, &action, key] { action = [&ctx, key] { return run_get(ctx, *key); }; });
    auto set_args = std::make_shared<std::pair<std::string, std::string>>();
    auto* set = config->add_subcommand(
        "set", "Change one setting in the configuration file (comments are kept)");
    set->add_option("KEY", set_args->first,
                    "Dotted key, e.g. vendor.support_email or stores.myshop.url")
        ->required();
    set->add_option("VALUE", set_args->second, "New value (lists: a,b,c)")->required();
    set->final_callback([&ctx, &action, set_args] {
        action = [&ctx, set_args] { return run_set(ctx, set_args->first, set_args->second); };
    });
    auto force = std::make_shared<bool>(false);
    auto* init =
        config->add_subcommand("init", "Write a commented configuration file with the defaults");
    init->add_flag("--force", *force, "Overwrite an existing file");
    init->final_callback(
        [&ctx, &action, force] { action = [&ctx, force] { return run_init(ctx, *force); }; });
}

}  // namespace mpscli
