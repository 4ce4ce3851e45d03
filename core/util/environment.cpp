#include "util/environment.hpp"

#include <cstdlib>

namespace mps {

Environment Environment::process() {
    return Environment([](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        if (!value) return std::nullopt;
        return std::string(value);
    });
}

Environment Environment::fixed(std::map<std::string, std::string> values) {
    return Environment(
        [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
            auto it = values.find(name);
            if (it == values.end()) return std::nullopt;
            return it->second;
        });
}

std::optional<std::string> Environment::get(const std::string& name) const {
    auto value = lookup_(name);
    if (value && value->empty()) return std::nullopt;
    return value;
}

}  // namespace mps
