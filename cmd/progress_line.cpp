#include "progress_line.hpp"

#include <algorithm>
#include <cstdio>
#include <ostream>

#include "util/text.hpp"

namespace mpscli {

std::string grouped(std::uint64_t n) {
    std::string digits = std::to_string(n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

namespace {

std::string mib(std::uint64_t bytes) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f", static_cast<double>(bytes) / (1024.0 * 1024.0));
    return buffer;
}

// fitted: `text` cut to at most `columns` code points (a "…" marks the cut).
std::string fitted(const std::string& text, std::size_t columns) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
        if (++count == columns && columns > 0) {
            // Is there more after this code point?
            std::size_t next = i + 1;
            while (next < text.size() && (static_cast<unsigned char>(text[next]) & 0xC0) == 0x80)
                ++next;
            if (next < text.size()) return text.substr(0, i) + "…";
            return text;
        }
    }
    return text;
}

}  // namespace

ProgressLine::ProgressLine(std::ostream& err, std::size_t width, std::chrono::milliseconds interval,
                           Clock clock)
    : err_(err), width_(width < 20 ? 20 : width), interval_(interval), clock_(std::move(clock)) {}

void ProgressLine::start(std::string_view label, std::string_view unit, std::uint64_t total,
                         std::uint64_t total_bytes) {
    std::lock_guard<std::mutex> hold(lock_);
    tasks_.push_back(Task{mps::printable(label), mps::printable(unit), total, total_bytes, 0, 0});
    draw();
}

void ProgressLine::set_total(std::uint64_t total, std::uint64_t total_bytes) {
    std::lock_guard<std::mutex> hold(lock_);
    if (tasks_.empty()) return;
    tasks_.back().total = total;
    tasks_.back().total_bytes = total_bytes;
    if (clock_() - last_draw_ >= interval_) draw();
}

void ProgressLine::advance(std::uint64_t items, std::uint64_t bytes) {
    std::lock_guard<std::mutex> hold(lock_);
    if (tasks_.empty()) return;
    tasks_.back().items += items;
    tasks_.back().bytes += bytes;
    if (clock_() - last_draw_ >= interval_) draw();
}

void ProgressLine::finish() {
    std::lock_guard<std::mutex> hold(lock_);
    if (!tasks_.empty()) tasks_.pop_back();
    if (!tasks_.empty()) {
        draw();  // back to the enclosing task
        return;
    }
    if (drawn_) err_ << "\r\x1b[K" << std::flush;
    drawn_ = false;
}

std::string ProgressLine::task_text(const Task& task, bool brief) {
    std::string line = task.label + ":";
    std::string parts;
    if (!task.unit.empty()) {
        parts = grouped(task.items);
        if (task.total > 0) parts += "/" + grouped(task.total);
        parts += " " + task.unit;
    }
    if (brief) return parts.empty() ? task.label : line + " " + parts;
    if (task.bytes > 0 || task.total_bytes > 0) {
        if (!parts.empty()) parts += ",";
        parts += (parts.empty() ? "" : " ") + mib(task.bytes);
        parts += task.total_bytes > 0 ? "/" + mib(task.total_bytes) + " MiB" : " MiB";
    }
    if (!parts.empty()) line += " " + parts;
    std::uint64_t done = task.total_bytes > 0 ? task.bytes : task.items;
    std::uint64_t whole = task.total_bytes > 0 ? task.total_bytes : task.total;
    if (whole > 0)
        line += " (" + std::to_string(std::min<std::uint64_t>(done * 100 / whole, 100)) + "%)";
    return line;
}

std::string ProgressLine::text() const {
    std::string line;
    for (std::size_t i = 0; i < tasks_.size(); ++i) {
        if (i > 0) line += " › ";
        line += task_text(tasks_[i], i + 1 < tasks_.size());
    }
    return fitted(line, width_ - 1);
}

void ProgressLine::draw() {
    err_ << "\r" << text() << "\x1b[K" << std::flush;
    drawn_ = true;
    last_draw_ = clock_();
}

}  // namespace mpscli
