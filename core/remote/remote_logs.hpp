#pragma once
// Collecting a shop's recent logs from its server: only the tail of each file is read, by seeking.
#include <cstdint>
#include <string>
#include <vector>

#include "shop/shop_logs.hpp"

namespace mps {

class RemoteFiles;

// collect_remote_logs: the last `tail_bytes` of every log file under var/logs/ and log/ of
// `shop_root` modified within `since_days` of `now` (seconds since the epoch), newest first.
std::vector<LogTail> collect_remote_logs(RemoteFiles& files, const std::string& shop_root,
                                         std::int64_t now, int since_days, std::size_t tail_bytes);

}  // namespace mps
