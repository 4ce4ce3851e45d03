#pragma once
// What the shop's webservice knows about one order reference, read live: the lines that give
// support, the same customer's other lines (extended support bought in a later order), and
// the orders with that reference the shop does not count (cancelled, refunded, unpaid).
#include <string>
#include <vector>

#include "orders/order_line.hpp"

namespace mps {

struct InvalidOrder {
    std::string id;          // the shop's order id
    std::string state_id;    // its current_state
    std::string state_name;  // that state's name ("Refunded"); "" when the shop does not say
};

struct OrderFacts {
    std::vector<OrderLine> lines;           // lines of the valid order(s) with the reference
    std::vector<OrderLine> customer_lines;  // lines of every valid order of the same customer(s)
    std::vector<InvalidOrder> invalid;      // orders with the reference that are not valid
    std::vector<std::string> notes;         // why a valid order with the reference gave no line
};

}  // namespace mps
