#include "integrity/line_diff.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <unordered_map>

#include "util/text.hpp"

namespace mps {
namespace {

// Lines as small integers, so the inner loop compares ints instead of strings.
struct Interned {
    std::vector<int> a, b;
    std::size_t ids = 0;  // distinct lines
};

// Trimmed: a and b without their common first and last lines (they cost nothing).
struct Trimmed {
    std::size_t head = 0, tail = 0, n = 0, m = 0;
};

Trimmed trim_common(const std::vector<std::string_view>& a,
                    const std::vector<std::string_view>& b) {
    Trimmed t;
    while (t.head < a.size() && t.head < b.size() && a[t.head] == b[t.head]) ++t.head;
    while (t.tail < a.size() - t.head && t.tail < b.size() - t.head &&
           a[a.size() - 1 - t.tail] == b[b.size() - 1 - t.tail])
        ++t.tail;
    t.n = a.size() - t.head - t.tail;
    t.m = b.size() - t.head - t.tail;
    return t;
}

// intern: the lines between the common head and tail as small integers.
Interned intern(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b,
                const Trimmed& t) {
    std::unordered_map<std::string_view, int> ids;
    ids.reserve(t.n + t.m);
    Interned out;
    auto id_of = [&](std::string_view line) {
        return ids.emplace(line, static_cast<int>(ids.size())).first->second;
    };
    out.a.reserve(t.n);
    out.b.reserve(t.m);
    for (std::size_t i = t.head; i < t.head + t.n; ++i) out.a.push_back(id_of(a[i]));
    for (std::size_t j = t.head; j < t.head + t.m; ++j) out.b.push_back(id_of(b[j]));
    out.ids = ids.size();
    return out;
}

// Steps of the Myers search before giving up on an exact answer (about 0.1 s): the search costs
// O((n + m) * D), which turned 1 line against 200,000 into 10 s.
constexpr std::size_t kWorkBudget = 40'000'000;

struct Distance {
    enum Stop { found, over_limit, over_budget } stop;
    std::size_t d;  // found: the distance; over_budget: the distance is above d
};

// edit_distance: minimal deletions + insertions turning a[0..n) into b[0..m), when at most
// `limit` and found within kWorkBudget steps.
Distance edit_distance(const int* a, std::size_t n, const int* b, std::size_t m,
                       std::size_t limit) {
    const std::ptrdiff_t max = static_cast<std::ptrdiff_t>(std::min(n + m, limit));
    std::vector<std::ptrdiff_t> v(2 * max + 3, 0);
    const std::ptrdiff_t offset = max + 1;
    const auto N = static_cast<std::ptrdiff_t>(n), M = static_cast<std::ptrdiff_t>(m);
    std::size_t work = 0;
    for (std::ptrdiff_t d = 0; d <= max; ++d) {
        for (std::ptrdiff_t k = -d; k <= d; k += 2) {
            std::ptrdiff_t x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]))
                                   ? v[offset + k + 1]
                                   : v[offset + k - 1] + 1;
            std::ptrdiff_t y = x - k;
            std::ptrdiff_t start = x;
            while (x < N && y < M && a[x] == b[y]) ++x, ++y;
            work += static_cast<std::size_t>(x - start) + 1;
            v[offset + k] = x;
            if (x >= N && y >= M) return {Distance::found, static_cast<std::size_t>(d)};
        }
        if (work > kWorkBudget) return {Distance::over_budget, static_cast<std::size_t>(d)};
    }
    return {Distance::over_limit, limit};
}

// common_bound: an upper bound of the longest common subsequence: the lines both sides could
// share, counted with multiplicity. n + m - 2 * common_bound is a lower bound of the distance.
std::size_t common_bound(const int* a, std::size_t n, const int* b, std::size_t m,
                         std::size_t ids) {
    std::vector<std::uint32_t> count(ids, 0);
    for (std::size_t i = 0; i < n; ++i) ++count[static_cast<std::size_t>(a[i])];
    std::size_t common = 0;
    for (std::size_t j = 0; j < m; ++j) {
        auto& c = count[static_cast<std::size_t>(b[j])];
        if (c) --c, ++common;
    }
    return common;
}

