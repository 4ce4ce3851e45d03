#pragma once
// Shared by the libFuzzer targets: logging off, and the rule for exceptions. A parser may refuse
// its input with mps::Error of any kind but `internal` (exit 2, 4... in the CLI); an internal
// Error or any other exception would be exit 1 ("a bug") in the CLI, so it aborts the run and
// libFuzzer keeps the input as a finding.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>

#include "util/error.hpp"
#include "util/log.hpp"

namespace mps::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// guarded: run `body`, accepting mps::Error (not internal) as a refusal.
template <typename Body>
int guarded(Body&& body) {
    try {
        body();
    } catch (const mps::Error& e) {
        if (e.kind() == mps::ErrorKind::internal) {
            std::fprintf(stderr, "fuzz finding: internal mps::Error (exit 1): %s\n", e.what());
            std::abort();
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "fuzz finding: unexpected exception (exit 1 in the CLI): %s\n",
                     e.what());
        std::abort();
    }
    return 0;
}

inline void quiet() {
    log::set_minimum(log::Level::off);
}

}  // namespace mps::fuzz

#define MPS_FUZZ_QUIET                                   \
    extern "C" int LLVMFuzzerInitialize(int*, char***) { \
        mps::fuzz::quiet();                              \
        return 0;                                        \
    }
