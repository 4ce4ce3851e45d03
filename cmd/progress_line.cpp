#include "progress_line.hpp"

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
    active_ = true;
    label_ = mps::printable(label);
    unit_ = mps::printable(unit);
    total_ = total;
    total_bytes_ = total_bytes;
    items_ = bytes_ = 0;
    draw();
}

void ProgressLine::advance(std::uint64_t items, std::uint64_t bytes) {
    std::lock_guard<std::mutex> hold(lock_);
    if (!active_) return;
    items_ += items;
    bytes_ += bytes;
    if (clock_() - last_draw_ >= interval_) draw();
}

void ProgressLine::finish() {
    std::lock_guard<std::mutex> hold(lock_);
    if (drawn_) err_ << "\r\x1b[K" << std::flush;
    active_ = drawn_ = false;
}

std::string ProgressLine::text() const {
    std::string line = label_ + ":";
    std::string parts;
    if (!unit_.empty()) {
        parts = grouped(items_);
        if (total_ > 0) parts += "/" + grouped(total_);
        parts += " " + unit_;
    }
    if (bytes_ > 0 || total_bytes_ > 0) {
        if (!parts.empty()) parts += ",";
        parts += (parts.empty() ? "" : " ") + mib(bytes_);
        parts += total_bytes_ > 0 ? "/" + mib(total_bytes_) + " MiB" : " MiB";
    }
    if (!parts.empty()) line += " " + parts;
    std::uint64_t done = total_bytes_ > 0 ? bytes_ : items_;
    std::uint64_t whole = total_bytes_ > 0 ? total_bytes_ : total_;
    if (whole > 0)
        line += " (" + std::to_string(std::min<std::uint64_t>(done * 100 / whole, 100)) + "%)";
    return fitted(line, width_ - 1);
}

void ProgressLine::draw() {
    err_ << "\r" << text() << "\x1b[K" << std::flush;
    drawn_ = true;
    last_draw_ = clock_();
}

}  // namespace mpscli
