#include "net/http.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <memory>

#include "net/curl_global.hpp"
#include "net/url.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "util/text.hpp"

namespace mps {
namespace {

struct Sink {
    std::size_t limit = 0;
    std::string body;
    bool too_big = false;
    HttpHeaders headers;
};

std::size_t write_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* sink = static_cast<Sink*>(user);
    std::size_t n = size * count;
    if (sink->body.size() + n > sink->limit) {
        sink->too_big = true;
        return 0;
    }
    sink->body.append(data, n);
    return n;
}

// Transfer: what the progress callback reported of this request so far.
struct Transfer {
    Progress* progress = nullptr;
    curl_off_t now = 0, total = 0;
};

int report_transfer(void* user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t, curl_off_t) {
    auto* transfer = static_cast<Transfer*>(user);
    if (dltotal > 0 && dltotal != transfer->total) {
        transfer->total = dltotal;
        transfer->progress->set_total(0, static_cast<std::uint64_t>(dltotal));
    }
    if (dlnow > transfer->now) {
        transfer->progress->advance(0, static_cast<std::uint64_t>(dlnow - transfer->now));
        transfer->now = dlnow;
    }
    return 0;
}

// write_header: keeps the headers of the last response only (a 100 Continue or a proxy's
// CONNECT answer comes first).
std::size_t write_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* sink = static_cast<Sink*>(user);
    std::size_t n = size * count;
    std::string line(data, n);
    if (line.rfind("HTTP/", 0) == 0) {
        sink->headers.clear();
        return n;
    }
    auto colon = line.find(':');
    if (colon != std::string::npos && sink->headers.size() < 500)
        sink->headers.emplace_back(to_lower(trim(line.substr(0, colon))),
                                   trim(line.substr(colon + 1)));
    return n;
}

std::string redact_all(std::string text, const std::vector<std::string>& secrets) {
    for (const auto& secret : secrets) text = redact(std::move(text), secret);
    return text;
}

const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// parse_cert_time: libcurl reports dates as OpenSSL prints them ("Mar  5 12:00:00 2027 GMT")
// or, in newer versions, as "2027-03-05 12:00:00 GMT".
std::optional<std::time_t> parse_cert_time(const std::string& text) {
    std::tm tm{};
    int day = 0, hour = 0, minute = 0, second = 0, year = 0, month = 0;
    char name[4] = {0};
    if (std::sscanf(text.c_str(), "%d-%d-%d %d:%d:%d", &year, &month, &day, &hour, &minute,
                    &second) == 6) {
        tm.tm_mon = month - 1;
    } else if (std::sscanf(text.c_str(), "%3s %d %d:%d:%d %d", name, &day, &hour, &minute, &second,
                           &year) == 6) {
        auto* found = std::find_if(std::begin(kMonths), std::end(kMonths),
                                   [&](const char* m) { return name == std::string(m); });
        if (found == std::end(kMonths)) return std::nullopt;
        tm.tm_mon = static_cast<int>(found - std::begin(kMonths));
    } else {
        return std::nullopt;
    }
    tm.tm_year = year - 1900;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    return timegm(&tm);
}

std::optional<Certificate> leaf_certificate(const net::CurlApi& api, CURL* curl) {
    curl_certinfo* info = nullptr;
    if (api.easy_getinfo(curl, CURLINFO_CERTINFO, &info) != CURLE_OK || !info ||
        info->num_of_certs < 1)
        return std::nullopt;
    Certificate certificate;
    for (curl_slist* item = info->certinfo[0]; item; item = item->next) {
        std::string field = item->data;
        auto colon = field.find(':');
        if (colon == std::string::npos) continue;
        std::string name = field.substr(0, colon), value = field.substr(colon + 1);
        if (name == "Subject")
            certificate.subject = value;
        else if (name == "Issuer")
            certificate.issuer = value;
        else if (name == "Expire date")
            certificate.not_after = parse_cert_time(value);
    }
    return certificate;
}

