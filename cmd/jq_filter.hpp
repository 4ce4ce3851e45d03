#pragma once
// --jq EXPR: a jq filter over the command's JSON document (libjq, Debian's libjq-dev). Only
// jq_filter.cpp includes libjq's headers.
#include <string>

namespace mpscli {

// check_jq: compile `expression` once; Error(usage) with jq's own message when it is invalid
// (so that a bad filter stops before the command does anything).
void check_jq(const std::string& expression);

// apply_jq: run `expression` on the JSON text `document`: one line per result, strings raw
// (unquoted, like `jq -r` and `gh --jq`), anything else as compact JSON. Error(usage) with jq's
// message when the filter fails on this document (e.g. indexing a string).
std::string apply_jq(const std::string& expression, const std::string& document);

}  // namespace mpscli
