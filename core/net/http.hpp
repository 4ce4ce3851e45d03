#pragma once
// HTTP(S) requests through libcurl (kept out of this header): the webservice, the storefront
// and admin probes of `diagnose`, the contact form of `ticket`, release downloads.
// Redirects are never followed automatically: callers see each hop (`redirect_url`).
#include <cstddef>
#include <ctime>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "net/tls_options.hpp"
#include "util/progress.hpp"

namespace mps {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// FormField: one field of a POST form. With `file_path` set it is a file upload (multipart):
// the file's contents, sent as `file_name` (default: the path's last component).
struct FormField {
    std::string name;
    std::string value;
    std::string file_path;
    std::string file_name;
    std::string content_type;  // for uploads; empty: application/octet-stream
};

struct HttpRequest {
    std::string method = "GET";  // GET, POST or HEAD
    std::string url;
    HttpHeaders headers;          // extra request headers
    std::string cookies;          // Cookie header value ("a=1; b=2"), from a CookieJar
    std::vector<FormField> form;  // POST body: urlencoded, or multipart when `multipart`
    bool multipart = false;
    std::string basic_user;  // HTTP Basic user (password empty) when `basic`
    bool basic = false;
    long timeout_seconds = 30;
    long timeout_ms = 0;               // when > 0: the timeout in milliseconds (a deadline's rest)
    std::size_t max_body = 64u << 20;  // larger answers: Error(unreachable)
    TlsOptions tls;
    bool want_certificate = false;     // fill HttpResponse::certificate (https only)
    std::vector<std::string> secrets;  // replaced by "***" in every message and log line
    std::string hint;                  // hint of transport errors; empty: a generic one
    // progress: the body's bytes as they arrive (advance) and its length once the headers tell
    // it (set_total), reported to the task the caller started; called from this thread.
    Progress* progress = nullptr;
};

struct HttpTimings {  // seconds from the start of the request
    double dns = 0, connect = 0, tls = 0, first_byte = 0, total = 0;
};

struct Certificate {
    std::string subject;
    std::string issuer;
    std::optional<std::time_t> not_after;  // UTC
};

struct HttpResponse {
    long status = 0;
    std::string body;
    std::string content_type;
    HttpHeaders headers;       // of the final response, names lower-cased, in order
    std::string redirect_url;  // absolute target of a 3xx Location, else empty
    std::string effective_url;
    HttpTimings timings;
    std::optional<Certificate> certificate;  // leaf certificate, when asked for and https

    // header: the first value of header `name` (any case), or empty.
    std::string header(const std::string& name) const;
    // header_values: every value of header `name`, in order (Set-Cookie, ...).
    std::vector<std::string> header_values(const std::string& name) const;
};

enum class HttpFailureKind { dns, connect, tls, timeout, too_big, other };

struct HttpFailure {
    HttpFailureKind kind = HttpFailureKind::other;
    std::string host;
    std::string message;  // one line, secrets redacted, names the host
};

// HttpOutcome: either a response (any status) or why no response came.
struct HttpOutcome {
    std::optional<HttpResponse> response;
    HttpFailure failure;
};

// try_http_request: performs `request`; transport failures are returned, not thrown. An
// unreadable upload file throws Error(usage).
HttpOutcome try_http_request(const HttpRequest& request);

// http_request: the response, whatever its status. DNS, connection, TLS errors and timeouts
// throw Error(unreachable) naming the host (timeouts say so), as does a body over max_body.
HttpResponse http_request(const HttpRequest& request);

// http_get: http_request with method GET (the webservice's injectable fetcher).
HttpResponse http_get(const HttpRequest& request);

// CookieJar: the cookies servers set, sent back on the next requests, each only to the host
// (and port) that set it: a redirect to another host never carries them (Domain= is not
// honoured; Secure cookies go back over https only). No expiry or path rules: enough for a
// form's session. Cookie values are secrets: never log them.
class CookieJar {
  public:
    // absorb: the Set-Cookie headers of `response`, the answer to a request for `url`.
    void absorb(const HttpResponse& response, const std::string& url);
    // header: the Cookie header value for a request to `url` (empty when none applies).
    std::string header(const std::string& url) const;
    std::vector<std::string> names() const;
    bool empty() const { return cookies_.empty(); }

  private:
    struct Cookie {
        std::string site;  // host:port that set it
        std::string name;
        std::string value;
        bool secure = false;
    };
    std::vector<Cookie> cookies_;
};

// redact: `text` with every occurrence of `secret` replaced by "***".
std::string redact(std::string text, const std::string& secret);

// url_encode: percent-encoding of a query value (RFC 3986 unreserved characters kept).
std::string url_encode(const std::string& value);

// host_of: the host[:port] part of an absolute URL.
std::string host_of(const std::string& url);

}  // namespace mps
