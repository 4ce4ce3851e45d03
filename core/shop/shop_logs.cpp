#include "shop/shop_logs.hpp"

#include <algorithm>
#include <cctype>

#include "report/check_ids.hpp"
#include "util/text.hpp"

namespace mps {
namespace {

bool is_error_line(std::string_view line) {
    for (std::string_view marker : {"*ERROR*", ".ERROR:", ".CRITICAL:", ".ALERT:", ".EMERGENCY:",
                                    "PHP Fatal error", "Fatal error:", "Parse error:", "Uncaught "})
        if (line.find(marker) != std::string_view::npos) return true;
    return false;
}

}  // namespace

const std::vector<std::string>& log_folders() {
    static const std::vector<std::string> folders = {"var/logs", "log"};
    return folders;
}

bool is_log_file_name(std::string_view name) {
    return name.size() > 4 && name.substr(name.size() - 4) == ".log";
}

std::vector<LogTail> select_recent_logs(std::vector<LogTail> candidates, std::int64_t now,
                                        int since_days, std::size_t max_files) {
    std::int64_t oldest = now - static_cast<std::int64_t>(since_days) * 86400;
    std::erase_if(candidates, [&](const LogTail& log) { return log.mtime < oldest; });
    std::sort(candidates.begin(), candidates.end(), [](const LogTail& a, const LogTail& b) {
        return a.mtime != b.mtime ? a.mtime > b.mtime : a.path < b.path;
    });
    if (candidates.size() > max_files) candidates.resize(max_files);
    return candidates;
}

std::vector<std::string> error_lines_about(std::string_view text, const std::string& module,
                                           bool starts_mid_line) {
    std::vector<std::string> out;
    auto lines = split_lines(text);
    for (std::size_t i = starts_mid_line ? 1 : 0; i < lines.size(); ++i) {
        std::string_view line = lines[i];
        if (is_error_line(line) && contains_nocase(line, module))
            out.emplace_back(line.substr(0, 2000));
    }
    return out;
}

Check logs_collect_check(const std::vector<LogTail>& logs, int since_days, std::size_t tail_bytes) {
    Check check{check_id::logs_collect};
    nlohmann::json files = nlohmann::json::array();
    std::uint64_t bytes = 0;
    for (const auto& log : logs) {
        files.push_back({{"path", log.path},
                         {"size", log.size},
                         {"mtime", log.mtime},
                         {"truncated", log.truncated}});
        bytes += log.tail.size();
    }
    check.data = {
        {"files", files}, {"bytes", bytes}, {"since_days", since_days}, {"tail_bytes", tail_bytes}};
    if (logs.empty()) {
        check.status = Status::warn;
        check.message = "no log files changed in the last " + std::to_string(since_days) +
                        " days (var/logs/, log/)";
        check.hint = "reproduce the problem, then collect again; or raise --since";
    } else {
        check.message = "collected the last " + std::to_string(tail_bytes / 1024) + " KiB of " +
                        std::to_string(logs.size()) + " recent log file(s)";
    }
    return check;
}

Check logs_errors_check(const std::vector<LogTail>& logs, const std::string& module) {
    Check check{check_id::logs_errors};
    nlohmann::json found = nlohmann::json::array();
    std::size_t count = 0;
    // Oldest file first, so the kept lines end with the newest.
    for (auto it = logs.rbegin(); it != logs.rend(); ++it) {
        const auto& log = *it;
        for (auto& line : error_lines_about(log.tail, module, log.truncated)) {
            ++count;
            found.push_back({{"file", log.path}, {"line", line}});
            // The newest lines matter most: keep the last 50.
            if (found.size() > 50) found.erase(found.begin());
        }
    }
    check.data = {{"count", count}, {"lines", found}};
    if (count == 0) {
        check.message = "no recent errors mention " + module;
    } else {
        check.status = Status::warn;
        check.message = std::to_string(count) + " recent error line(s) mention " + module;
        check.hint = "include these lines in the ticket (the bundle carries them)";
    }
    return check;
}

}  // namespace mps
