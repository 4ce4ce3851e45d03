#pragma once
// files.core-integrity: a shop's PrestaShop core files compared with PrestaShop's checksum list
// for the shop's version (PRESTASHOP.md "Core checksum lists"), like the back office's "list of
// changed files", but never silent: no list for the version is a skip with a hint.
//
// Entry points for verify and diagnose (the remote one is in remote/core_integrity_remote.hpp):
//   core_integrity_local(shop_root, ps_version, lists, threads) -> Check
//   core_integrity_remote(client, shop_root, ps_version, lists) -> Check
// A core with changed files makes the environment non-standard (POLICY.md §5): the check
// warns, it never voids a module's support (see core_marks_non_standard).
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "integrity/core_checksums.hpp"
#include "report/report.hpp"

namespace mps {

// is_skipped_core_path: paths PrestaShop itself skips (install*, themes, tools, cache, docs,
// download, img, localization, log, mails, translations, upload, modules, override/**/index.php).
bool is_skipped_core_path(std::string_view listed_path);

// is_upgrade_leftover: known false positives after upgrades (vendor/composer/installers/*,
// config/defines.inc.php): reported as such, never as tampering.
bool is_upgrade_leftover(std::string_view listed_path);

// choose_admin_folder: which top-level folder of the shop is the renamed admin/ folder:
// `candidates` maps folder names to the names directly inside them; the one holding most of
// the list's admin/ entries wins (at least half of them). Nothing when none fits.
std::optional<std::string> choose_admin_folder(
    const CoreChecksumList& list, const std::map<std::string, std::set<std::string>>& candidates);

// admin_candidates: top-level folder names that might be the renamed admin folder (not a
// top-level name of the list other than "admin").
std::vector<std::string> admin_candidates(const CoreChecksumList& list,
                                          const std::vector<std::string>& root_folders);

struct CorePlanFile {
    std::string listed;     // path in the list ("admin/index.php")
    std::string shop_path;  // path in the shop ("admin123abc/index.php")
    std::string md5;
};

struct CorePlan {
    std::vector<CorePlanFile> files;  // what to check
    std::size_t skipped = 0;          // skipped like PrestaShop does
    std::optional<std::string> admin_folder;
    std::size_t admin_unchecked = 0;  // admin/ files not checked: no admin folder found
};

// plan_core_check: the files to compare, admin/ mapped to `admin_folder`.
CorePlan plan_core_check(const CoreChecksumList& list,
                         const std::optional<std::string>& admin_folder);

struct CoreFileState {
    bool present = false;
    std::string md5;         // empty when not a readable regular file
    std::string unreadable;  // why it could not be read (present, not judged)
};

// core_check_from: the files.core-integrity check from the plan and what was found in the shop
// (`states` by shop path; absent entries are missing files). `where` names the shop.
Check core_check_from(const CoreChecksumList& list, const CorePlan& plan,
                      const std::map<std::string, CoreFileState>& states, const std::string& where);

// core_check_without_list: the skip when no list is stored for `ps_version` (or it is unknown).
Check core_check_without_list(const CoreListStore& lists, const std::string& ps_version,
                              const std::string& where);

// core_detail_lines: the changed core files of a files.core-integrity check, grouped by area,
// then the upgrade leftovers, as text lines for a report (at most `limit` file lines).
std::vector<std::string> core_detail_lines(const Check& check, std::size_t limit = 200);

// core_marks_non_standard: did this files.core-integrity check find changed core files?
bool core_marks_non_standard(const Check& check);

// checksum_list_url: where PrestaShop publishes the list of `ps_version`.
std::string checksum_list_url(const std::string& ps_version);

struct DetectedPrestaShop {
    std::string version;
    std::string source;  // the file it was read from
};

// detect_prestashop_local: the version declared by the shop at `shop_root`, if any.
std::optional<DetectedPrestaShop> detect_prestashop_local(const std::filesystem::path& shop_root);

// core_integrity_local: files.core-integrity for the shop folder `shop_root` at PrestaShop
// `ps_version` (empty: unknown, a skip), hashing with `threads` threads.
Check core_integrity_local(const std::filesystem::path& shop_root, const std::string& ps_version,
                           const CoreListStore& lists, unsigned threads = 2);

}  // namespace mps
