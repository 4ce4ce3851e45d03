#pragma once
// The command line in process: what main() runs with the process's streams and terminal, and
// what tests run with string streams and a terminal of their choice (no binary spawned).
#include <string>
#include <vector>

#include "context.hpp"

namespace mpscli {

// run_cli: parse `args` (the command line without the program name), run the one command it
// names with `ctx`, and return its exit code; every error is rendered through emit_error.
// Starts the process's logging (util/log.hpp) as the global flags ask.
int run_cli(Context& ctx, const std::vector<std::string>& args);

}  // namespace mpscli
