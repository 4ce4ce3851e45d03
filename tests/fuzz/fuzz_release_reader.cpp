// A module release zip (`pristine add`, `pristine fetch`): written to a temporary file and read
// by read_zip_release into a staging folder, which is emptied after every input.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "fuzz_common.hpp"
#include "integrity/release_reader.hpp"

namespace fs = std::filesystem;

namespace {
// work_dir: one folder per process, removed at exit (never destroyed before the atexit handler).
const fs::path& work_dir() {
    static const fs::path* dir = [] {
        const char* tmp = std::getenv("TMPDIR");
        auto* d = new fs::path(fs::path(tmp && *tmp ? tmp : "/tmp") /
                               ("mps-fuzz-zip-" + std::to_string(::getpid())));
        fs::create_directories(*d);
        std::atexit([] {
            std::error_code ec;
            fs::remove_all(work_dir(), ec);
        });
        return d;
    }();
    return *dir;
}
}  // namespace

MPS_FUZZ_QUIET

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fs::path zip = work_dir() / "release.zip";
    fs::path staging = work_dir() / "staging";
    {
        std::ofstream out(zip, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    std::error_code ec;
    fs::remove_all(staging, ec);
    fs::create_directories(staging);
    mps::fuzz::guarded([&] {
        auto files = mps::read_zip_release(zip, staging);
        (void)mps::strip_common_folder(files);
    });
    fs::remove_all(staging, ec);
    return 0;
}
