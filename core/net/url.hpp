#pragma once
// Absolute http(s) URLs as the network code needs them: strict validation of URLs the user
// gives (--url, --admin, contact_url) and the one origin comparison that decides where a
// password or a form may be sent (scheme, host and port, exactly).
#include <optional>
#include <string>

namespace mps {

struct HttpUrl {
    std::string scheme;  // "http" or "https", lower case
    std::string host;    // lower case; an IPv6 literal keeps its brackets
    int port = 0;        // as given, else the scheme's default (80, 443)
    std::string target;  // path, query and fragment as given ("" when none)
};

// parse_http_url: `url` when it is an absolute http:// or https:// URL with a host and an
// optional port (1-65535), holding no space or control character; nullopt otherwise.
std::optional<HttpUrl> parse_http_url(const std::string& url);

// http_url_problem: why `url` is not such a URL, one short phrase; "" when it is.
std::string http_url_problem(const std::string& url);

// require_http_url: Error(usage) "FLAG 'URL' is not ...: why" unless `url` is a usable http(s)
// URL; the URL is shown with control characters escaped.
void require_http_url(const std::string& url, const std::string& flag);

// url_origin: "scheme://host:port" (the port always written) of a valid http(s) URL, "" when
// `url` is not one.
std::string url_origin(const std::string& url);

// same_origin: both are valid http(s) URLs with the same scheme, host and port. Where a
// password or a form goes, this is the only test.
bool same_origin(const std::string& a, const std::string& b);

}  // namespace mps
