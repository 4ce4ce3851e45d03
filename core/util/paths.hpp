#pragma once
// Where mpsupport keeps its configuration and data (XDG base directories, SPEC.md).
#include <filesystem>
#include <optional>

#include "util/environment.hpp"

namespace mps {

struct Paths {
    std::filesystem::path config_file;  // the config file in use (may not exist)
    bool config_explicit = false;       // named by --config or $MPSUPPORT_CONFIG: must exist
    std::filesystem::path data_dir;     // $XDG_DATA_HOME/mpsupport
    std::filesystem::path pristine_dir() const { return data_dir / "pristine"; }
    std::filesystem::path ledger_file() const { return data_dir / "ledger.sqlite"; }
};

// resolve_paths: --config (`config_flag`), else $MPSUPPORT_CONFIG, else
// $XDG_CONFIG_HOME/mpsupport/config.toml (~/.config/...); data in $XDG_DATA_HOME/mpsupport
// (~/.local/share/mpsupport). Throws Error(usage) when neither XDG nor HOME is set.
Paths resolve_paths(const Environment& env,
                    const std::optional<std::filesystem::path>& config_flag);

}  // namespace mps
