// Which module and version a release holds: the main class <name>.php (version scan, class
// constants) and config.xml. Input: the PHP file, then optionally NUL and config.xml.
#include <string>

#include "fuzz_common.hpp"
#include "integrity/module_info.hpp"

MPS_FUZZ_QUIET

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input = mps::fuzz::as_text(data, size);
    return mps::fuzz::guarded([&] {
        auto nul = input.find('\0');
        std::string php(input.substr(0, nul));
        std::optional<std::string> xml;
        if (nul != std::string_view::npos) xml = std::string(input.substr(nul + 1));
        (void)mps::version_from_main_class(php);
        if (xml) {
            (void)mps::xml_element_text(*xml, "name");
            if (auto v = mps::xml_element_text(*xml, "version")) {
                (void)mps::is_valid_version(*v);
                (void)mps::version_less(*v, "1.10.0");
            }
        }
        auto lookup = [&](const std::string& path) -> std::optional<std::string> {
            if (path == "mymodule.php") return php;
            if (path == "config.xml") return xml;
            return std::nullopt;
        };
        (void)mps::detect_module(lookup, "mymodule", "", "", "mymodule.zip");
        (void)mps::detect_module(lookup, "other", "", "", "other.zip");  // the name from config.xml
    });
}
