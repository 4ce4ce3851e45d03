#include "orders/expiry.hpp"

#include "util/text.hpp"

namespace mps {
namespace {

std::string hint_for(SupportStatus status, const SupportWindow& w, const PolicyConfig& policy) {
    if (status == SupportStatus::active) return "";
    Date cap = add_months(w.purchase, policy.max_support_months);
    if (w.end >= cap)
        return "support cannot be extended beyond " + std::to_string(policy.max_support_months) +
               " months after purchase (" + format_date(cap) +
               "); a new purchase starts a new period";
    return "extended support, up to " + format_date(cap) + " (" +
           std::to_string(policy.max_support_months) +
           " months after purchase), can be bought on the module's product page";
}

// Tally: what the verdict counts.
struct Tally {
    int active = 0, expiring = 0, expired = 0, unmatched = 0, not_valid = 0, unknown = 0;
};

// not_valid_check: an order the shop knows but does not count (cancelled, refunded, unpaid).
Check not_valid_check(const std::string& reference, const std::vector<InvalidOrder>& invalid,
                      nlohmann::json& order) {
    order["found"] = true;
    order["valid"] = false;
    nlohmann::json states = nlohmann::json::array();
    std::string named;
    for (const auto& o : invalid) {
        std::string state =
            o.state_name.empty() ? "state " + o.state_id : "\"" + o.state_name + "\"";
        states.push_back(o.state_name.empty() ? o.state_id : o.state_name);
        if (named.find(state) == std::string::npos) named += (named.empty() ? "" : ", ") + state;
    }
    order["states"] = std::move(states);
    Check check{"order." + reference, Status::fail,
                "order " + reference + " is " + named +
                    " in the shop, not a paid order: no support or updates",
                "support begins once the order is paid; if the customer paid, check the order's "
                "status in the "
                "shop's back office"};
    check.outcome = ErrorKind::finding;
    return check;
}

// unknown_check: an order no source gives a line for; what the shop said about it, if anything.
Check unknown_check(const std::string& reference, const OrderFacts& facts, bool asked_remote,
                    nlohmann::json& order) {
    Check check{"order." + reference, Status::fail, "order " + reference + " is not in the ledger",
                "check the reference, or import the orders: 'mpsupport orders import FILE.csv'"};
    check.outcome = ErrorKind::not_found;
    if (!facts.notes.empty()) {  // the shop has it, but nothing that support can hang on
        order["found"] = true;
        check.message = "order " + reference + ": " + facts.notes.front();
        check.hint =
            "correct the order or its customer in the shop's back office, or import it from CSV";
    } else if (asked_remote) {
        check.hint = "check the reference; the ledger and the shop's webservice do not know it";
    }
    return check;
}

// line_check: the support `line` gives (for an extension line: the purchase it extends) as of
// `request.at`, from `group` (the customer's lines of that module); the line's JSON goes to
// `order`. A purchase line from the ledger (`group` empty) is its own answer: the ledger
// keeps the extensions applied to it current on every import.
Check line_check(const std::string& reference, const OrderLine& line, std::vector<OrderLine> group,
                 bool remote, const ExpiryRequest& request, const PolicyConfig& policy,
                 Tally& tally, nlohmann::json& order) {
    std::string id = "order." + reference + "." + line.module;
    auto purchase = !remote && !line.is_extension() ? std::optional<OrderLine>(line)
                                                    : supported_purchase(line, std::move(group));
    if (!purchase) {
        ++tally.unmatched;
        Check check{id, Status::fail,
                    "order " + reference + " buys " + plural(line.extended_months, "month") +
                        " of extended support for " + line.module + ", but " + line.customer_email +
                        " has no purchase of " + line.module + " on or before " +
                        line.purchase_date_text(),
                    remote ? "the shop has no valid order of that module by this customer before "
                             "the extension; "
                             "check the order"
                           : "import or sync the order in which the module was bought"};
        check.outcome = ErrorKind::not_found;
        return check;
    }
    SupportWindow w = window_for(*purchase, policy);
    SupportStatus status = status_at(w, request.at, request.warn_days);
    int left = days_left(w, request.at);
    nlohmann::json data = line_json(*purchase, w, request.at, request.warn_days);
    if (line.is_extension()) data["extension_months"] = line.extended_months;
    std::string note = line.is_extension()
                           ? " (extended support bought for order " + purchase->reference + ")"
                           : "";
    std::string message = line.module + " bought " + purchase->purchase_date_text() + note +
                          ": support " + (status == SupportStatus::expired ? "ended " : "until ") +
                          format_date(w.end);
    if (status == SupportStatus::expired)
        message += " (expired " + plural(-left, "day") + " ago; no updates)";
    else
        message += " (" + std::string(support_status_name(status)) + ", " + plural(left, "day") +
                   " left; updates included)";
    Check check{id,
                status == SupportStatus::active     ? Status::pass
                : status == SupportStatus::expiring ? Status::warn
                                                    : Status::fail,
                message, hint_for(status, w, policy), data};
    check.outcome = ErrorKind::finding;
    (status == SupportStatus::active     ? tally.active
     : status == SupportStatus::expiring ? tally.expiring
                                         : tally.expired)++;
    order["lines"].push_back(std::move(data));
    return check;
}

std::string verdict_of(const Tally& t) {
    std::vector<std::string> parts;
    if (t.expired) parts.push_back("support expired for " + plural(t.expired, "module"));
    if (t.not_valid)
        parts.push_back(plural(t.not_valid, "order") + " not paid, cancelled or refunded");
    if (t.expiring) parts.push_back("expiring soon for " + plural(t.expiring, "module"));
    if (t.active) parts.push_back("active for " + plural(t.active, "module"));
    if (t.unmatched)
        parts.push_back(plural(t.unmatched, "extension") + " extending no known purchase");
    if (t.unknown) parts.push_back(plural(t.unknown, "unknown order"));
    return parts.empty() ? "no order lines" : join(parts, "; ");
}

}  // namespace

nlohmann::json line_json(const OrderLine& line, const SupportWindow& w, const Date& at,
                         int warn_days) {
    SupportStatus status = status_at(w, at, warn_days);
    return {{"reference", line.reference},
            {"module", line.module},
            {"purchased_at", line.purchased_at},
            {"customer_email", line.customer_email},
            {"customer_name", line.customer_name},
            {"free_support_end", format_date(w.free_end)},
            {"extended_support_end",
             w.extended_end ? nlohmann::json(format_date(*w.extended_end)) : nlohmann::json()},
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
    Tally tally;
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
        nlohmann::json order = {{"reference", reference},
                                {"found", !lines.empty()},
                                {"lines", nlohmann::json::array()}};
        if (remote) order["source"] = "webservice";
        if (lines.empty() && !facts.invalid.empty()) {
            ++tally.not_valid;
            report.checks.push_back(not_valid_check(reference, facts.invalid, order));
        } else if (lines.empty()) {
            ++tally.unknown;
            report.checks.push_back(
                unknown_check(reference, facts, static_cast<bool>(request.remote), order));
        }
        // The customer's lines of one module: extensions bought in any order of theirs count.
        // Only an extension line needs them from the ledger (to find the purchase it extends):
        // one query less per purchase line, a few ms on a shared PostgreSQL ledger.
        for (const auto& line : lines) {
            std::vector<OrderLine> group;
            if (!remote && line.is_extension())
                group = ledger.customer_module(line.customer_email, line.module);
            for (const auto& other : facts.customer_lines)
                if (other.customer_email == line.customer_email && other.module == line.module)
                    group.push_back(other);
            report.checks.push_back(line_check(reference, line, std::move(group), remote, request,
                                               policy, tally, order));
        }
        orders.push_back(std::move(order));
    }
    report.body["orders"] = std::move(orders);
    report.verdict = verdict_of(tally);
    return report;
}

}  // namespace mps
