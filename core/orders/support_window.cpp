#include "orders/support_window.hpp"

#include <algorithm>

namespace mps {

const char* support_status_name(SupportStatus status) {
    switch (status) {
        case SupportStatus::active:
            return "active";
        case SupportStatus::expiring:
            return "expiring";
        case SupportStatus::expired:
            return "expired";
    }
    return "expired";
}

SupportWindow window_for(const OrderLine& line, const PolicyConfig& policy) {
    SupportWindow w;
    w.purchase = line.purchase_date;
    int cap = policy.max_support_months;
    w.free_end = add_months(w.purchase, std::min(policy.free_support_months, cap));
    w.end = w.free_end;
    if (line.applied_extension_months > 0) {
        w.extended_end = add_months(w.purchase, std::min(line.applied_extension_months, cap));
        w.end = std::max(w.end, *w.extended_end);
    }
    return w;
}

int days_left(const SupportWindow& window, const Date& at) {
    return days_between(at, window.end);
}

SupportStatus status_at(const SupportWindow& window, const Date& at, int warn_days) {
    int left = days_left(window, at);
    if (left < 0) return SupportStatus::expired;
    return left <= warn_days ? SupportStatus::expiring : SupportStatus::active;
}

std::optional<std::size_t> extension_target(const std::vector<OrderLine>& group,
                                            std::size_t index) {
    const OrderLine& ext = group[index];
    std::optional<std::size_t> best;
    for (std::size_t i = 0; i < group.size(); ++i) {
        const OrderLine& line = group[i];
        if (line.is_extension() || line.module != ext.module ||
            line.customer_email != ext.customer_email)
            continue;
        if (line.purchase_date > ext.purchase_date) continue;
        if (!best || line.purchased_at > group[*best].purchased_at ||
            (line.purchased_at == group[*best].purchased_at &&
             line.reference > group[*best].reference))
            best = i;
    }
    return best;
}

std::vector<int> applied_extensions(const std::vector<OrderLine>& group) {
    std::vector<int> months(group.size(), 0);
    for (std::size_t i = 0; i < group.size(); ++i) {
        if (!group[i].is_extension()) continue;
        if (auto target = extension_target(group, i))
            months[*target] = std::max(months[*target], group[i].extended_months);
    }
    return months;
}

std::optional<OrderLine> supported_purchase(const OrderLine& line, std::vector<OrderLine> group) {
    auto same = [&line](const OrderLine& other) {
        return line_key(other) == line_key(line) && other.customer_email == line.customer_email;
    };
    auto it = std::find_if(group.begin(), group.end(), same);
    if (it == group.end()) it = group.insert(group.end(), line);
    std::size_t index = static_cast<std::size_t>(it - group.begin());
    std::vector<int> months = applied_extensions(group);
    if (line.is_extension()) {
        auto target = extension_target(group, index);
        if (!target) return std::nullopt;
        index = *target;
    }
    OrderLine purchase = group[index];
    purchase.applied_extension_months = months[index];
    return purchase;
}

}  // namespace mps
