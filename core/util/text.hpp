#pragma once
// Text helpers for comparing files the way a person sees them.
#include <string>
#include <string_view>
#include <vector>

namespace mps {

// looks_binary: true when the bytes hold a NUL in their first 8 KiB (git's heuristic).
bool looks_binary(std::string_view bytes);

// split_lines: lines without their terminator ("\n" or "\r\n"); a final line without a
// newline is kept; an empty input gives no lines.
std::vector<std::string_view> split_lines(std::string_view text);

// normalize_whitespace: drop a UTF-8 BOM, turn CRLF and lone CR into LF, strip trailing blanks
// (spaces, tabs) from every line and trailing empty lines at the end. Two files equal after
// this differ only in ways a browser or PHP ignores.
std::string normalize_whitespace(std::string_view text);

// join: the parts with `separator` between them.
std::string join(const std::vector<std::string>& parts, std::string_view separator);

// percent: "12%" style rendering of a 0..1 ratio.
std::string percent(double ratio);

// split: the parts of `text` between `separator`s (empty parts kept).
std::vector<std::string> split(std::string_view text, char separator);

// trim: `text` without leading and trailing spaces, tabs, CR and LF.
std::string trim(std::string_view text);

// to_lower: ASCII lower case.
std::string to_lower(std::string_view text);

}  // namespace mps