// anchored_matches: the kept lines of a quick, not always minimal, diff (as patience diff
// does): lines that occur once on each side are anchors when in the same order (longest
// increasing run), and equal lines next to anchors are kept too. O((n + m) log n).
std::size_t anchored_matches(const int* a, std::size_t n, const int* b, std::size_t m,
                             std::size_t ids) {
    constexpr std::uint32_t kNone = 0xFFFFFFFFu;
    std::vector<std::uint32_t> count_a(ids, 0), count_b(ids, 0), where_b(ids, kNone);
    for (std::size_t i = 0; i < n; ++i) ++count_a[static_cast<std::size_t>(a[i])];
    for (std::size_t j = 0; j < m; ++j) {
        auto id = static_cast<std::size_t>(b[j]);
        ++count_b[id];
        where_b[id] = static_cast<std::uint32_t>(j);
    }
    std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;  // (i, j), by i
    for (std::size_t i = 0; i < n; ++i) {
        auto id = static_cast<std::size_t>(a[i]);
        if (count_a[id] == 1 && count_b[id] == 1)
            pairs.emplace_back(static_cast<std::uint32_t>(i), where_b[id]);
    }
    count_a = {};
    count_b = {};
    where_b = {};
    // Longest run of pairs increasing in j (patience sorting).
    std::vector<std::uint32_t> tails, previous(pairs.size(), kNone);
    for (std::uint32_t p = 0; p < pairs.size(); ++p) {
        auto it =
            std::lower_bound(tails.begin(), tails.end(), pairs[p].second,
                             [&](std::uint32_t t, std::uint32_t j) { return pairs[t].second < j; });
        if (it != tails.begin()) previous[p] = *(it - 1);
        if (it == tails.end())
            tails.push_back(p);
        else
            *it = p;
    }
    std::vector<std::pair<std::uint32_t, std::uint32_t>> anchors;
    for (std::uint32_t p = tails.empty() ? kNone : tails.back(); p != kNone; p = previous[p])
        anchors.push_back(pairs[p]);
    std::reverse(anchors.begin(), anchors.end());
    anchors.emplace_back(static_cast<std::uint32_t>(n),
                         static_cast<std::uint32_t>(m));  // end sentinel

    std::size_t matches = anchors.size() - 1;
    std::size_t x = 0, y = 0;
    for (const auto& [ai, bj] : anchors) {
        while (x < ai && y < bj && a[x] == b[y]) ++x, ++y, ++matches;
        std::size_t xe = ai, ye = bj;
        while (xe > x && ye > y && a[xe - 1] == b[ye - 1]) --xe, --ye, ++matches;
        x = ai + 1, y = bj + 1;
    }
    return matches;
}

enum class Op : char { keep, del, ins };

// edit_script: a minimal script turning a[0..n) into b[0..m) when it has at most `max_d`
// changes and is found within kWorkBudget steps; nothing otherwise. The trace keeps, for each
// d, only the 2d + 1 diagonals of that round: (max_d + 1)² numbers at most (4 MB for 1000),
// where it kept a whole vector per round before (256 MB for 4000).
std::optional<std::vector<Op>> edit_script(const int* a, std::size_t n, const int* b, std::size_t m,
                                           std::size_t max_d) {
    const auto N = static_cast<std::ptrdiff_t>(n), M = static_cast<std::ptrdiff_t>(m);
    const std::ptrdiff_t max = std::min<std::ptrdiff_t>(N + M, static_cast<std::ptrdiff_t>(max_d));
    const std::ptrdiff_t offset = max + 1;
    std::vector<std::ptrdiff_t> v(2 * max + 3, 0);
    std::vector<std::int32_t> trace;  // round d at d², diagonal k at d² + k + d
    auto traced = [&](std::ptrdiff_t d, std::ptrdiff_t k) -> std::ptrdiff_t {
        return trace[d * d + k + d];
    };
    std::ptrdiff_t found = -1;
    std::size_t work = 0;
    for (std::ptrdiff_t d = 0; d <= max && found < 0; ++d) {
        for (std::ptrdiff_t k = -d; k <= d; k += 2) {
            std::ptrdiff_t x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]))
                                   ? v[offset + k + 1]
                                   : v[offset + k - 1] + 1;
            std::ptrdiff_t y = x - k;
            std::ptrdiff_t start = x;
            while (x < N && y < M && a[x] == b[y]) ++x, ++y;
            work += static_cast<std::size_t>(x - start) + 1;
            v[offset + k] = x;
            if (x >= N && y >= M) {
                found = d;
                break;
            }
        }
        if (found >= 0) break;
        if (work > kWorkBudget) return std::nullopt;
        for (std::ptrdiff_t k = -d; k <= d; ++k)
            trace.push_back(static_cast<std::int32_t>(v[offset + k]));
    }
    if (found < 0) return std::nullopt;
    std::vector<Op> ops;
    std::ptrdiff_t x = N, y = M;
    for (std::ptrdiff_t d = found; d > 0; --d) {
        std::ptrdiff_t k = x - y;
        std::ptrdiff_t prev_k =
            (k == -d || (k != d && traced(d - 1, k - 1) < traced(d - 1, k + 1))) ? k + 1 : k - 1;
        std::ptrdiff_t prev_x = traced(d - 1, prev_k);
        std::ptrdiff_t prev_y = prev_x - prev_k;
        while (x > prev_x && y > prev_y) {
            ops.push_back(Op::keep);
            --x, --y;
        }
        ops.push_back(x == prev_x ? Op::ins : Op::del);
        x = prev_x, y = prev_y;
    }
    while (x > 0 && y > 0) {
        ops.push_back(Op::keep);
        --x, --y;
    }
    std::reverse(ops.begin(), ops.end());
    return ops;
}

}  // namespace

