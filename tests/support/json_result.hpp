#pragma once
// json_of: the JSON document a run printed on stdout; the test fails (showing both streams)
// when stdout is not JSON.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace testing {

inline nlohmann::json json_of(const RunResult& r) {
    INFO("stdout: " << r.out << "\nstderr: " << r.err);
    REQUIRE_NOTHROW(nlohmann::json::parse(r.out));
    return nlohmann::json::parse(r.out);
}

}  // namespace testing
