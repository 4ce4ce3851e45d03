#include "net/http.hpp"

#include <algorithm>
#include <cctype>
#include <memory>

#include "net/curl_global.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace mps {
namespace {

constexpr std::size_t kMaxBody = 64u << 20;

struct Sink {
    std::string body;
    bool too_big = false;
};

std::size_t write_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* sink = static_cast<Sink*>(user);
    std::size_t n = size * count;
    if (sink->body.size() + n > kMaxBody) {
        sink->too_big = true;
        return 0;
    }
    sink->body.append(data, n);
    return n;
}

std::string host_of(const std::string& url) {
    auto start = url.find("://");
    start = start == std::string::npos ? 0 : start + 3;
    auto end = url.find_first_of("/?#", start);
    return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace

std::string redact(std::string text, const std::string& secret) {
    if (secret.empty()) return text;
    for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 3))
        text.replace(pos, secret.size(), "***");
    return text;
}

std::string url_encode(const std::string& value) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : value) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

HttpResponse http_get(const HttpRequest& request) {
    const net::CurlApi& api = net::curl_api();
    std::unique_ptr<CURL, decltype(api.easy_cleanup)> curl(api.easy_init(), api.easy_cleanup);
    if (!curl) throw Error(ErrorKind::internal, "cannot start libcurl");
    char error[CURL_ERROR_SIZE] = {0};
    Sink sink;
    CURL* c = curl.get();
    api.easy_setopt(c, CURLOPT_URL, request.url.c_str());
    api.easy_setopt(c, CURLOPT_ERRORBUFFER, error);
    api.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    api.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    api.easy_setopt(c, CURLOPT_CONNECTTIMEOUT, std::min(request.timeout_seconds, 30L));
    api.easy_setopt(c, CURLOPT_TIMEOUT, request.timeout_seconds);
    api.easy_setopt(c, CURLOPT_WRITEFUNCTION, write_body);
    api.easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    api.easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    api.easy_setopt(c, CURLOPT_USERAGENT, "mpsupport");
    if (request.basic) {
        api.easy_setopt(c, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
        api.easy_setopt(c, CURLOPT_USERNAME, request.basic_user.c_str());
        api.easy_setopt(c, CURLOPT_PASSWORD, "");
    }
    std::string shown = redact(request.url, request.secret);
    log::debug("GET {}", shown);
    CURLcode rc = api.easy_perform(c);
    std::string host = host_of(shown);
    if (sink.too_big)
        throw Error(ErrorKind::unreachable, host + " answered with more than 64 MiB at " + shown,
                    "check [orders] webservice_url");
    if (rc != CURLE_OK) {
        std::string why = redact(error[0] ? error : api.easy_strerror(rc), request.secret);
        if (rc == CURLE_OPERATION_TIMEDOUT)
            throw Error(ErrorKind::unreachable, "timeout: " + host + " did not answer in " +
                                                    std::to_string(request.timeout_seconds) + " s",
                        "try again later, or check that the shop is up");
        throw Error(ErrorKind::unreachable, "cannot reach " + host + ": " + why,
                    "check [orders] webservice_url and the network");
    }
    HttpResponse response;
    api.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
    char* type = nullptr;
    api.easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type);
    if (type) response.content_type = type;
    response.body = std::move(sink.body);
    log::debug("GET {}: HTTP {}, {} bytes", shown, response.status, response.body.size());
    return response;
}

}  // namespace mps
