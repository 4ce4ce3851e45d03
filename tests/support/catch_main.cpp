#define CATCH_CONFIG_RUNNER
#include <spdlog/spdlog.h>
#include <catch2/catch.hpp>

int main(int argc, char** argv) {
    // Core logs warnings for the user; tests assert on results, not on log lines.
    spdlog::set_level(spdlog::level::err);
    return Catch::Session().run(argc, argv);
}
