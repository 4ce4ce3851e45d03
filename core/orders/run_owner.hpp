#pragma once
// Who holds a reminder claim: "host:pid:start-time" of the running process, and whether a
// recorded owner is gone (so its claims can be taken over).
#include <chrono>
#include <string>

#include "orders/ledger.hpp"

namespace mps {

// current_owner: this process as "host:pid:start-time" (start time in clock ticks since boot).
std::string current_owner();

// claim_is_stale: true when the run that claimed `record` is gone: on this host, no live
// process has its pid and start time; on another host, the claim is older than `max_age`.
bool claim_is_stale(const ReminderRecord& record, std::chrono::system_clock::time_point now,
                    std::chrono::seconds max_age = std::chrono::hours(1));

}  // namespace mps