HttpFailureKind failure_kind(CURLcode rc) {
    switch (rc) {
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
            return HttpFailureKind::dns;
        case CURLE_COULDNT_CONNECT:
            return HttpFailureKind::connect;
        case CURLE_OPERATION_TIMEDOUT:
            return HttpFailureKind::timeout;
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_ISSUER_ERROR:
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return HttpFailureKind::tls;
        default:
            return HttpFailureKind::other;
    }
}

using Slist = std::unique_ptr<curl_slist, void (*)(curl_slist*)>;
using Mime = std::unique_ptr<curl_mime, void (*)(curl_mime*)>;

std::string urlencoded_body(const std::vector<FormField>& form) {
    std::string body;
    for (const auto& field : form) {
        if (!body.empty()) body += '&';
        body += url_encode(field.name) + "=" + url_encode(field.value);
    }
    return body;
}

Mime multipart_body(const net::CurlApi& api, CURL* curl, const std::vector<FormField>& form) {
    Mime mime(api.mime_init(curl), api.mime_free);
    for (const auto& field : form) {
        curl_mimepart* part = api.mime_addpart(mime.get());
        api.mime_name(part, field.name.c_str());
        if (field.file_path.empty()) {
            api.mime_data(part, field.value.data(), field.value.size());
            continue;
        }
        // Read the file here, so an unreadable one is a clear usage error, not a libcurl abort.
        std::error_code ec;
        auto size = std::filesystem::file_size(field.file_path, ec);
        if (ec)
            throw Error(ErrorKind::usage, "cannot read " + field.file_path + ": " + ec.message(),
                        "check the file name");
        std::string content(size, '\0');
        std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(field.file_path.c_str(), "rb"),
                                                   std::fclose);
        if (!file || std::fread(content.data(), 1, size, file.get()) != size)
            throw Error(ErrorKind::usage, "cannot read " + field.file_path,
                        "check the file's permissions");
        api.mime_data(part, content.data(), content.size());  // libcurl copies the data
        std::string name = field.file_name.empty()
                               ? std::filesystem::path(field.file_path).filename().string()
                               : field.file_name;
        api.mime_filename(part, name.c_str());
        api.mime_type(part, field.content_type.empty() ? "application/octet-stream"
                                                       : field.content_type.c_str());
    }
    return mime;
}

// seconds_text: "3 s", "2.4 s".
std::string seconds_text(long ms) {
    if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f s", static_cast<double>(ms) / 1000.0);
    return buffer;
}

double seconds(const net::CurlApi& api, CURL* curl, CURLINFO info) {
    curl_off_t micros = 0;
    api.easy_getinfo(curl, info, &micros);
    return static_cast<double>(micros) / 1e6;
}

}  // namespace

std::string HttpResponse::header(const std::string& name) const {
    std::string wanted = to_lower(name);
    for (const auto& [key, value] : headers)
        if (key == wanted) return value;
    return {};
}

std::vector<std::string> HttpResponse::header_values(const std::string& name) const {
    std::string wanted = to_lower(name);
    std::vector<std::string> values;
    for (const auto& [key, value] : headers)
        if (key == wanted) values.push_back(value);
    return values;
}

namespace {

// cookie_site: "host:port" of `url`, "" when it is not an http(s) URL (no cookie then).
std::string cookie_site(const std::string& url) {
    auto parsed = parse_http_url(url);
    return parsed ? parsed->host + ":" + std::to_string(parsed->port) : "";
}

}  // namespace

void CookieJar::absorb(const HttpResponse& response, const std::string& url) {
    std::string site = cookie_site(url);
    if (site.empty()) return;
    for (const auto& set_cookie : response.header_values("set-cookie")) {
        auto semicolon = set_cookie.find(';');
        std::string pair = set_cookie.substr(0, semicolon);
        auto equals = pair.find('=');
        if (equals == std::string::npos) continue;
        std::string name = trim(pair.substr(0, equals)), value = trim(pair.substr(equals + 1));
        if (name.empty()) continue;
        bool secure = false;
        if (semicolon != std::string::npos)
            for (const auto& attribute : split(set_cookie.substr(semicolon + 1), ';'))
                if (to_lower(trim(attribute)) == "secure") secure = true;
        auto same = std::find_if(cookies_.begin(), cookies_.end(),
                                 [&](const Cookie& c) { return c.site == site && c.name == name; });
        bool deleted = value.empty() || value == "deleted";
        if (same != cookies_.end()) {
            if (deleted) {
                cookies_.erase(same);
            } else {
                same->value = value;
                same->secure = secure;
            }
        } else if (!deleted) {
            cookies_.push_back(Cookie{site, name, value, secure});
        }
    }
}

