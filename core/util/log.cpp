#include "util/log.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <filesystem>

#include "util/error.hpp"

namespace mps::log {
namespace {

spdlog::level::level_enum spdlog_level(Level level) {
    switch (level) {
        case Level::debug:
            return spdlog::level::debug;
        case Level::info:
            return spdlog::level::info;
        case Level::warn:
            return spdlog::level::warn;
        case Level::error:
            return spdlog::level::err;
        case Level::off:
            return spdlog::level::off;
    }
    return spdlog::level::err;
}

}  // namespace

bool enabled(Level level) {
    return spdlog::default_logger_raw()->should_log(spdlog_level(level));
}

void write(Level level, fmt::string_view format, fmt::format_args args) {
    std::string message = fmt::vformat(format, args);
    spdlog::default_logger_raw()->log(spdlog_level(level), spdlog::string_view_t(message));
}

void set_minimum(Level level) {
    spdlog::set_level(spdlog_level(level));
}

void start(const Settings& settings) {
    auto console = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    console->set_pattern("mpsupport: %l: %v");
    spdlog::level::level_enum level = spdlog::level::warn;
    if (settings.quiet) level = spdlog::level::err;
    if (settings.verbosity == 1) level = spdlog::level::info;
    if (settings.verbosity >= 2) level = spdlog::level::debug;
    console->set_level(level);
    std::vector<spdlog::sink_ptr> sinks{console};
    if (!settings.log_file.empty()) {
        std::filesystem::path parent = std::filesystem::path(settings.log_file).parent_path();
        std::error_code ec;
        if (!parent.empty() && !std::filesystem::is_directory(parent, ec))
            throw Error(
                ErrorKind::usage,
                "cannot open log file " + settings.log_file + ": no folder " + parent.string(),
                "give --log-file a path in an existing folder");
        try {
            auto file = std::make_shared<spdlog::sinks::basic_file_sink_mt>(settings.log_file);
            file->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
            file->set_level(spdlog::level::debug);
            sinks.push_back(file);
        } catch (const spdlog::spdlog_ex& e) {
            throw Error(ErrorKind::usage,
                        "cannot open log file " + settings.log_file + ": " + e.what(),
                        "give --log-file a writable path");
        }
    }
    auto logger = std::make_shared<spdlog::logger>("mpsupport", sinks.begin(), sinks.end());
    logger->set_level(settings.log_file.empty() ? level : spdlog::level::debug);
    logger->flush_on(spdlog::level::debug);
    spdlog::set_default_logger(logger);
}

}  // namespace mps::log
