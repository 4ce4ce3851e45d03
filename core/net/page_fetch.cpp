#include "net/page_fetch.hpp"

#include <algorithm>

namespace mps {

long Deadline::remaining_ms() const {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    end_ - std::chrono::steady_clock::now())
                    .count();
    return std::max<long>(1, static_cast<long>(left));
}

HttpFailure Deadline::expired(const std::string& url) const {
    HttpFailure failure;
    failure.kind = HttpFailureKind::timeout;
    failure.host = host_of(url);
    failure.message = "timeout: the run's " + std::to_string(seconds_) +
                      " s (--timeout) ran out before " + failure.host + " answered";
    return failure;
}

std::string resolve_url(const std::string& base, const std::string& reference) {
    if (reference.find("://") != std::string::npos) return reference;
    auto scheme_end = base.find("://");
    std::size_t authority_end =
        base.find_first_of("/?#", scheme_end == std::string::npos ? 0 : scheme_end + 3);
    std::string origin = base.substr(0, authority_end);
    if (reference.rfind("//", 0) == 0) return base.substr(0, scheme_end + 1) + reference;
    if (!reference.empty() && reference[0] == '/') return origin + reference;
    std::string path = authority_end == std::string::npos ? "/" : base.substr(authority_end);
    path = path.substr(0, path.find_first_of("?#"));
    path = path.substr(0, path.rfind('/') + 1);
    if (path.empty()) path = "/";
    return origin + path + reference;
}

std::optional<FetchedPage> fetch_page(const std::string& url, const PageFetchOptions& options,
                                      const Deadline& deadline, HttpFailure& failure) {
    FetchedPage page;
    std::string next = url;
    TlsOptions tls = options.tls;
    page.cookies = options.cookies;
    for (int hop = 0; hop <= options.max_redirects; ++hop) {
        if (deadline.passed()) {  // never start a hop after the run's end
            failure = deadline.expired(next);
            return std::nullopt;
        }
        HttpRequest request;
        request.url = next;
        request.method = hop == 0 ? options.method : "GET";
        if (hop == 0) request.form = options.form;
        request.cookies = page.cookies.header(next);
        request.tls = tls;
        request.timeout_ms = deadline.remaining_ms();
        request.secrets = options.secrets;
        bool https = next.rfind("https://", 0) == 0;
        request.want_certificate = https && !page.certificate;
        HttpOutcome outcome = try_http_request(request);
        if (!outcome.response && outcome.failure.kind == HttpFailureKind::tls && !tls.insecure &&
            !page.tls_failure) {
            // Record why verification failed, then look at the page anyway: the other checks
            // (PrestaShop, errors, maintenance) are still worth telling.
            page.tls_failure = outcome.failure;
            tls.insecure = true;
            request.tls = tls;
            if (deadline.passed()) {
                failure = deadline.expired(next);
                return std::nullopt;
            }
            request.timeout_ms = deadline.remaining_ms();
            outcome = try_http_request(request);
        }
        if (!outcome.response) {
            failure = outcome.failure;
            return std::nullopt;
        }
        HttpResponse& response = *outcome.response;
        if (request.want_certificate) page.certificate = response.certificate;
        page.cookies.absorb(response, next);
        for (const auto& value : response.header_values("set-cookie")) {
            std::string name = value.substr(0, value.find('='));
            if (std::find(page.cookie_names.begin(), page.cookie_names.end(), name) ==
                page.cookie_names.end())
                page.cookie_names.push_back(name);
        }
        page.chain.push_back(Hop{next, response.status, response.timings.total});
        page.seconds += response.timings.total;
        bool redirect =
            response.status >= 300 && response.status < 400 && !response.header("location").empty();
        if (!redirect || hop == options.max_redirects) {
            page.response = std::move(response);
            return page;
        }
        next = response.redirect_url.empty() ? resolve_url(next, response.header("location"))
                                             : response.redirect_url;
    }
    return page;
}

}  // namespace mps