std::string CookieJar::header(const std::string& url) const {
    std::string site = cookie_site(url);
    if (site.empty()) return "";
    bool https = to_lower(url.substr(0, 8)) == "https://";
    std::string out;
    for (const auto& cookie : cookies_)
        if (cookie.site == site && (https || !cookie.secure))
            out += (out.empty() ? "" : "; ") + cookie.name + "=" + cookie.value;
    return out;
}

std::vector<std::string> CookieJar::names() const {
    std::vector<std::string> out;
    for (const auto& cookie : cookies_)
        if (std::find(out.begin(), out.end(), cookie.name) == out.end()) out.push_back(cookie.name);
    return out;
}

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

std::string host_of(const std::string& url) {
    auto start = url.find("://");
    start = start == std::string::npos ? 0 : start + 3;
    auto end = url.find_first_of("/?#", start);
    std::string authority =
        url.substr(start, end == std::string::npos ? std::string::npos : end - start);
    auto at = authority.rfind('@');  // never show user:password@
    return at == std::string::npos ? authority : authority.substr(at + 1);
}

namespace {

// finished_response: what libcurl knows of a finished transfer: status, content type,
// redirect, timings and (with `want_certificate`) the leaf certificate; headers and body from
// `sink`.
HttpResponse finished_response(const net::CurlApi& api, CURL* c, bool want_certificate,
                               Sink& sink) {
    HttpResponse response;
    api.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
    char* text = nullptr;
    if (api.easy_getinfo(c, CURLINFO_CONTENT_TYPE, &text) == CURLE_OK && text)
        response.content_type = text;
    text = nullptr;
    if (api.easy_getinfo(c, CURLINFO_REDIRECT_URL, &text) == CURLE_OK && text)
        response.redirect_url = text;
    text = nullptr;
    if (api.easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &text) == CURLE_OK && text)
        response.effective_url = text;
    response.timings.dns = seconds(api, c, CURLINFO_NAMELOOKUP_TIME_T);
    response.timings.connect = seconds(api, c, CURLINFO_CONNECT_TIME_T);
    response.timings.tls = seconds(api, c, CURLINFO_APPCONNECT_TIME_T);
    response.timings.first_byte = seconds(api, c, CURLINFO_STARTTRANSFER_TIME_T);
    response.timings.total = seconds(api, c, CURLINFO_TOTAL_TIME_T);
    if (want_certificate) response.certificate = leaf_certificate(api, c);
    response.headers = std::move(sink.headers);
    response.body = std::move(sink.body);
    return response;
}

}  // namespace

