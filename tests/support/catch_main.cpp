#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "util/log.hpp"

int main(int argc, char** argv) {
    // Core logs warnings for the user; tests assert on results, not on log lines.
    mps::log::set_minimum(mps::log::Level::error);
    return Catch::Session().run(argc, argv);
}
