// The vendor shop's webservice JSON: an orders page (and the customer lookups it triggers)
// converted into order lines. Input: first byte = HTTP status of the orders answer, then the
// orders body, then optionally NUL and the body every customer request gets.
#include <string>

#include "fuzz_common.hpp"
#include "orders/webservice.hpp"

MPS_FUZZ_QUIET

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input = mps::fuzz::as_text(data, size);
    return mps::fuzz::guarded([&] {
        static const long statuses[] = {200, 200, 200, 200, 401, 404, 400, 503};
        long status = input.empty() ? 200 : statuses[static_cast<unsigned char>(input[0]) % 8];
        if (!input.empty()) input.remove_prefix(1);
        auto nul = input.find('\0');
        std::string orders(input.substr(0, nul));
        std::string customer =
            nul == std::string_view::npos
                ? R"({"customer":{"email":"jane@example.com","firstname":"Jane","lastname":"Doe"}})"
                : std::string(input.substr(nul + 1));
        mps::PolicyConfig policy;
        policy.extended_products = {{"EXT6-{module}", 6}, {"EXT12", 12}};
        mps::WebserviceSettings settings;
        settings.url = "https://shop.example/api";
        settings.key = "KEY";
        mps::Webservice ws(settings, policy, [&](const mps::HttpRequest& request) {
            mps::HttpResponse response;
            bool is_customer = request.url.find("/customers/") != std::string::npos ||
                               request.url.find("url=customers") != std::string::npos;
            response.status = is_customer ? 200 : status;
            response.body = is_customer ? customer : orders;
            response.content_type = "application/json";
            return response;
        });
        auto page = ws.orders_updated_since("2026-01-01 00:00:00", 0);
        (void)page;
        (void)ws.lookup("ABCDEFGHI");
    });
}