LineChange line_change(const std::vector<std::string_view>& a,
                       const std::vector<std::string_view>& b, double stop_above) {
    const std::size_t total = a.size() + b.size();
    if (total == 0) return {0.0, true};
    auto ratio = [&](std::size_t d) {
        return static_cast<double>(std::min(d, total)) / static_cast<double>(total);
    };
    // Common head and tail cost nothing; strip them before the expensive part.
    Trimmed t = trim_common(a, b);
    const std::size_t n = t.n, m = t.m;
    if (n == 0 || m == 0) return {ratio(n + m), true};
    // D <= limit is a ratio at or below stop_above; D is at least the size difference.
    const auto limit =
        static_cast<std::size_t>(std::max(0.0, stop_above) * static_cast<double>(total));
    if ((n > m ? n - m : m - n) > limit) return {ratio(n > m ? n - m : m - n), false};
    Interned lines = intern(a, b, t);
    const int* pa = lines.a.data();
    const int* pb = lines.b.data();
    std::size_t lower = n + m - 2 * common_bound(pa, n, pb, m, lines.ids);
    if (lower == n + m) return {ratio(lower), true};  // nothing in common
    if (lower > limit) return {ratio(lower), false};
    Distance found = edit_distance(pa, n, pb, m, limit);
    if (found.stop == Distance::found) return {ratio(found.d), true};
    if (found.stop == Distance::over_limit) return {ratio(limit + 1), false};
    // Too long to find the minimal diff: bound it from both sides.
    lower = std::max(lower, found.d + 1);
    if ((lower ^ (n + m)) & 1) ++lower;  // n + m - 2 * kept has the parity of n + m
    std::size_t upper = n + m - 2 * anchored_matches(pa, n, pb, m, lines.ids);
    if (upper <= lower) return {ratio(upper), true};
    if (lower > limit) return {ratio(lower), false};
    return {ratio(upper), false};
}

double changed_line_ratio(const std::vector<std::string_view>& a,
                          const std::vector<std::string_view>& b, double stop_above) {
    return line_change(a, b, stop_above).ratio;
}

std::string unified_diff(std::string_view old_text, std::string_view new_text,
                         const std::string& old_label, const std::string& new_label, int context) {
    auto a_lines = split_lines(old_text);
    auto b_lines = split_lines(new_text);
    Trimmed t = trim_common(a_lines, b_lines);
    if (t.n == 0 && t.m == 0) return {};
    std::string out = "--- " + old_label + "\n+++ " + new_label + "\n";
    Interned lines = intern(a_lines, b_lines, t);
    const int* pa = lines.a.data();
    const int* pb = lines.b.data();
    std::optional<std::vector<Op>> middle;
    if (t.n + t.m - 2 * common_bound(pa, t.n, pb, t.m, lines.ids) <= kMaxDiffChanges)
        middle = edit_script(pa, t.n, pb, t.m, kMaxDiffChanges);
    if (!middle)
        return out + "(diff not shown: more than " + std::to_string(kMaxDiffChanges) +
               " lines differ, or too long to " + "compare; " + std::to_string(a_lines.size()) +
               " lines before, " + std::to_string(b_lines.size()) + " after)\n";
    std::vector<Op> ops(t.head, Op::keep);
    ops.insert(ops.end(), middle->begin(), middle->end());
    ops.insert(ops.end(), t.tail, Op::keep);

    const std::size_t count = ops.size();
    const auto ctx = static_cast<std::size_t>(std::max(0, context));
    // Positions in a and b before each op.
    std::vector<std::size_t> pos_a(count + 1), pos_b(count + 1);
    for (std::size_t i = 0; i < count; ++i) {
        pos_a[i + 1] = pos_a[i] + (ops[i] != Op::ins);
        pos_b[i + 1] = pos_b[i] + (ops[i] != Op::del);
    }
    std::size_t i = 0;
    while (i < count) {
        while (i < count && ops[i] == Op::keep) ++i;
        if (i == count) break;
        // Grow the hunk while changes are within 2*ctx kept lines of each other.
        std::size_t start = i >= ctx ? i - ctx : 0;
        std::size_t end = i;
        for (;;) {
            while (end < count && ops[end] != Op::keep) ++end;
            std::size_t next = end;
            while (next < count && ops[next] == Op::keep) ++next;
            if (next < count && next - end <= 2 * ctx) {
                end = next;
                continue;
            }
            end = std::min(count, end + ctx);
            break;
        }
        std::size_t a_len = pos_a[end] - pos_a[start], b_len = pos_b[end] - pos_b[start];
        out += "@@ -" + std::to_string(a_len ? pos_a[start] + 1 : pos_a[start]) + "," +
               std::to_string(a_len) + " +" +
               std::to_string(b_len ? pos_b[start] + 1 : pos_b[start]) + "," +
               std::to_string(b_len) + " @@\n";
        for (std::size_t j = start; j < end; ++j) {
            switch (ops[j]) {
                case Op::keep:
                    out += " " + std::string(a_lines[pos_a[j]]) + "\n";
                    break;
                case Op::del:
                    out += "-" + std::string(a_lines[pos_a[j]]) + "\n";
                    break;
                case Op::ins:
                    out += "+" + std::string(b_lines[pos_b[j]]) + "\n";
                    break;
            }
        }
        i = end;
    }
    return out;
}

}  // namespace mps
