#include "util/json_limits.hpp"

namespace mps {

std::size_t json_nesting_depth(std::string_view text, std::size_t stop_after) {
    std::size_t depth = 0, deepest = 0;
    bool in_string = false, escaped = false;
    for (char c : text) {
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > deepest) {
                deepest = depth;
                if (deepest > stop_after) return deepest;
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

RemoteJson parse_remote_json(std::string_view text, std::size_t max_depth) {
    RemoteJson result;
    if (json_nesting_depth(text, max_depth) > max_depth) {
        result.error = "JSON nested deeper than " + std::to_string(max_depth) + " levels";
        return result;
    }
    try {
        result.value = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        result.value = nullptr;
        result.error = "invalid JSON at byte " + std::to_string(e.byte);
    } catch (const nlohmann::json::exception&) {  // e.g. a number out of range
        result.value = nullptr;
        result.error = "invalid JSON";
    }
    return result;
}

const nlohmann::json* json_member(const nlohmann::json& object, const char* key) {
    if (!object.is_object()) return nullptr;
    auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

std::string json_text(const nlohmann::json& object, const char* key) {
    const nlohmann::json* value = json_member(object, key);
    if (!value) return "";
    if (value->is_string()) return value->get_ref<const std::string&>();
    if (value->is_number_unsigned()) return std::to_string(value->get<unsigned long long>());
    if (value->is_number_integer()) return std::to_string(value->get<long long>());
    return "";
}

}  // namespace mps
