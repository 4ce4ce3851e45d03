#include "net/url.hpp"

#include <cctype>

#include "util/error.hpp"
#include "util/text.hpp"

namespace mps {
namespace {

bool bad_char(unsigned char c) {
    return c <= 0x20 || c == 0x7f;
}

bool host_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

// parse: the URL, or why it is not one (in `why`).
std::optional<HttpUrl> parse(const std::string& url, std::string& why) {
    if (url.empty()) {
        why = "it is empty";
        return std::nullopt;
    }
    for (unsigned char c : url)
        if (bad_char(c)) {
            why = c == ' ' ? "it contains a space" : "it contains a control character";
            return std::nullopt;
        }
    auto colon = url.find("://");
    if (colon == std::string::npos) {
        why = "it is not an http:// or https:// URL";
        return std::nullopt;
    }
    HttpUrl out;
    out.scheme = to_lower(url.substr(0, colon));
    if (out.scheme != "http" && out.scheme != "https") {
        why = "it is not an http:// or https:// URL";
        return std::nullopt;
    }
    std::size_t start = colon + 3;
    std::size_t end = url.find_first_of("/?#", start);
    std::string authority =
        url.substr(start, end == std::string::npos ? std::string::npos : end - start);
    out.target = end == std::string::npos ? "" : url.substr(end);
    auto at = authority.rfind('@');
    if (at != std::string::npos) authority = authority.substr(at + 1);
    std::string port;
    if (!authority.empty() && authority[0] == '[') {
        auto close = authority.find(']');
        if (close == std::string::npos || close == 1) {
            why = "its IPv6 address has no closing ]";
            return std::nullopt;
        }
        for (std::size_t i = 1; i < close; ++i)
            if (!std::isxdigit(static_cast<unsigned char>(authority[i])) && authority[i] != ':' &&
                authority[i] != '.') {
                why = "its host is not a valid IPv6 address";
                return std::nullopt;
            }
        out.host = to_lower(authority.substr(0, close + 1));
        std::string rest = authority.substr(close + 1);
        if (!rest.empty()) {
            if (rest[0] != ':') {
                why = "its host is not valid";
                return std::nullopt;
            }
            port = rest.substr(1);
            if (port.empty()) {
                why = "its port is empty";
                return std::nullopt;
            }
        }
    } else {
        auto port_colon = authority.find(':');
        out.host = to_lower(authority.substr(0, port_colon));
        if (port_colon != std::string::npos) {
            port = authority.substr(port_colon + 1);
            if (port.empty()) {
                why = "its port is empty";
                return std::nullopt;
            }
        }
        for (char c : out.host)
            if (!host_char(c)) {
                why = "its host contains '" + printable(std::string(1, c)) + "'";
                return std::nullopt;
            }
    }
    if (out.host.empty() || out.host == ".") {
        why = "it has no host";
        return std::nullopt;
    }
    if (!port.empty()) {
        if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
            std::stoi(port) < 1 || std::stoi(port) > 65535) {
            why = "its port is not a number from 1 to 65535";
            return std::nullopt;
        }
        out.port = std::stoi(port);
    } else {
        out.port = out.scheme == "https" ? 443 : 80;
    }
    return out;
}

}  // namespace

std::optional<HttpUrl> parse_http_url(const std::string& url) {
    std::string why;
    return parse(url, why);
}

std::string http_url_problem(const std::string& url) {
    std::string why;
    parse(url, why);
    return why;
}

void require_http_url(const std::string& url, const std::string& flag) {
    std::string why;
    if (parse(url, why)) return;
    throw Error(ErrorKind::usage,
                flag + " '" + printable(url) + "' is not a usable address: " + why,
                "give the full address, e.g. https://shop.example/ (http or https, a host, no "
                "spaces or line breaks)");
}

std::string url_origin(const std::string& url) {
    auto parsed = parse_http_url(url);
    if (!parsed) return "";
    return parsed->scheme + "://" + parsed->host + ":" + std::to_string(parsed->port);
}

bool same_origin(const std::string& a, const std::string& b) {
    std::string first = url_origin(a);
    return !first.empty() && first == url_origin(b);
}

}  // namespace mps
