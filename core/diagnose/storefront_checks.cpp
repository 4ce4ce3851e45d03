#include "diagnose/storefront_checks.hpp"

#include <fmt/format.h>

#include "diagnose/page_markers.hpp"
#include "report/check_ids.hpp"
#include "util/iso_time.hpp"
#include "util/text.hpp"

namespace mps {
namespace {

std::string seconds_text(double s) {
    return fmt::format("{:.2f} s", s);
}

nlohmann::json chain_json(const FetchedPage& page) {
    nlohmann::json chain = nlohmann::json::array();
    for (const auto& hop : page.chain)
        chain.push_back({{"url", hop.url}, {"status", hop.status}, {"seconds", hop.seconds}});
    return chain;
}

std::string date_of(std::time_t t) {
    return iso_utc(std::chrono::system_clock::from_time_t(t)).substr(0, 10);
}

Check reach_check(const FetchedPage& page, const StorefrontFacts& facts) {
    const HttpResponse& r = page.response;
    const HttpTimings& t = r.timings;
    Check check{check_id::storefront_reach};
    std::string timing =
        fmt::format("{} (DNS {:.2f}, connect {:.2f}, TLS {:.2f}, first byte {:.2f})",
                    seconds_text(t.total), t.dns, t.connect, t.tls, t.first_byte);
    check.message = "HTTP " + std::to_string(r.status) + " in " + timing;
    if (page.chain.size() > 1) {
        std::vector<std::string> urls;
        for (const auto& hop : page.chain) urls.push_back(hop.url);
        check.message += "; redirects: " + join(urls, " -> ");
    }
    check.data = {{"status", r.status},
                  {"url", page.chain.back().url},
                  {"chain", chain_json(page)},
                  {"timings",
                   {{"dns", t.dns},
                    {"connect", t.connect},
                    {"tls", t.tls},
                    {"first_byte", t.first_byte},
                    {"total", t.total}}},
                  {"seconds_all_hops", page.seconds}};
    if (facts.maintenance) {
        check.status = Status::warn;
        check.message += " (maintenance mode)";
    } else if (r.status >= 500) {
        check.status = Status::fail;
        check.outcome = ErrorKind::unreachable;
        check.hint =
            "the shop fails for every visitor: see storefront.php-errors and the shop's logs";
    } else if (r.status >= 400) {
        check.status = Status::fail;
        check.outcome = ErrorKind::unreachable;
        check.hint = "check --url: it should be the shop's home page";
    } else if (r.status >= 300) {
        check.status = Status::warn;
        check.hint = "too many redirects: check the shop's domain and SSL settings";
    } else if (t.total > 3.0) {
        check.status = Status::warn;
        check.hint = "the home page is slow; check caching (CCC, Smarty cache) and the hosting";
    }
    return check;
}

Check prestashop_check(const StorefrontFacts& facts, long status) {
    Check check{check_id::storefront_prestashop};
    check.data = {{"family", family_name(facts.family)},
                  {"evidence", facts.evidence},
                  {"theme", facts.theme}};
    if (!facts.prestashop && status >= 500) {
        check.status = Status::skip;
        check.message = "cannot tell: the page is an error (HTTP " + std::to_string(status) +
                        "), not the storefront";
        return check;
    }
    if (!facts.prestashop) {
        check.status = Status::fail;
        check.message = "the page is not a PrestaShop storefront (no PrestaShop marker found)";
        check.hint = "check --url: it should be the shop's home page";
        return check;
    }
    std::string what = facts.family == PsFamily::unknown
                           ? std::string("PrestaShop")
                           : std::string("PrestaShop ") + family_name(facts.family);
    check.message = what + " storefront (" + join(facts.evidence, ", ") + ")";
    if (!facts.theme.empty()) check.message += ", theme " + facts.theme;
    return check;
}

Check version_check(const FetchedPage& page, const StorefrontFacts& facts,
                    const std::string& api_version, std::string& found) {
    Check check{check_id::storefront_version};
    std::string host = host_of(page.chain.back().url);
    auto from_cookie = version_from_cookies(page.cookie_names, host, facts.family);
    check.data = {{"family", family_name(facts.family)}};
    if (from_cookie) check.data["cookie"] = *from_cookie;
    if (!api_version.empty()) check.data["api"] = api_version;
    if (from_cookie && !api_version.empty() && *from_cookie != api_version) {
        check.status = Status::warn;
        check.message =
            "the cookie name says PrestaShop " + *from_cookie + ", /api/ says " + api_version;
        check.hint =
            "an unfinished upgrade leaves mixed versions; check the shop's files "
            "(files.prestashop-root)";
        found = *from_cookie;
        return check;
    }
    if (from_cookie || !api_version.empty()) {
        found = from_cookie ? *from_cookie : api_version;
        check.message =
            "PrestaShop " + found + " (" +
            (from_cookie && !api_version.empty() ? std::string("cookie name and /api/ agree")
             : from_cookie                       ? std::string("from the cookie name")
                           : std::string("from the PSWS-Version header of /api/")) +
            ")";
        check.data["version"] = found;
        return check;
    }
    check.status = Status::info;
    check.message = facts.family == PsFamily::unknown
                        ? "the exact PrestaShop version is not disclosed"
                        : std::string("PrestaShop ") + family_name(facts.family) +
                              " (the exact version is not disclosed)";
    check.hint = "give --sftp to read it from the shop's files";
    return check;
}

Check maintenance_check(const FetchedPage& page, const StorefrontFacts& facts) {
    Check check{check_id::storefront_maintenance};
    if (facts.maintenance) {
        check.status = Status::warn;
        check.message = "the shop is in maintenance mode (HTTP 503" +
                        (page.response.header("retry-after").empty()
                             ? std::string()
                             : ", Retry-After " + page.response.header("retry-after")) +
                        "): visitors see the maintenance page";
        check.hint =
            "support needs to see the shop: add support's IP in Shop Parameters > General > "
            "Maintenance, "
            "or switch maintenance off";
        return check;
    }
    check.message = "not in maintenance mode";
    return check;
}

Check php_errors_check(const FetchedPage& page, const StorefrontFacts& facts) {
    Check check{check_id::storefront_php_errors};
    auto errors = php_errors(page.response.body);
    auto debug = debug_mode_markers(page.response.body);
    nlohmann::json list = nlohmann::json::array();
    bool fatal = facts.error_page;
    for (const auto& e : errors) {
        list.push_back({{"level", e.level}, {"text", e.text}});
        if (e.level == "Fatal error" || e.level == "Parse error") fatal = true;
    }
    check.data = {{"errors", list}, {"debug", debug}};
    if (fatal) {
        check.status = Status::fail;
        check.message = errors.empty() ? "the shop shows PrestaShop's error page (HTTP " +
                                             std::to_string(page.response.status) + ")"
                                       : "PHP " + errors.front().text;
        for (const auto& e : errors)
            if (e.level == "Fatal error" || e.level == "Parse error") {
                check.message = "PHP " + e.text;
                break;
            }
        check.hint =
            "a PHP fatal error stops the page: the file and line above say where; see logs.errors "
            "and the "
            "server's PHP error log";
        return check;
    }
    if (!errors.empty() || !debug.empty()) {
        check.status = Status::warn;
        std::vector<std::string> parts;
        if (!errors.empty())
            parts.push_back(std::to_string(errors.size()) +
                            " PHP warning(s)/notice(s) in the page (first: " + errors.front().text +
                            ")");
        if (!debug.empty()) parts.push_back("debug mode: " + join(debug, ", "));
        check.message = join(parts, "; ");
        check.hint =
            "visitors see this: turn off debug mode (Advanced Parameters > Performance) and "
            "display_errors";
        return check;
    }
    check.message = "no PHP errors or debug output in the page";
    return check;
}

std::string api_version(const std::string& final_url, const PageFetchOptions& options,
                        const Deadline& deadline) {
    HttpRequest request;
    request.url = resolve_url(final_url, "/api/");
    request.tls = options.tls;
    if (deadline.passed()) return {};
    request.timeout_ms = deadline.remaining_ms();
    HttpOutcome outcome = try_http_request(request);
    if (!outcome.response) return {};
    return trim(outcome.response->header("psws-version"));
}

}  // namespace

Check certificate_check(const FetchedPage& page, const TlsOptions& tls, std::time_t now) {
    Check check{check_id::storefront_tls};
    const std::string& url = page.chain.back().url;
    bool https = url.rfind("https://", 0) == 0;
    if (page.tls_failure) {
        check.status = Status::fail;
        check.outcome = ErrorKind::unreachable;
        check.message = page.tls_failure->message;
        check.hint =
            "browsers show a security warning: renew or fix the certificate (it must cover the "
            "host name and "
            "chain to a trusted CA)";
        return check;
    }
    if (!https) {
        check.status = Status::warn;
        check.message = "served over plain HTTP (" + url + "): no TLS";
        check.hint = "install a certificate and redirect http:// to https://";
        return check;
    }
    if (tls.insecure) {
        check.status = Status::warn;
        check.message = "certificate NOT verified (--insecure)";
        check.hint = "run without --insecure, or trust the shop's CA with MPSUPPORT_CA_BUNDLE";
    }
    if (page.certificate && page.certificate->not_after) {
        std::time_t end = *page.certificate->not_after;
        double days = std::difftime(end, now) / 86400.0;
        check.data = {{"not_after", iso_utc(std::chrono::system_clock::from_time_t(end))},
                      {"subject", page.certificate->subject},
                      {"issuer", page.certificate->issuer},
                      {"days_left", static_cast<long>(days)}};
        if (days < 0) {
            check.status = Status::fail;
            check.outcome = ErrorKind::unreachable;
            check.message = "certificate expired on " + date_of(end);
            check.hint = "renew the certificate";
        } else if (days < 14) {
            if (check.status != Status::warn) check.message.clear();
            check.status = Status::warn;
            check.message += std::string(check.message.empty() ? "" : "; ") +
                             "certificate expires on " + date_of(end) + " (in " +
                             std::to_string(static_cast<long>(days)) + " days)";
            check.hint =
                "renew the certificate before it expires (automatic renewal may be failing)";
        } else if (!tls.insecure) {
            check.message = "certificate valid until " + date_of(end);
        }
    } else if (!tls.insecure) {
        check.message = "certificate verified";
    }
    return check;
}

StorefrontFindings check_storefront(const StorefrontProbe& probe, const CheckSelection& selection,
                                    const Deadline& deadline) {
    StorefrontFindings out;
    PageFetchOptions options;
    options.tls = probe.tls;
    HttpFailure failure;
    auto page = fetch_page(probe.url, options, deadline, failure);
    if (!page) {
        Check check{check_id::storefront_reach, Status::fail, failure.message,
                    failure.kind == HttpFailureKind::timeout
                        ? "the shop did not answer in time: check it is up (--timeout)"
                        : "check --url and that the shop is online"};
        check.outcome = ErrorKind::unreachable;
        out.checks.push_back(check);
        return out;
    }
    out.html = page->response.body;
    out.final_url = page->chain.back().url;
    StorefrontFacts facts = read_storefront(page->response.status, page->response);
    auto want = [&](const char* id) { return selection.selected(id); };
    if (want(check_id::storefront_reach)) out.checks.push_back(reach_check(*page, facts));
    if (want(check_id::storefront_tls))
        out.checks.push_back(certificate_check(*page, probe.tls, probe.now));
    if (want(check_id::storefront_prestashop))
        out.checks.push_back(prestashop_check(facts, page->response.status));
    if (facts.prestashop && want(check_id::storefront_version)) {
        PageFetchOptions api_options = options;
        if (page->tls_failure)
            api_options.tls.insecure = true;  // already reported by storefront.tls
        std::string api = api_version(out.final_url, api_options, deadline);
        out.checks.push_back(version_check(*page, facts, api, out.version));
    }
    if (want(check_id::storefront_maintenance))
        out.checks.push_back(maintenance_check(*page, facts));
    if (want(check_id::storefront_php_errors)) out.checks.push_back(php_errors_check(*page, facts));
    if (facts.prestashop && !facts.maintenance && want(check_id::storefront_module_assets))
        for (const auto& module : probe.modules) {
            auto seen = module_assets_seen(page->response.body, facts.prestashop_js, module);
            Check check{check_id::storefront_module_assets,
                        seen.empty() ? Status::info : Status::pass};
            check.message =
                seen.empty()
                    ? module + ": not seen on the home page (it may show on other pages only)"
                    : module + ": " + join(seen, "; ");
            check.data = {{"module", module}, {"seen", seen}};
            out.checks.push_back(check);
        }
    return out;
}

}  // namespace mps
