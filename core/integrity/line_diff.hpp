#pragma once
// Line diffs (Myers' O(ND) algorithm, with bounds on time and memory): the share of changed
// lines that decides between an allowed change and a major rewrite, and unified diffs for
// --diff and bundles.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mps {

struct LineChange {
    double ratio = 0;   // (deleted + inserted lines) / (lines in a + lines in b)
    bool exact = true;  // false: a bound (above `stop_above`, or from a quick non-minimal diff)
};

// line_change: the share of changed lines of a minimal line diff: 0 for equal texts, 1 when no
// line is kept. Work stays near-linear whatever the input: the distance is bounded below by
// the lines the two sides cannot share, and when finding the minimal diff would take too long,
// the ratio of a quick anchored diff (an upper bound) is returned with exact = false. Computing
// also stops once the ratio is known to be above `stop_above`; the ratio returned is then some
// number above it.
LineChange line_change(const std::vector<std::string_view>& a,
                       const std::vector<std::string_view>& b, double stop_above = 1.0);

// changed_line_ratio: line_change(a, b, stop_above).ratio.
double changed_line_ratio(const std::vector<std::string_view>& a,
                          const std::vector<std::string_view>& b, double stop_above = 1.0);

// kMaxDiffChanges: unified_diff shows at most this many changed lines; beyond, a one-line
// summary replaces the hunks (the diff's memory grows with the square of the changes).
inline constexpr std::size_t kMaxDiffChanges = 1000;

// unified_diff: `diff -u` style text from `old_text` to `new_text` with `context` lines of
// context, labelled `old_label`/`new_label`; empty when the lines are equal. When more than
// kMaxDiffChanges lines differ, the labels are followed by a one-line summary instead of hunks.
std::string unified_diff(std::string_view old_text, std::string_view new_text,
                         const std::string& old_label, const std::string& new_label,
                         int context = 3);

}  // namespace mps
