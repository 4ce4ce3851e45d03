#include "ticket/preflight.hpp"

#include <algorithm>

#include "ticket/contact_page.hpp"

namespace mps {

OrderSupport order_support(const ExpiryRequest& request, const std::string& module, Ledger& ledger,
                           const PolicyConfig& policy) {
    Report report = expiry_report(request, ledger, policy);
    const std::string reference =
        request.references.empty() ? std::string() : request.references.front();
    OrderSupport out;
    const Check* best = nullptr;
    for (const auto& check : report.checks) {
        if (check.id == "order." + reference) {
            // Unknown, or known but not valid (cancelled, refunded, unpaid): no support either way.
            out.state = check.outcome == ErrorKind::finding ? SupportState::expired
                                                            : SupportState::unknown_order;
            out.message = check.message;
            out.hint = check.hint;
            return out;
        }
        if (check.id != "order." + reference + "." + module) continue;
        if (!check.data.contains("support_end")) {  // an extension that extends no known purchase
            if (!best) out.message = check.message, out.hint = check.hint;
            continue;
        }
        if (!best || check.data["support_end"].get<std::string>() >
                         best->data["support_end"].get<std::string>())
            best = &check;
    }
    std::vector<std::string> modules;
    for (const auto& order : report.body["orders"])
        for (const auto& line : order["lines"]) {
            if (out.customer_email.empty()) out.customer_email = line.value("customer_email", "");
            std::string m = line.value("module", "");
            if (std::find(modules.begin(), modules.end(), m) == modules.end()) modules.push_back(m);
        }
    if (!best && !out.message.empty()) {
        out.state = SupportState::unknown_order;
        return out;
    }
    if (!best) {
        out.state = SupportState::module_not_in_order;
        out.message = "order " + reference + " holds no purchase of " + module;
        std::string list;
        for (const auto& m : modules) list += (list.empty() ? "" : ", ") + m;
        out.hint = list.empty() ? "check --order and --module"
                                : "the order holds: " + list + "; check --module";
        return out;
    }
    out.message = best->message;
    out.hint = best->hint;
    out.data = best->data;
    out.support_end = best->data.value("support_end", "");
    out.days_left = best->data.value("days_left", 0);
    out.customer_email = best->data.value("customer_email", out.customer_email);
    std::string status = best->data.value("status", "");
    out.state = status == "expired"    ? SupportState::expired
                : status == "expiring" ? SupportState::expiring
                                       : SupportState::active;
    return out;
}

std::vector<Check> preflight_checks(const Ticket& ticket, const OrderSupport& support,
                                    const PreflightOptions& options) {
    std::vector<Check> checks;
    Check s{"ticket.support", Status::pass, support.message, "", support.data};
    switch (support.state) {
        case SupportState::active:
            break;
        case SupportState::expiring:
            s.status = Status::warn;
            s.hint = support.hint;
            break;
        case SupportState::expired:
            s.status = options.force ? Status::warn : Status::fail;
            s.outcome = ErrorKind::finding;
            s.hint =
                options.force
                    ? "sent anyway (--force): the vendor may ask you to buy extended support first"
                    : support.hint + "; or send anyway with --force";
            break;
        case SupportState::unknown_order:
        case SupportState::module_not_in_order:
            s.status = options.force ? Status::warn : Status::fail;
            s.outcome = ErrorKind::not_found;
            s.hint = options.force ? "sent anyway (--force): the vendor checks the order"
                                   : support.hint + "; or send anyway with --force";
            break;
    }
    checks.push_back(std::move(s));

    if (looks_like_customisation(ticket.summary))
        checks.push_back(
            {"ticket.scope", Status::warn,
             "the summary reads like a customisation or new-feature request, which support does "
             "not "
             "cover (POLICY.md §5)",
             "if it is a bug or a feature not working as described, say so in the summary"});
    else
        checks.push_back(
            {"ticket.scope", Status::pass, "a support request about " + ticket.module, ""});

    if (ticket.attachment) {
        const auto& a = *ticket.attachment;
        Check c{"ticket.attachment",
                Status::pass,
                a.filename + " attached (" + std::to_string(a.size) + " bytes, sha256 " +
                    a.sha256.substr(0, 12) + "...)",
                "",
                {{"filename", a.filename}, {"size", a.size}, {"sha256", a.sha256}}};
        if (options.via_form && !allowed_attachment(a.filename)) {
            c.status = Status::fail;
            c.outcome = ErrorKind::finding;
            c.message =
                a.filename +
                ": the contact form accepts only .txt .rtf .doc .docx .pdf .zip .png .jpeg .gif "
                ".jpg .webp files";
            c.hint = "attach a .zip bundle, or send by e-mail with --via email";
        }
        checks.push_back(std::move(c));
    } else {
        checks.push_back({"ticket.attachment", Status::skip, "no bundle attached",
                          "attach the bundle of 'mpsupport diagnose' with --bundle FILE.zip"});
    }
    return checks;
}

}  // namespace mps
