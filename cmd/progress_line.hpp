#pragma once
// ProgressLine: mps::Progress drawn as one line on a terminal's stderr, redrawn in place
// ("\r", then the text, then "erase to the end of the line") and cleared at finish, as ninja's
// LinePrinter and ccache's ProgressBar do. Redraws are throttled; calls may come from several
// threads. Nested tasks (a module of verify --all, a download during verify) share the line: the
// enclosing tasks first, briefly, then the innermost one. The Context creates one only when stderr
// is a terminal (see Context::progress_reporter).
#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <mutex>
#include <string>
#include <vector>

#include "util/progress.hpp"

namespace mpscli {

class ProgressLine : public mps::Progress {
  public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;

    // ProgressLine: draws on `err`, at most `width` columns (the last one is left empty), at
    // most once per `interval` of `clock` (the first draw of a task at once).
    ProgressLine(
        std::ostream& err, std::size_t width,
        std::chrono::milliseconds interval = std::chrono::milliseconds(100),
        Clock clock = [] { return std::chrono::steady_clock::now(); });

    void start(std::string_view label, std::string_view unit, std::uint64_t total,
               std::uint64_t total_bytes) override;
    void set_total(std::uint64_t total, std::uint64_t total_bytes) override;
    void advance(std::uint64_t items, std::uint64_t bytes) override;
    void finish() override;

    // text: the line for the current task, without control characters, fitted to the width:
    // "import orders.csv: 51,200/1,000,000 rows (5%)", "check orders.csv: 1,024 rows,
    // 0.1/81.3 MiB (0%)"; under an enclosing task: "verify --all /srv/shop: 3/40 modules ›
    // verify mymod: 120/300 files, 1.2/4.0 MiB (30%)".
    std::string text() const;

  private:
    void draw();  // with lock_ held
    std::ostream& err_;
    std::size_t width_;
    std::chrono::milliseconds interval_;
    Clock clock_;
    mutable std::mutex lock_;
    struct Task {
        std::string label;
        std::string unit;
        std::uint64_t total = 0, total_bytes = 0, items = 0, bytes = 0;
    };
    static std::string task_text(const Task& task, bool brief);
    std::vector<Task> tasks_;  // the running task last; empty: nothing to show
    bool drawn_ = false;
    std::chrono::steady_clock::time_point last_draw_{};
};

// grouped: `n` with thousands separators ("1,000,000").
std::string grouped(std::uint64_t n);

}  // namespace mpscli
