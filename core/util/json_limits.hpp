#pragma once
// JSON read from a remote (webservice answers, storefront pages, login answers): a hostile
// server can nest arrays 200,000 deep, and nlohmann::json copies, compares and dumps
// recursively. Every such text goes through parse_remote_json, which refuses deep nesting
// before building anything.
#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mps {

// kRemoteJsonDepth: the deepest nesting of arrays and objects accepted from a remote.
inline constexpr std::size_t kRemoteJsonDepth = 64;

struct RemoteJson {
    nlohmann::json value;  // the document; null when `error` is set
    std::string error;  // "" when parsed; else why not ("invalid JSON at byte 12", "nested deeper
                        // than 64 levels")
    explicit operator bool() const { return error.empty(); }
};

// json_nesting_depth: the deepest nesting of '[' and '{' in `text`, outside strings; counting
// stops once it exceeds `stop_after` (then stop_after + 1 is returned).
std::size_t json_nesting_depth(std::string_view text, std::size_t stop_after);

// parse_remote_json: `text` parsed when it is valid JSON nested at most `max_depth` levels;
// otherwise an empty value and the reason. Never throws for bad input.
RemoteJson parse_remote_json(std::string_view text, std::size_t max_depth = kRemoteJsonDepth);

// json_member: the member `key` of `object` when `object` is an object holding it; no copy.
const nlohmann::json* json_member(const nlohmann::json& object, const char* key);

// json_text: a string member as text and an integer member as its decimal digits; "" for a
// missing member and for any other type (arrays and objects are never copied or read).
std::string json_text(const nlohmann::json& object, const char* key);

}  // namespace mps