HttpOutcome try_http_request(const HttpRequest& request) {
    const net::CurlApi& api = net::curl_api();
    std::unique_ptr<CURL, decltype(api.easy_cleanup)> handle(api.easy_init(), api.easy_cleanup);
    if (!handle) throw Error(ErrorKind::internal, "cannot start libcurl");
    CURL* c = handle.get();
    char error[CURL_ERROR_SIZE] = {0};
    Sink sink;
    sink.limit = request.max_body;
    api.easy_setopt(c, CURLOPT_URL, request.url.c_str());
    api.easy_setopt(c, CURLOPT_ERRORBUFFER, error);
    api.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    api.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    long timeout_ms =
        request.timeout_ms > 0 ? request.timeout_ms : std::max(1L, request.timeout_seconds) * 1000;
    api.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, std::min(timeout_ms, 30000L));
    api.easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    api.easy_setopt(c, CURLOPT_WRITEFUNCTION, write_body);
    api.easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    api.easy_setopt(c, CURLOPT_HEADERFUNCTION, write_header);
    api.easy_setopt(c, CURLOPT_HEADERDATA, &sink);
    api.easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    api.easy_setopt(c, CURLOPT_USERAGENT, "mpsupport");
    Transfer transfer{request.progress};
    if (request.progress) {
        api.easy_setopt(c, CURLOPT_XFERINFOFUNCTION, report_transfer);
        api.easy_setopt(c, CURLOPT_XFERINFODATA, &transfer);
        api.easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    }
    net::apply_tls(api, c, request.tls);
    if (request.want_certificate) api.easy_setopt(c, CURLOPT_CERTINFO, 1L);
    if (request.basic) {
        api.easy_setopt(c, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
        api.easy_setopt(c, CURLOPT_USERNAME, request.basic_user.c_str());
        api.easy_setopt(c, CURLOPT_PASSWORD, "");
    }
    if (!request.cookies.empty()) api.easy_setopt(c, CURLOPT_COOKIE, request.cookies.c_str());

    Slist headers(nullptr, api.slist_free_all);
    for (const auto& [name, value] : request.headers) {
        std::string line = name + ": " + value;
        headers.reset(api.slist_append(headers.release(), line.c_str()));
    }
    if (headers) api.easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());

    std::string body;
    Mime mime(nullptr, api.mime_free);
    if (request.method == "HEAD") {
        api.easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (request.method == "POST") {
        if (request.multipart) {
            mime = multipart_body(api, c, request.form);
            api.easy_setopt(c, CURLOPT_MIMEPOST, mime.get());
        } else {
            body = urlencoded_body(request.form);
            api.easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
            api.easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
        }
    } else if (request.method != "GET") {
        throw Error(ErrorKind::internal, "unsupported HTTP method " + request.method);
    }

    std::string shown = redact_all(request.url, request.secrets);
    log::debug("{} {}", request.method, shown);
    CURLcode rc = api.easy_perform(c);
    HttpOutcome outcome;
    outcome.failure.host = host_of(shown);
    if (sink.too_big) {
        outcome.failure.kind = HttpFailureKind::too_big;
        outcome.failure.message = outcome.failure.host + " answered with more than " +
                                  std::to_string(request.max_body >> 20) + " MiB at " + shown;
        return outcome;
    }
    if (rc != CURLE_OK) {
        outcome.failure.kind = failure_kind(rc);
        std::string why = redact_all(error[0] ? error : api.easy_strerror(rc), request.secrets);
        if (outcome.failure.kind == HttpFailureKind::timeout)
            outcome.failure.message = "timeout: " + outcome.failure.host + " did not answer in " +
                                      seconds_text(timeout_ms);
        else if (outcome.failure.kind == HttpFailureKind::tls)
            outcome.failure.message = "TLS with " + outcome.failure.host + " failed: " + why;
        else
            outcome.failure.message = "cannot reach " + outcome.failure.host + ": " + why;
        return outcome;
    }
    HttpResponse response = finished_response(api, c, request.want_certificate, sink);
    log::debug("{} {}: HTTP {}, {} bytes", request.method, shown, response.status,
               response.body.size());
    outcome.response = std::move(response);
    return outcome;
}

HttpResponse http_request(const HttpRequest& request) {
    HttpOutcome outcome = try_http_request(request);
    if (outcome.response) return std::move(*outcome.response);
    const HttpFailure& failure = outcome.failure;
    std::string hint = request.hint;
    if (failure.kind == HttpFailureKind::timeout)
        hint = "try again later, or check that the server is up (--timeout)";
    else if (failure.kind == HttpFailureKind::tls && hint.empty())
        hint =
            "check the server's certificate; MPSUPPORT_CA_BUNDLE names a CA bundle to trust, "
            "--insecure skips the check";
    else if (hint.empty())
        hint = "check the URL and the network";
    throw Error(ErrorKind::unreachable, failure.message, hint);
}

HttpResponse http_get(const HttpRequest& request) {
    HttpRequest get = request;
    get.method = "GET";
    return http_request(get);
}

}  // namespace mps
