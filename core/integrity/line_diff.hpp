#pragma once
// Line diffs (Myers' O(ND) algorithm): the share of changed lines that decides between an
// allowed change and a major rewrite, and unified diffs for --diff and bundles.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mps {

// changed_line_ratio: (deleted + inserted lines) / (lines in a + lines in b) of a minimal line
// diff: 0 for equal texts, 1 when no line is kept. Computing stops once the ratio is known to
// be above `stop_above`; the value returned is then some number above it.
double changed_line_ratio(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b,
                          double stop_above = 1.0);

// unified_diff: `diff -u` style text from `old_text` to `new_text` with `context` lines of
// context, labelled `old_label`/`new_label`; empty when the lines are equal.
std::string unified_diff(std::string_view old_text, std::string_view new_text, const std::string& old_label,
                         const std::string& new_label, int context = 3);

}  // namespace mps
