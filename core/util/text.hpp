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

// kBlanks: what trim removes unless told otherwise: space, tab, CR, LF.
inline constexpr std::string_view kBlanks = " \t\r\n";

// trim_view / trim: `text` without leading and trailing `blanks`.
std::string_view trim_view(std::string_view text, std::string_view blanks = kBlanks);
std::string trim(std::string_view text, std::string_view blanks = kBlanks);

// to_lower: ASCII lower case (other bytes, UTF-8 included, kept whatever the locale).
std::string to_lower(std::string_view text);
// to_upper: ASCII upper case, the same way.
std::string to_upper(std::string_view text);

// contains_nocase: `needle` occurs in `text`, ASCII letters compared without case.
bool contains_nocase(std::string_view text, std::string_view needle);

// shell_quote: `text` as one POSIX shell word, in single quotes ('it'\''s').
std::string shell_quote(std::string_view text);

// plural: "1 day", "2 days", "0 days": `count` and `word` with an "s" unless it is 1.
std::string plural(long long count, std::string_view word);

// printable: `text` made safe for a terminal, for any text that came from outside (file names,
// pages, CSV, servers): control characters become visible escapes (\n, \r, \t, \x1b, and
// \u009b for C1 controls and \u202e for bidirectional overrides), invalid UTF-8 bytes become
// U+FFFD. Printable UTF-8, including backslashes, is kept as it is.
std::string printable(std::string_view text);

// printable_multiline: like printable, but newlines and tabs are kept (diffs, page excerpts).
std::string printable_multiline(std::string_view text);

// valid_utf8: `text` with every invalid UTF-8 sequence replaced by U+FFFD (for JSON output).
std::string valid_utf8(std::string_view text);

// normalized_lines: split_lines(normalize_whitespace(text)) without copying: views into `text`
// with the BOM dropped, CRLF and lone CR as line ends, trailing blanks stripped and trailing
// empty lines dropped.
std::vector<std::string_view> normalized_lines(std::string_view text);

// same_ignoring_whitespace: normalize_whitespace(a) == normalize_whitespace(b), without copies.
bool same_ignoring_whitespace(std::string_view a, std::string_view b);

}  // namespace mps
