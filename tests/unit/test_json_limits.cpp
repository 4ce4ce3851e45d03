#include <catch2/catch.hpp>

#include "util/json_limits.hpp"

using namespace mps;

TEST_CASE("parse_remote_json: depth counted outside strings, deep input refused before parsing",
          "[json]") {
    CHECK(json_nesting_depth("{}", 64) == 1);
    CHECK(json_nesting_depth("{\"a\":[1,{\"b\":[]}]}", 64) == 4);
    CHECK(json_nesting_depth("\"[[[[\\\"[[[[\"", 64) ==
          0);  // brackets and an escaped quote inside a string
    CHECK(json_nesting_depth(std::string(200000, '['), 64) == 65);  // stops counting early
    std::string ok = std::string(64, '[') + std::string(64, ']');
    auto parsed = parse_remote_json(ok);
    CHECK(parsed);
    std::string deep = std::string(65, '[') + std::string(65, ']');
    auto refused = parse_remote_json(deep);
    CHECK_FALSE(refused);
    CHECK(refused.value.is_null());
    CHECK(refused.error == "JSON nested deeper than 64 levels");
    CHECK_THAT(parse_remote_json("{\"a\":").error, Catch::StartsWith("invalid JSON at byte"));
    CHECK_FALSE(parse_remote_json("1e99999"));  // out of range: an error, not an exception
    CHECK_FALSE(parse_remote_json(""));
}

TEST_CASE("json_text and json_member read without copying and refuse other types", "[json]") {
    auto doc =
        parse_remote_json(
            R"({"s":"x","i":-3,"u":18446744073709551615,"a":[["x"]],"o":{},"f":1.5,"n":null})")
            .value;
    CHECK(json_text(doc, "s") == "x");
    CHECK(json_text(doc, "i") == "-3");
    CHECK(json_text(doc, "u") == "18446744073709551615");
    CHECK(json_text(doc, "a").empty());
    CHECK(json_text(doc, "o").empty());
    CHECK(json_text(doc, "f").empty());
    CHECK(json_text(doc, "n").empty());
    CHECK(json_text(doc, "missing").empty());
    CHECK(json_text(doc["a"], "s").empty());  // not an object
    CHECK(json_member(doc, "o") == &doc["o"]);
    CHECK(json_member(doc, "missing") == nullptr);
}
