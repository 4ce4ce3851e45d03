#pragma once
// Names that come from releases and checksum lists (zip entries, folder files, name=
// attributes) are bytes. The store keeps only UTF-8 names (its manifests are JSON); anything
// else is refused, and the refusal shows the name with the offending bytes escaped.
#include <cstddef>
#include <string>
#include <string_view>

namespace mps {

// is_utf8: `text` is well-formed UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
bool is_utf8(std::string_view text);

// escaped_name: `raw` safe to show on one line: control bytes, DEL, backslash and bytes that
// are not part of well-formed UTF-8 become \xNN; cut after `max` bytes with "...".
std::string escaped_name(std::string_view raw, std::size_t max = 200);

}  // namespace mps
