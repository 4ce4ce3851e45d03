// mpsupport pristine add|list|show: the local store of pristine module releases (keygen, sign,
// fetch and import-core are in cmd_pristine_trust.cpp).
#include <CLI/CLI.hpp>

#include <ostream>

#include "commands.hpp"
#include "integrity/pristine_store.hpp"
#include "pristine_fetch.hpp"
#include "render.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

namespace mpscli {
namespace {

struct AddFlags {
    std::string source;
    mps::AddOptions options;
};

std::string human_size(std::uint64_t bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB"};
    double value = static_cast<double>(bytes);
    int unit = 0;
    while (value >= 1024 && unit < 3) value /= 1024, ++unit;
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, unit ? "%.1f %s" : "%.0f %s", value, units[unit]);
    return buffer;
}

nlohmann::json summary_json(const mps::Manifest& m) {
    return {{"module", m.module},       {"version", m.version}, {"files", m.files.size()},
            {"bytes", m.total_bytes()}, {"digest", m.digest},   {"source", m.source},
            {"added_at", m.added_at}};
}

int run_add(Context& ctx, AddFlags& flags) {
    mps::PristineStore store(ctx.paths().pristine_dir());
    flags.options.now = ctx.now();
    flags.options.confirm_replace = [&ctx](const mps::Manifest& stored,
                                           const mps::Manifest& incoming) {
        return ctx.confirm("A different release of " + stored.module + " " + stored.version +
                           " is stored (" + std::to_string(stored.files.size()) + " files, from " +
                           stored.source + "; new: " + std::to_string(incoming.files.size()) +
                           " files). Replace it?");
    };
    mps::AddResult result = store.add(flags.source, flags.options);
    const auto& m = result.manifest;
    const char* outcome = result.outcome == mps::AddOutcome::added      ? "added"
                          : result.outcome == mps::AddOutcome::replaced ? "replaced"
                                                                        : "already-present";
    if (ctx.globals.json) {
        nlohmann::json doc = {{"schema", "mpsupport.pristine/1"},
                              {"action", "add"},
                              {"outcome", outcome},
                              {"release", summary_json(m)},
                              {"new_objects", result.new_objects}};
        return emit_json(ctx, doc);
    }
    if (result.outcome == mps::AddOutcome::already_present) {
        ctx.out << m.module << " " << m.version
                << " is already stored (identical release); nothing changed\n";
    } else {
        ctx.out << outcome << " " << m.module << " " << m.version << ": " << m.files.size()
                << " files, " << human_size(m.total_bytes()) << " (" << result.new_objects
                << " new contents)\n";
    }
    return 0;
}

int run_list(Context& ctx, const std::string& module) {
    mps::PristineStore store(ctx.paths().pristine_dir());
    auto releases = store.list();
    if (!module.empty())
        std::erase_if(releases, [&](const mps::Manifest& m) { return m.module != module; });
    if (ctx.globals.json) {
        nlohmann::json items = nlohmann::json::array();
        for (const auto& m : releases) items.push_back(summary_json(m));
        return emit_json(
            ctx, {{"schema", "mpsupport.pristine/1"}, {"action", "list"}, {"releases", items}});
    }
    if (releases.empty()) {
        if (!ctx.globals.quiet)
            ctx.err << "no pristine releases stored" << (module.empty() ? "" : " for " + module)
                    << "; add one with 'mpsupport pristine add RELEASE.zip'\n";
        return 0;
    }
    for (const auto& m : releases) {
        char line[256];
        std::snprintf(line, sizeof line, "%-32s %-14s %6zu files %10s  %s", m.module.c_str(),
                      m.version.c_str(), m.files.size(), human_size(m.total_bytes()).c_str(),
                      m.added_at.c_str());
        ctx.out << line << "\n";
    }
    return 0;
}

int run_show(Context& ctx, const std::string& module, const std::string& version) {
    mps::PristineStore store(ctx.paths().pristine_dir());
    auto m = store.load(module, version);
    if (!m) {
        auto known = store.versions(module);
        std::string hint = "add it with 'mpsupport pristine add RELEASE.zip'";
        if (!known.empty()) {
            hint += "; stored versions of " + module + ":";
            for (const auto& v : known) hint += " " + v;
        }
        throw mps::Error(mps::ErrorKind::not_found,
                         "no pristine release of " + module + " " + version + " is stored", hint);
    }
    if (ctx.globals.json) {
        nlohmann::json files = nlohmann::json::array();
        for (const auto& f : m->files)
            files.push_back({{"path", f.path}, {"sha256", f.sha256}, {"size", f.size}});
        nlohmann::json doc = {
            {"schema", "mpsupport.pristine/1"}, {"action", "show"}, {"release", summary_json(*m)}};
        doc["release"]["files_list"] = files;
        return emit_json(ctx, doc);
    }
    ctx.out << m->module << " " << m->version << "\n"
            << "  source:   " << m->source << "\n"
            << "  added:    " << m->added_at << "\n"
            << "  digest:   " << m->digest << "\n"
            << "  files:    " << m->files.size() << " (" << human_size(m->total_bytes()) << ")\n\n";
    for (const auto& f : m->files) {
        char line[64];
        std::snprintf(line, sizeof line, "  %s %10s  ", f.sha256.substr(0, 12).c_str(),
                      human_size(f.size).c_str());
        ctx.out << line << mps::printable(f.path) << "\n";
    }
    return 0;
}

}  // namespace

void add_pristine_command(CLI::App& app, Context& ctx, Action& action) {
    auto* pristine = app.add_subcommand("pristine", "Store and inspect pristine module releases");
    pristine->require_subcommand(1, 1);

    auto add = std::make_shared<AddFlags>();
    auto* add_cmd = pristine->add_subcommand("add", "Store a release (.zip or unpacked folder)");
    add_cmd->add_option("SOURCE", add->source, "Release .zip or module folder")->required();
    add_cmd->add_option("--module", add->options.module, "Module name (default: detected)");
    add_cmd->add_option("--version", add->options.version, "Release version (default: detected)");
    add_cmd->add_flag("--replace", add->options.replace,
                      "Replace a different release stored under the same version");
    add_cmd->final_callback(
        [&ctx, &action, add] { action = [&ctx, add] { return run_add(ctx, *add); }; });

    auto list_module = std::make_shared<std::string>();
    auto* list_cmd = pristine->add_subcommand("list", "List stored releases");
    list_cmd->add_option("MODULE", *list_module, "Only this module");
    list_cmd->final_callback([&ctx, &action, list_module] {
        action = [&ctx, list_module] { return run_list(ctx, *list_module); };
    });

    auto show = std::make_shared<std::pair<std::string, std::string>>();
    auto* show_cmd = pristine->add_subcommand("show", "Show one stored release and its files");
    show_cmd->add_option("MODULE", show->first, "Module name")->required();
    show_cmd->add_option("VERSION", show->second, "Version")->required();
    show_cmd->final_callback([&ctx, &action, show] {
        action = [&ctx, show] { return run_show(ctx, show->first, show->second); };
    });

    add_pristine_trust_commands(*pristine, ctx, action);
}

}  // namespace mpscli
