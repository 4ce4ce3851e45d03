#include "util/paths.hpp"

#include "util/error.hpp"

namespace fs = std::filesystem;

namespace mps {
namespace {

fs::path xdg_base(const Environment& env, const char* variable, const char* home_suffix) {
    if (auto value = env.get(variable); value && fs::path(*value).is_absolute()) return *value;
    auto home = env.get("HOME");
    if (!home)
        throw Error(ErrorKind::usage, std::string("neither ") + variable + " nor HOME is set",
                    std::string("set ") + variable + " or HOME to an absolute folder");
    return fs::path(*home) / home_suffix;
}

}  // namespace

Paths resolve_paths(const Environment& env, const std::optional<fs::path>& config_flag) {
    Paths paths;
    if (config_flag) {
        paths.config_file = *config_flag;
        paths.config_explicit = true;
    } else if (auto from_env = env.get("MPSUPPORT_CONFIG")) {
        paths.config_file = *from_env;
        paths.config_explicit = true;
    } else {
        paths.config_file =
            xdg_base(env, "XDG_CONFIG_HOME", ".config") / "mpsupport" / "config.toml";
    }
    paths.data_dir = xdg_base(env, "XDG_DATA_HOME", ".local/share") / "mpsupport";
    return paths;
}

}  // namespace mps
