#pragma once
// PrestaShop's logs (PRESTASHOP.md "Files on the server"): which files to collect and which of
// their lines are errors about a module. Pure logic, shared by local and remote collection.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "report/report.hpp"

namespace mps {

struct LogTail {
    std::string path;        // relative to the shop root, e.g. "var/logs/20261126_exception.log"
    std::uint64_t size = 0;  // whole file size on the server
    std::int64_t mtime = 0;  // seconds since the epoch
    std::string tail;        // the last bytes read (at most the tail limit)
    bool truncated = false;  // the file is larger than its tail
};

// log_folders: where PrestaShop writes logs: var/logs (1.7+), log (1.6).
const std::vector<std::string>& log_folders();

// is_log_file_name: *.log files, the exception logs and Symfony's prod/dev logs among them.
bool is_log_file_name(std::string_view name);

// select_recent_logs: of (path, size, mtime) candidates, those modified within `since_days` of
// `now`, newest first, at most `max_files`.
std::vector<LogTail> select_recent_logs(std::vector<LogTail> candidates, std::int64_t now,
                                        int since_days, std::size_t max_files = 20);

// error_lines_about: lines of `text` that are errors (PrestaShop's *ERROR*, Symfony's .ERROR,
// .CRITICAL, .ALERT, .EMERGENCY, PHP Fatal/Parse errors, uncaught exceptions) and name
// `module` (case-insensitive). A partial first line (the tail cut it) is skipped.
std::vector<std::string> error_lines_about(std::string_view text, const std::string& module,
                                           bool starts_mid_line);

// logs_collect_check / logs_errors_check: the logs.collect and logs.errors checks.
Check logs_collect_check(const std::vector<LogTail>& logs, int since_days, std::size_t tail_bytes);
Check logs_errors_check(const std::vector<LogTail>& logs, const std::string& module);

}  // namespace mps
