#include "integrity/line_diff.hpp"

#include <algorithm>
#include <unordered_map>

#include "util/text.hpp"

namespace mps {
namespace {

// Lines as small integers, so the inner loop compares ints instead of strings.
struct Interned {
    std::vector<int> a, b;
};

Interned intern(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
    std::unordered_map<std::string_view, int> ids;
    ids.reserve(a.size() + b.size());
    Interned out;
    auto id_of = [&](std::string_view line) { return ids.emplace(line, static_cast<int>(ids.size())).first->second; };
    out.a.reserve(a.size());
    out.b.reserve(b.size());
    for (auto line : a) out.a.push_back(id_of(line));
    for (auto line : b) out.b.push_back(id_of(line));
    return out;
}

// edit_distance: minimal deletions + insertions turning a[lo..] into b[lo..]; returns
// limit + 1 as soon as it is known to exceed `limit`.
std::size_t edit_distance(const int* a, std::size_t n, const int* b, std::size_t m, std::size_t limit) {
    const std::ptrdiff_t max = static_cast<std::ptrdiff_t>(std::min(n + m, limit));
    std::vector<std::ptrdiff_t> v(2 * max + 3, 0);
    const std::ptrdiff_t offset = max + 1;
    const auto N = static_cast<std::ptrdiff_t>(n), M = static_cast<std::ptrdiff_t>(m);
    for (std::ptrdiff_t d = 0; d <= max; ++d) {
        for (std::ptrdiff_t k = -d; k <= d; k += 2) {
            std::ptrdiff_t x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) ? v[offset + k + 1]
                                                                                               : v[offset + k - 1] + 1;
            std::ptrdiff_t y = x - k;
            while (x < N && y < M && a[x] == b[y]) ++x, ++y;
            v[offset + k] = x;
            if (x >= N && y >= M) return static_cast<std::size_t>(d);
        }
    }
    return limit + 1;
}

enum class Op : char { keep, del, ins };

// edit_script: a minimal script when the distance is at most `limit`, else a correct but
// coarse one (delete all, insert all); memory stays bounded by limit².
std::vector<Op> edit_script(const std::vector<int>& a, const std::vector<int>& b, std::size_t limit) {
    const auto N = static_cast<std::ptrdiff_t>(a.size()), M = static_cast<std::ptrdiff_t>(b.size());
    const std::ptrdiff_t max = std::min<std::ptrdiff_t>(N + M, static_cast<std::ptrdiff_t>(limit));
    const std::ptrdiff_t offset = max + 1;
    std::vector<std::ptrdiff_t> v(2 * max + 3, 0);
    std::vector<std::vector<std::ptrdiff_t>> trace;
    std::ptrdiff_t found = -1;
    for (std::ptrdiff_t d = 0; d <= max && found < 0; ++d) {
        trace.push_back(v);
        for (std::ptrdiff_t k = -d; k <= d; k += 2) {
            std::ptrdiff_t x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) ? v[offset + k + 1]
                                                                                               : v[offset + k - 1] + 1;
            std::ptrdiff_t y = x - k;
            while (x < N && y < M && a[x] == b[y]) ++x, ++y;
            v[offset + k] = x;
            if (x >= N && y >= M) {
                found = d;
                break;
            }
        }
    }
    std::vector<Op> ops;
    if (found < 0) {
        ops.assign(a.size(), Op::del);
        ops.insert(ops.end(), b.size(), Op::ins);
        return ops;
    }
    std::ptrdiff_t x = N, y = M;
    for (std::ptrdiff_t d = found; d > 0; --d) {
        const auto& vd = trace[d];
        std::ptrdiff_t k = x - y;
        std::ptrdiff_t prev_k = (k == -d || (k != d && vd[offset + k - 1] < vd[offset + k + 1])) ? k + 1 : k - 1;
        std::ptrdiff_t prev_x = vd[offset + prev_k];
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

double changed_line_ratio(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b,
                          double stop_above) {
    const std::size_t total = a.size() + b.size();
    if (total == 0) return 0.0;
    Interned lines = intern(a, b);
    // Common head and tail cost nothing; strip them before the quadratic part.
    std::size_t head = 0;
    while (head < lines.a.size() && head < lines.b.size() && lines.a[head] == lines.b[head]) ++head;
    std::size_t tail = 0;
    while (tail < lines.a.size() - head && tail < lines.b.size() - head &&
           lines.a[lines.a.size() - 1 - tail] == lines.b[lines.b.size() - 1 - tail])
        ++tail;
    std::size_t n = lines.a.size() - head - tail, m = lines.b.size() - head - tail;
    auto limit = static_cast<std::size_t>(std::max(0.0, stop_above) * static_cast<double>(total)) + 1;
    std::size_t d = edit_distance(lines.a.data() + head, n, lines.b.data() + head, m, limit);
    return static_cast<double>(std::min(d, total)) / static_cast<double>(total);
}

std::string unified_diff(std::string_view old_text, std::string_view new_text, const std::string& old_label,
                         const std::string& new_label, int context) {
    auto a_lines = split_lines(old_text);
    auto b_lines = split_lines(new_text);
    Interned lines = intern(a_lines, b_lines);
    if (lines.a == lines.b) return {};
    std::vector<Op> ops = edit_script(lines.a, lines.b, 4000);

    std::string out = "--- " + old_label + "\n+++ " + new_label + "\n";
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
        out += "@@ -" + std::to_string(a_len ? pos_a[start] + 1 : pos_a[start]) + "," + std::to_string(a_len) + " +" +
               std::to_string(b_len ? pos_b[start] + 1 : pos_b[start]) + "," + std::to_string(b_len) + " @@\n";
        for (std::size_t j = start; j < end; ++j) {
            switch (ops[j]) {
                case Op::keep: out += " " + std::string(a_lines[pos_a[j]]) + "\n"; break;
                case Op::del: out += "-" + std::string(a_lines[pos_a[j]]) + "\n"; break;
                case Op::ins: out += "+" + std::string(b_lines[pos_b[j]]) + "\n"; break;
            }
        }
        i = end;
    }
    return out;
}

}  // namespace mps
