// A storefront or back-office page as a hostile shop could serve it: read_storefront (with the
// `var prestashop = {...}` JSON), the PHP-error, debug and module-asset scans, the login page.
#include "diagnose/page_markers.hpp"
#include "fuzz_common.hpp"
#include "fuzz_http_input.hpp"
#include "util/html.hpp"

MPS_FUZZ_QUIET

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input = mps::fuzz::as_text(data, size);
    return mps::fuzz::guarded([&] {
        long status = 200;
        mps::HttpResponse response = mps::fuzz::http_response(input, status);
        auto facts = mps::read_storefront(status, response);
        (void)mps::family_name(facts.family);
        if (facts.prestashop_js)
            (void)facts.prestashop_js->dump(-1, ' ', false,
                                            nlohmann::json::error_handler_t::replace);
        (void)mps::php_errors(response.body);
        (void)mps::debug_mode_markers(response.body);
        (void)mps::module_assets_seen(response.body, facts.prestashop_js, "ps_facetedsearch");
        auto login = mps::read_login_page(status, response);
        (void)login;
        (void)mps::html_text(response.body);
    });
}
