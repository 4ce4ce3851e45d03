// The NUL-framed output of the exec fast paths, as a hostile server could print it: the module
// hashes (sha256sum or PHP, remote_hashes) and the core MD5 list (core_integrity_remote).
#include <string>
#include <vector>

#include "fuzz_common.hpp"
#include "remote/core_integrity_remote.hpp"
#include "remote/remote_hashes.hpp"

MPS_FUZZ_QUIET

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string output(mps::fuzz::as_text(data, size));
    return mps::fuzz::guarded([&] {
        std::vector<std::string> refused;
        (void)mps::parse_remote_hashes(output, refused);
        (void)mps::parse_remote_core_md5(output);
    });
}
