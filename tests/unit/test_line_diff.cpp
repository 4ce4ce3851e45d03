#include <catch2/catch.hpp>

#include "integrity/line_diff.hpp"
#include "util/text.hpp"

using namespace mps;

namespace {
std::string numbered(int count, int changed_from = -1, int changed_count = 0) {
    std::string out;
    for (int i = 0; i < count; ++i) {
        bool changed = i >= changed_from && i < changed_from + changed_count;
        out += (changed ? "changed " : "line ") + std::to_string(i) + "\n";
    }
    return out;
}
double ratio(const std::string& a, const std::string& b) { return changed_line_ratio(split_lines(a), split_lines(b)); }
}  // namespace

TEST_CASE("changed_line_ratio counts deletions and insertions of a minimal diff", "[diff]") {
    CHECK(ratio(numbered(10), numbered(10)) == 0.0);
    // One changed line of ten: 1 deletion + 1 insertion over 20 lines.
    CHECK(ratio(numbered(10), numbered(10, 3, 1)) == Approx(0.1));
    CHECK(ratio(numbered(10), numbered(10, 0, 10)) == Approx(1.0));
    // Appending ten lines to ten: 10 insertions over 30 lines.
    CHECK(ratio(numbered(10), numbered(20)) == Approx(10.0 / 30.0));
    CHECK(ratio("", "a\n") == Approx(1.0));
    CHECK(ratio("", "") == 0.0);
    // Moving a block is a deletion plus an insertion, not a rewrite of everything.
    CHECK(ratio("a\nb\nc\nd\n", "b\nc\nd\na\n") == Approx(2.0 / 8.0));
}

TEST_CASE("changed_line_ratio stops early above the limit", "[diff]") {
    double r = changed_line_ratio(split_lines(numbered(100)), split_lines(numbered(100, 0, 100)), 0.5);
    CHECK(r > 0.5);
}

TEST_CASE("unified_diff writes diff -u hunks", "[diff]") {
    std::string a = numbered(10);
    std::string b = numbered(10, 4, 1);
    std::string expected =
        "--- a/f\n+++ b/f\n@@ -2,7 +2,7 @@\n line 1\n line 2\n line 3\n-line 4\n+changed 4\n line 5\n line 6\n line 7\n";
    CHECK(unified_diff(a, b, "a/f", "b/f") == expected);
    CHECK(unified_diff(a, a, "a/f", "b/f").empty());
    // Two changes far apart make two hunks.
    std::string far = numbered(30);
    std::string far_changed = far;
    far_changed.replace(far_changed.find("line 2\n"), 7, "two\n");
    far_changed.replace(far_changed.find("line 25\n"), 8, "twenty-five\n");
    std::string diff = unified_diff(far, far_changed, "a", "b");
    CHECK(diff.find("@@ -1,6 +1,6 @@") != std::string::npos);
    CHECK(diff.find("@@ -23,7 +23,7 @@") != std::string::npos);
    // Insertion into an empty file.
    CHECK(unified_diff("", "x\n", "a", "b") == "--- a\n+++ b\n@@ -0,0 +1,1 @@\n+x\n");
}
