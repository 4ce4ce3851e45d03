#include "mail/template.hpp"

#include <algorithm>

#include "util/error.hpp"

namespace mps {

void check_template(std::string_view text, const std::vector<std::string>& known,
                    const std::string& source) {
    std::size_t line = 1;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n') ++line;
        if (text[i] != '{') continue;
        if (i + 1 < text.size() && text[i + 1] == '{') {
            ++i;
            continue;
        }
        auto close = text.find('}', i);
        std::string name(text.substr(i + 1, close == std::string_view::npos ? 20 : close - i - 1));
        std::string all;
        for (const auto& k : known) all += (all.empty() ? "{" : ", {") + k + "}";
        if (close == std::string_view::npos ||
            std::find(known.begin(), known.end(), name) == known.end())
            throw Error(
                ErrorKind::usage,
                source + ":" + std::to_string(line) + ": unknown placeholder {" + name + "}",
                "use one of " + all + " (write {{ for a literal brace)");
        i = close;
    }
}

std::string expand_template(std::string_view text,
                            const std::map<std::string, std::string>& values) {
    std::string out;
    out.reserve(text.size() + 64);
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '{' && i + 1 < text.size() && text[i + 1] == '{') {
            out += '{';
            ++i;
            continue;
        }
        if (text[i] == '{') {
            auto close = text.find('}', i);
            if (close != std::string_view::npos) {
                auto it = values.find(std::string(text.substr(i + 1, close - i - 1)));
                if (it != values.end()) {
                    out += it->second;
                    i = close;
                    continue;
                }
            }
        }
        out += text[i];
    }
    return out;
}

}  // namespace mps
