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
double ratio(const std::string& a, const std::string& b) {
    return changed_line_ratio(split_lines(a), split_lines(b));
}
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
    double r =
        changed_line_ratio(split_lines(numbered(100)), split_lines(numbered(100, 0, 100)), 0.5);
    CHECK(r > 0.5);
}

TEST_CASE("unified_diff writes diff -u hunks", "[diff]") {
    std::string a = numbered(10);
    std::string b = numbered(10, 4, 1);
    std::string expected =
        "--- a/f\n+++ b/f\n@@ -2,7 +2,7 @@\n line 1\n line 2\n line 3\n-line 4\n+changed 4\n line "
        "5\n line 6\n line 7\n";
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

namespace {
// text_of: `count` distinct lines of about 40 bytes, every `every`-th one changed when
// `changed` (0: none).
std::string text_of(int count, int every = 0) {
    std::string out;
    out.reserve(static_cast<std::size_t>(count) * 42);
    for (int i = 0; i < count; ++i) {
        bool changed = every > 0 && i % every == 0;
        out += (changed ? "<div class=\"changed\">" : "<div class=\"item\">{$row") +
               std::to_string(i) + "}</div>\n";
    }
    return out;
}
}  // namespace

// These took seconds to minutes before (O((n + m) * D) without bounds); they must simply finish.
TEST_CASE("changed_line_ratio stays fast on large inputs", "[diff]") {
    // 1 line against 200,000: the size difference alone decides.
    std::string many = text_of(200000);
    auto many_lines = split_lines(many);
    std::vector<std::string_view> one = {many_lines[100000]};
    auto r = line_change(one, many_lines, 0.5);
    CHECK(r.ratio > 0.5);
    CHECK(line_change(one, many_lines).ratio == Approx(199999.0 / 200001.0));
    CHECK(line_change(one, many_lines).exact);  // the one line is an anchor: both bounds meet

    // 8 MiB a side with every 10th line changed: 20% of lines differ.
    std::string big = text_of(240000), edited = text_of(240000, 10);
    REQUIRE(big.size() > (8u << 20));
    auto a = split_lines(big), b = split_lines(edited);
    auto change = line_change(a, b, 0.5);
    CHECK(change.ratio == Approx(0.1));  // the quick anchored diff finds the minimal one here
    CHECK(change.ratio <= 0.5);
    CHECK(line_change(a, b).ratio == Approx(0.1));

    // Every line changed: nothing in common, known at once.
    auto rewritten = split_lines(text_of(240000, 1));
    CHECK(line_change(a, rewritten).ratio == Approx(1.0));
    CHECK(line_change(a, rewritten).exact);

    // Repeated lines only (no anchors), a third of them changed.
    std::string rep_a, rep_b;
    for (int i = 0; i < 300000; ++i) {
        rep_a += i % 2 ? "}\n" : "{\n";
        rep_b += i % 3 == 0 ? "x\n" : (i % 2 ? "}\n" : "{\n");
    }
    auto ra = split_lines(rep_a), rb = split_lines(rep_b);
    auto rep = line_change(ra, rb, 0.5);
    CHECK(rep.ratio > 0.0);
    CHECK(rep.ratio <= 1.0);
}

TEST_CASE("unified_diff summarises instead of holding a huge edit script", "[diff]") {
    // 3,000 changed lines: over kMaxDiffChanges; the edit script's trace grew as D² before.
    std::string a = numbered(20000), b = numbered(20000, 5000, 3000);
    std::string diff = unified_diff(a, b, "a/f", "b/f");
    CHECK(diff.rfind("--- a/f\n+++ b/f\n(diff not shown: more than 1000 lines differ", 0) == 0);
    CHECK(diff.size() < 300);
    // Up to the bound, a real diff; common head and tail are kept as context.
    std::string ok = unified_diff(a, numbered(20000, 5000, 400), "a/f", "b/f");
    CHECK(ok.find("@@ -4998,406 +4998,406 @@") != std::string::npos);
    CHECK(ok.find("-line 5000\n") != std::string::npos);
    CHECK(ok.find("+changed 5399\n") != std::string::npos);
}
