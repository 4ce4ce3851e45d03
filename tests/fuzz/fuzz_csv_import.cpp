// The order CSV of `orders import`.
#include "fuzz_common.hpp"
#include "orders/csv_import.hpp"

MPS_FUZZ_QUIET

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text = mps::fuzz::as_text(data, size);
    return mps::fuzz::guarded([&] {
        auto orders = mps::parse_orders_csv(text, "orders.csv", 12);
        for (const auto& line : orders.lines) (void)mps::valid_email(line.customer_email);
        (void)mps::valid_utf8_text(text);
    });
}
