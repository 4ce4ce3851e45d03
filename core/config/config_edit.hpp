#pragma once
// `config set`: one key of the TOML file changed in place, its comments and layout kept
// (toml++ cannot write a file back with its comments, so this edits the text).
#include <filesystem>
#include <string>

#include "config/config.hpp"

namespace mps {

// toml_value_for: the TOML text for `value` given as typed on a command line, shaped like
// the key's current value in `config` (a string quoted, "a,b" or "[...]" for a list,
// numbers and booleans as they are). Error(usage) for a key the configuration does not know.
std::string toml_value_for(const Config& config, const std::string& dotted_key,
                           const std::string& value);

// set_toml_key: `text` with `key = value_toml` in table `table` (replacing the key's line,
// or added at the end of the table, or in a new table at the end of the file).
std::string set_toml_key(const std::string& text, const std::string& table, const std::string& key,
                         const std::string& value_toml);

// set_config_value: change `dotted_key` in the file `path` (created when missing). The new
// text is validated by load_config before it replaces the file atomically (mode 0600), so a
// bad value leaves the file as it was: Error(usage) naming the key.
void set_config_value(const std::filesystem::path& path, const Config& config,
                      const std::string& dotted_key, const std::string& value);

// toml_string: `value` as a TOML basic string: quotes and backslashes escaped, control
// characters as \n, \t or \uXXXX (what `config show` and `config set` write).
std::string toml_string(const std::string& value);

}  // namespace mps
