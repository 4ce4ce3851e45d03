#include "util/postgres_url.hpp"

#include <string>

namespace mps {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decoded(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        int high = text[i] == '%' && i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
        int low = high >= 0 ? hex_value(text[i + 2]) : -1;
        if (low >= 0) {
            out += static_cast<char>(high * 16 + low);
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

}  // namespace

bool postgres_url_has_password(std::string_view url) {
    auto scheme = url.find("://");
    std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
    std::string_view authority = rest.substr(0, rest.find_first_of("/?"));
    auto at = authority.rfind('@');
    if (at != std::string_view::npos && authority.substr(0, at).find(':') != std::string_view::npos)
        return true;
    auto query = rest.find('?');
    if (query == std::string_view::npos) return false;
    std::string_view params = rest.substr(query + 1);
    while (true) {
        auto end = params.find('&');
        std::string_view param = params.substr(0, end);
        if (percent_decoded(param.substr(0, param.find('='))) == "password") return true;
        if (end == std::string_view::npos) return false;
        params.remove_prefix(end + 1);
    }
}

}  // namespace mps
