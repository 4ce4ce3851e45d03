#pragma once
// Small questions about a shop's files (over any RemoteFiles), shared by verify and diagnose: what
// exists, a few small files, and which PrestaShop the root holds.
#include <map>
#include <string>
#include <vector>

#include "report/report.hpp"

namespace mps {

class RemoteFiles;

// stat_kinds: which of `paths` are folders (true), other things (false), or absent; one round trip.
std::map<std::string, bool> stat_kinds(RemoteFiles& files, const std::vector<std::string>& paths);

// fetch_small_files: contents of the files that exist among `paths` (relative to `root`).
std::map<std::string, std::string> fetch_small_files(RemoteFiles& files, const std::string& root,
                                                     const std::vector<std::string>& paths);

// prestashop_root_check: the files.prestashop-root check (the version line only is read from
// the version files; settings.inc.php's secrets are never kept).
Check prestashop_root_check(RemoteFiles& files, const std::string& shop_root);

// prestashop_version_files: the files (relative to the shop root) that check reads, to fetch
// them together with other work; prestashop_root_check_from: the check from their contents.
std::vector<std::string> prestashop_version_files();
Check prestashop_root_check_from(const std::map<std::string, std::string>& contents,
                                 const std::string& shop_root);

}  // namespace mps
