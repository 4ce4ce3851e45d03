#pragma once
// Progress: how core reports the advance of long work (rows imported, mails sent, files and
// bytes checked) to whoever shows it. Core calls it; cmd/ decides whether and how it is drawn
// (a redrawn line on a terminal's stderr, cmd/progress_line.hpp). The default does nothing,
// so core never needs to know whether anyone is watching. Calls may come from worker threads
// only where the caller's options say so; implementations used there must be thread-safe.
#include <cstdint>
#include <string>
#include <string_view>

namespace mps {

class Progress {
  public:
    virtual ~Progress() = default;
    // start: a new task named `label` (e.g. "import orders.csv") counting `unit` (plural:
    // "rows", "mails", "files"); `total` items and `total_bytes` bytes to expect (0: unknown).
    virtual void start(std::string_view label, std::string_view unit, std::uint64_t total,
                       std::uint64_t total_bytes) {
        (void)label, (void)unit, (void)total, (void)total_bytes;
    }
    // set_total: the totals of the current task became known (or better known) after start:
    // `total` items and `total_bytes` bytes (0: unknown). What was done so far stays.
    virtual void set_total(std::uint64_t total, std::uint64_t total_bytes) {
        (void)total, (void)total_bytes;
    }
    // advance: `items` more items done and `bytes` more bytes read or sent.
    virtual void advance(std::uint64_t items, std::uint64_t bytes = 0) { (void)items, (void)bytes; }
    // finish: the task is over (done or failed): whatever was drawn is cleared. Tasks nest: a
    // start() before the finish() of the running task starts a sub-task (a module of verify
    // --all, a download during verify); its finish() returns to the enclosing task.
    virtual void finish() {}
};

// no_progress: a Progress that does nothing (for options that were given none).
Progress& no_progress();

// progress_or_none: `progress`, or no_progress() when it is null.
inline Progress& progress_or_none(Progress* progress) {
    return progress ? *progress : no_progress();
}

// ProgressTask: start() now and finish() when it goes out of scope, also on an exception, so a
// terminal line is cleared before the error is printed.
class ProgressTask {
  public:
    ProgressTask(Progress* progress, std::string_view label, std::string_view unit,
                 std::uint64_t total = 0, std::uint64_t total_bytes = 0)
        : progress_(progress_or_none(progress)) {
        progress_.start(label, unit, total, total_bytes);
    }
    ~ProgressTask() { progress_.finish(); }
    ProgressTask(const ProgressTask&) = delete;
    ProgressTask& operator=(const ProgressTask&) = delete;
    void advance(std::uint64_t items, std::uint64_t bytes = 0) { progress_.advance(items, bytes); }
    void set_total(std::uint64_t total, std::uint64_t total_bytes = 0) {
        progress_.set_total(total, total_bytes);
    }

  private:
    Progress& progress_;
};

}  // namespace mps
