#pragma once
// Timestamps as written in manifests, the ledger and JSON: ISO 8601 in UTC.
#include <chrono>
#include <string>

namespace mps {

// iso_utc: "YYYY-MM-DDTHH:MM:SSZ" of `when`.
std::string iso_utc(std::chrono::system_clock::time_point when);

}  // namespace mps
