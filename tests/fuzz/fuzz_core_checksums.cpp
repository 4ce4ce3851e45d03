// PrestaShop's core checksum-list XML (`pristine core import`, fetched from the vendor's mirror).
#include "fuzz_common.hpp"
#include "integrity/core_checksums.hpp"

MPS_FUZZ_QUIET

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view xml = mps::fuzz::as_text(data, size);
    return mps::fuzz::guarded([&] {
        mps::CoreXmlLimits limits;
        limits.max_elements = 20000;  // the limit is tested, not the time of a million elements
        auto list = mps::parse_core_checksum_xml(xml, "checksums.xml", limits);
        (void)list.files.size();
    });
}
