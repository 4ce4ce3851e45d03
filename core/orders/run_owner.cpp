#include "orders/run_owner.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include "orders/date.hpp"

namespace mps {
namespace {

std::string host_name() {
    char buffer[256] = {0};
    if (gethostname(buffer, sizeof buffer - 1) != 0) return "localhost";
    return buffer;
}

// process_start: field 22 of /proc/PID/stat (start time), or "" when there is no such live
// process (zombies count as gone).
std::string process_start(long pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat;
    if (!std::getline(in, stat)) return "";
    auto close = stat.rfind(')');
    if (close == std::string::npos) return "";
    std::istringstream fields(stat.substr(close + 2));
    std::string field;
    std::string state;
    for (int i = 3; i <= 22 && (fields >> field); ++i) {
        if (i == 3) state = field;
        if (i == 22) return (state == "Z" || state == "X") ? "" : field;
    }
    return "";
}

}  // namespace

std::string current_owner() {
    long pid = static_cast<long>(getpid());
    return host_name() + ":" + std::to_string(pid) + ":" + process_start(pid);
}

bool claim_is_stale(const ReminderRecord& record, std::chrono::system_clock::time_point now,
                    std::chrono::seconds max_age) {
    const std::string& owner = record.owner;
    auto last = owner.rfind(':');
    auto middle = last == std::string::npos ? std::string::npos : owner.rfind(':', last - 1);
    if (middle == std::string::npos) return true;
    std::string host = owner.substr(0, middle);
    if (host == host_name()) {
        long pid = std::strtol(owner.c_str() + middle + 1, nullptr, 10);
        std::string start = owner.substr(last + 1);
        if (pid <= 0) return true;
        if (kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) return true;
        return process_start(pid) != start;
    }
    return record.claimed_at < iso_utc(now - max_age);
}

}  // namespace mps
