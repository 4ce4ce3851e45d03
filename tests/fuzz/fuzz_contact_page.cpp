// The shop's contact page and its answer to a POST (`ticket open` reads both).
#include "fuzz_common.hpp"
#include "ticket/contact_page.hpp"
#include "util/html.hpp"

MPS_FUZZ_QUIET

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view html = mps::fuzz::as_text(data, size);
    return mps::fuzz::guarded([&] {
        auto page = mps::parse_contact_page(html);
        (void)page.legacy();
        auto answer = mps::parse_contact_answer(html);
        (void)mps::is_token_error(answer);
        (void)mps::html_text(html);
        (void)mps::allowed_attachment(html.substr(0, 256));
    });
}
