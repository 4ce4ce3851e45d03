#pragma once
// The thin logging seam of core: forwards to spdlog's default logger, which cmd/main.cpp
// configures (stderr, -v levels, --log-file). Tests leave it at its default or silence it.
#include <spdlog/spdlog.h>

namespace mps::log {

template <typename... Args>
void debug(fmt::format_string<Args...> format, Args&&... args) {
    spdlog::debug(format, std::forward<Args>(args)...);
}
template <typename... Args>
void info(fmt::format_string<Args...> format, Args&&... args) {
    spdlog::info(format, std::forward<Args>(args)...);
}
template <typename... Args>
void warn(fmt::format_string<Args...> format, Args&&... args) {
    spdlog::warn(format, std::forward<Args>(args)...);
}

}  // namespace mps::log
