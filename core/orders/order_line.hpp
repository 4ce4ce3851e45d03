#pragma once
// One line of an order as the ledger keeps it: a module purchase, or a line buying extended
// support for a module (SPEC.md "CSV import format").
#include <cstdint>
#include <string>
#include <tuple>

#include "orders/date.hpp"

namespace mps {

struct OrderLine {
    std::int64_t id = 0;         // ledger row id (0 before it is stored)
    std::string reference;       // the shop's order reference
    std::string purchased_at;    // "YYYY-MM-DD HH:MM:SS", shop time
    Date purchase_date;          // the date part of purchased_at
    std::string customer_email;  // lower-case
    std::string customer_name;   // may be empty
    std::string module;          // technical module name
    int extended_months = 0;     // 0: a module purchase; N: buys N months of extended support
    // For a module purchase: the largest extension bought for it (0: none). Kept by the ledger.
    int applied_extension_months = 0;

    bool is_extension() const { return extended_months > 0; }
    // purchase_date_text: "YYYY-MM-DD".
    std::string purchase_date_text() const { return format_date(purchase_date); }
};

// LineKey: what the ledger keys a line by: (reference, module, extended_months).
using LineKey = std::tuple<std::string, std::string, int>;

// line_key: the ledger's key of `line`; two lines with one key are one line of the ledger.
inline LineKey line_key(const OrderLine& line) {
    return {line.reference, line.module, line.extended_months};
}

}  // namespace mps
