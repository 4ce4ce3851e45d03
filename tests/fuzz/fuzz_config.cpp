// The TOML config file (read through parse_config, the text of load_config).
#include "config/config.hpp"
#include "fuzz_common.hpp"

MPS_FUZZ_QUIET

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text = mps::fuzz::as_text(data, size);
    return mps::fuzz::guarded([&] {
        auto config = mps::parse_config(text, "config.toml");
        (void)mps::config_entries(config);
    });
}
