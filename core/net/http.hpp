#pragma once
// HTTP GET through libcurl (kept out of this header), for the PrestaShop webservice.
#include <string>

namespace mps {

struct HttpRequest {
    std::string url;
    std::string basic_user;      // HTTP Basic user (password empty) when `basic`
    bool basic = false;
    long timeout_seconds = 30;
    std::string secret;          // replaced by "***" in every message (e.g. a key in the URL)
};

struct HttpResponse {
    long status = 0;
    std::string body;
    std::string content_type;
};

// http_get: the response, whatever its status. DNS, connection, TLS errors and timeouts
// throw Error(unreachable) naming the host (timeouts say so); a body over 64 MiB too.
HttpResponse http_get(const HttpRequest& request);

// redact: `text` with every occurrence of `secret` replaced by "***".
std::string redact(std::string text, const std::string& secret);

// url_encode: percent-encoding of a query value (RFC 3986 unreserved characters kept).
std::string url_encode(const std::string& value);

}  // namespace mps
