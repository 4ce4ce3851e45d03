#include "orders/expiry.hpp"

#include "util/text.hpp"

namespace mps {
namespace {

std::string hint_for(SupportStatus status, const SupportWindow& w, const PolicyConfig& policy) {
    if (status == SupportStatus::active) return "";
    Date cap = add_months(w.purchase, policy.max_support_months);
    if (w.end >= cap)
        return "support cannot be extended beyond " + std::to_string(policy.max_support_months) +
               " months after purchase (" + format_date(cap) + "); a new purchase starts a new period";
    return "extended support, up to " + format_date(cap) + " (" + std::to_string(policy.max_support_months) +
           " months after purchase), can be bought on the module's product page";
}

}  // namespace

nlohmann::json line_json(const OrderLine& line, const SupportWindow& w, const Date& at, int warn_days) {
    SupportStatus status = status_at(w, at, warn_days);
    return {{"reference", line.reference},
            {"module", line.module},
            {"purchased_at", line.purchased_at},
            {"customer_email", line.customer_email},
            {"customer_name", line.customer_name},
            {"free_support_end", format_date(w.free_end)},
            {"extended_support_end", w.extended_end ? nlohmann::json(format_date(*w.extended_end)) : nlohmann::json()},
            {"support_end", format_date(w.end)},
            {"status", support_status_name(status)},
            {"days_left", days_left(w, at)},
            {"updates_included", status != SupportStatus::expired}};
}

Report expiry_report(const ExpiryRequest& request, Ledger& ledger, const PolicyConfig& policy) {
    Report report;
    report.schema = "mpsupport.expiry/1";
    report.title = "Support as of " + format_date(request.at);
    report.body["at"] = format_date(request.at);
    report.body["warn_days"] = request.warn_days;
    nlohmann::json orders = nlohmann::json::array();
    int active = 0, expiring = 0, expired = 0, unmatched = 0, not_valid = 0;
    std::vector<std::string> unknown;
    for (const auto& reference : request.references) {
        std::vector<OrderLine> lines;
        OrderFacts facts;
        if (!request.remote_only) lines = ledger.order(reference);
        bool remote = false;
        if (lines.empty() && request.remote) {
            facts = request.remote(reference);
            lines = facts.lines;
            remote = true;
        }
        nlohmann::json order = {{"reference", reference}, {"found", !lines.empty()}, {"lines", nlohmann::json::array()}};
        if (remote) order["source"] = "webservice";
        if (lines.empty() && !facts.invalid.empty()) {
            // The shop knows the order but does not count it: say so, not "unknown".
            ++not_valid;
            order["found"] = true;
            order["valid"] = false;
            nlohmann::json states = nlohmann::json::array();
            std::string named;
            for (const auto& o : facts.invalid) {
                std::string state =
                    o.state_name.empty() ? "state " + o.state_id : "\"" + o.state_name + "\"";
                states.push_back(o.state_name.empty() ? o.state_id : o.state_name);
                if (named.find(state) == std::string::npos)
                    named += (named.empty() ? "" : ", ") + state;
            }
            order["states"] = std::move(states);
            Check check{"order." + reference, Status::fail,
                        "order " + reference + " is " + named +
                            " in the shop, not a paid order: no support or updates",
                        "support begins once the order is paid; if the customer paid, check the "
                        "order's status in "
                        "the shop's back office"};
            check.outcome = ErrorKind::finding;
            report.checks.push_back(std::move(check));
            orders.push_back(std::move(order));
            continue;
        }
        if (lines.empty()) {
            unknown.push_back(reference);
            Check check{"order." + reference, Status::fail, "order " + reference + " is not in the ledger",
                        "check the reference, or import the orders: 'mpsupport orders import FILE.csv'"};
            check.outcome = ErrorKind::not_found;
            if (!facts.notes.empty()) {  // the shop has it, but nothing that support can hang on
                order["found"] = true;
                check.message = "order " + reference + ": " + facts.notes.front();
                check.hint =
                    "correct the order or its customer in the shop's back office, or import it "
                    "from CSV";
            } else if (request.remote) {
                check.hint =
                    "check the reference; the ledger and the shop's webservice do not know it";
            }
            report.checks.push_back(std::move(check));
            orders.push_back(std::move(order));
            continue;
        }
        // The customer's lines of one module: extensions bought in any order of theirs count.
        auto group_of = [&](const OrderLine& line) {
            if (!remote) return ledger.customer_module(line.customer_email, line.module);
            std::vector<OrderLine> group;
            for (const auto& other : facts.customer_lines)
                if (other.customer_email == line.customer_email && other.module == line.module)
                    group.push_back(other);
            return group;
        };
        for (const auto& line : lines) {
            auto purchase = supported_purchase(line, group_of(line));
            if (!purchase) {
                ++unmatched;
                Check check{
                    "order." + reference + "." + line.module, Status::fail,
                    "order " + reference + " buys " + plural(line.extended_months, "month") +
                        " of extended support for " + line.module + ", but " + line.customer_email +
                        " has no purchase of " + line.module + " on or before " +
                        line.purchase_date_text(),
                    remote
                        ? "the shop has no valid order of that module by this customer before the "
                          "extension; check the order"
                        : "import or sync the order in which the module was bought"};
                check.outcome = ErrorKind::not_found;
                report.checks.push_back(std::move(check));
                continue;
            }
            std::string note;
            if (line.is_extension())
                note = " (extended support bought for order " + purchase->reference + ")";
            SupportWindow w = window_for(*purchase, policy);
            SupportStatus status = status_at(w, request.at, request.warn_days);
            int left = days_left(w, request.at);
            nlohmann::json data = line_json(*purchase, w, request.at, request.warn_days);
            if (line.is_extension()) data["extension_months"] = line.extended_months;
            std::string message =
                line.module + " bought " + purchase->purchase_date_text() + note + ": support " +
                (status == SupportStatus::expired ? "ended " : "until ") + format_date(w.end);
            if (status == SupportStatus::expired)
                message += " (expired " + plural(-left, "day") + " ago; no updates)";
            else
                message += " (" + std::string(support_status_name(status)) + ", " + plural(left, "day") +
                           " left; updates included)";
            Check check{"order." + reference + "." + line.module,
                        status == SupportStatus::active     ? Status::pass
                        : status == SupportStatus::expiring ? Status::warn
                                                            : Status::fail,
                        message, hint_for(status, w, policy), data};
            check.outcome = ErrorKind::finding;
            (status == SupportStatus::active ? active : status == SupportStatus::expiring ? expiring : expired)++;
            report.checks.push_back(std::move(check));
            order["lines"].push_back(std::move(data));
        }
        orders.push_back(std::move(order));
    }
    report.body["orders"] = std::move(orders);
    std::vector<std::string> parts;
    if (expired) parts.push_back("support expired for " + plural(expired, "module"));
    if (not_valid) parts.push_back(plural(not_valid, "order") + " not paid, cancelled or refunded");
    if (expiring) parts.push_back("expiring soon for " + plural(expiring, "module"));
    if (active) parts.push_back("active for " + plural(active, "module"));
    if (unmatched) parts.push_back(plural(unmatched, "extension") + " extending no known purchase");
    if (!unknown.empty()) parts.push_back(plural(static_cast<int>(unknown.size()), "unknown order"));
    std::string verdict;
    for (std::size_t i = 0; i < parts.size(); ++i) verdict += (i ? "; " : "") + parts[i];
    report.verdict = verdict.empty() ? "no order lines" : verdict;
    return report;
}

}  // namespace mps
