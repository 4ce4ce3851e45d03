#pragma once
// The thin logging seam of core and cmd: messages are formatted with fmt and written by spdlog
// to stderr (-v levels) and --log-file. Both libraries are compiled into the binary (no C++
// shared library to load at start-up), each once: fmt in util/fmt_instances.cpp, spdlog only in
// util/log.cpp; this header needs fmt's light core.h only.
#include <fmt/core.h>

#include <string>

namespace mps::log {

enum class Level { debug, info, warn, error, off };

// enabled: whether a message of `level` is written anywhere (so that it is not formatted
// for nothing).
bool enabled(Level level);
void write(Level level, fmt::string_view format, fmt::format_args args);

template <typename... Args>
void debug(fmt::format_string<Args...> format, Args&&... args) {
    if (enabled(Level::debug)) write(Level::debug, format, fmt::make_format_args(args...));
}
template <typename... Args>
void info(fmt::format_string<Args...> format, Args&&... args) {
    if (enabled(Level::info)) write(Level::info, format, fmt::make_format_args(args...));
}
template <typename... Args>
void warn(fmt::format_string<Args...> format, Args&&... args) {
    if (enabled(Level::warn)) write(Level::warn, format, fmt::make_format_args(args...));
}

struct Settings {
    bool quiet = false;    // errors only
    int verbosity = 0;     // 0 warnings, 1 info, 2 debug
    std::string log_file;  // everything down to debug, with time stamps; empty: none
};

// set_minimum: messages below `level` are dropped (tests keep errors only; fuzz targets none).
void set_minimum(Level level);

// start: sends messages to stderr ("mpsupport: LEVEL: message") at the level the settings
// choose, and to the log file when one is given. Throws Error (usage) naming the file when it
// cannot be opened.
void start(const Settings& settings);

}  // namespace mps::log
