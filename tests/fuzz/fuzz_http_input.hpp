#pragma once
// An HTTP answer from fuzz input: the first byte picks the status, then optional
// "Name: value" header lines up to a blank line, then the body.
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include "net/http.hpp"

namespace mps::fuzz {

inline HttpResponse http_response(std::string_view input, long& status) {
    static const long statuses[] = {200, 200, 200, 301, 302, 401, 403, 404, 500, 503};
    HttpResponse response;
    status = input.empty() ? 200 : statuses[static_cast<unsigned char>(input[0]) % 10];
    if (!input.empty()) input.remove_prefix(1);
    auto blank = input.find("\n\n");
    if (blank != std::string_view::npos && blank < 2048) {
        std::string_view head = input.substr(0, blank);
        bool headers = true;
        for (std::size_t start = 0; start <= head.size();) {
            auto end = std::min(head.find('\n', start), head.size());
            std::string_view line = head.substr(start, end - start);
            auto colon = line.find(':');
            if (colon == std::string_view::npos) {
                headers = false;
                break;
            }
            std::string name(line.substr(0, colon));
            std::transform(name.begin(), name.end(), name.begin(),
                           [](unsigned char c) { return std::tolower(c); });
            std::string_view value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
            response.headers.emplace_back(name, std::string(value));
            start = end + 1;
        }
        if (headers)
            input.remove_prefix(blank + 2);
        else
            response.headers.clear();
    }
    response.status = status;
    response.body = std::string(input);
    response.content_type = response.header("content-type");
    if (response.content_type.empty()) response.content_type = "text/html; charset=utf-8";
    response.effective_url = "https://shop.example/";
    return response;
}

}  // namespace mps::fuzz
