#pragma once
// Fetching a shop page the way a browser would, but showing every hop: redirects followed one
// by one (recorded), cookies kept, timings and the certificate of the first HTTPS hop.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "net/http.hpp"

namespace mps {

// Deadline: the end of the whole run (--timeout bounds everything); requests get what is left.
class Deadline {
  public:
    explicit Deadline(int seconds)
        : seconds_(seconds),
          end_(std::chrono::steady_clock::now() + std::chrono::seconds(seconds)) {}
    // remaining_ms: milliseconds left, at least 1 (libcurl's timeout cannot be 0: that means
    // none); check passed() before starting a request.
    long remaining_ms() const;
    // remaining_seconds: whole seconds left, rounded up (for SSH, whose timeouts are seconds).
    long remaining_seconds() const { return (remaining_ms() + 999) / 1000; }
    bool passed() const { return std::chrono::steady_clock::now() >= end_; }
    int seconds() const { return seconds_; }
    // expired: the failure of a request not started because the run's time is up.
    HttpFailure expired(const std::string& url) const;

  private:
    int seconds_;
    std::chrono::steady_clock::time_point end_;
};

struct Hop {
    std::string url;
    long status = 0;
    double seconds = 0;
};

struct FetchedPage {
    std::vector<Hop> chain;                  // every request made, the final one last
    HttpResponse response;                   // the final answer
    CookieJar cookies;                       // cookies set along the way
    std::vector<std::string> cookie_names;   // every cookie name set along the way
    std::optional<Certificate> certificate;  // of the first HTTPS hop
    std::optional<HttpFailure>
        tls_failure;     // verification failed; the page was then read without it
    double seconds = 0;  // all hops
};

struct PageFetchOptions {
    TlsOptions tls;
    int max_redirects = 10;
    std::string method = "GET";
    std::vector<FormField> form;       // POST fields of the first request
    CookieJar cookies;                 // sent with the first request (and kept)
    std::vector<std::string> secrets;  // redacted from messages
};

// fetch_page: `url`, following redirects while the deadline lasts (a hop due after it is a
// timeout failure). A certificate that fails verification is recorded in
// `tls_failure` and the page read again without verification, so the other checks still see
// it. Returns the failure when no answer came (DNS, connect, timeout...).
std::optional<FetchedPage> fetch_page(const std::string& url, const PageFetchOptions& options,
                                      const Deadline& deadline, HttpFailure& failure);

// resolve_url: `reference` (absolute, /path, or relative) against `base`.
std::string resolve_url(const std::string& base, const std::string& reference);

}  // namespace mps
