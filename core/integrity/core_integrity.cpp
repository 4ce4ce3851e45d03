#include "integrity/core_integrity.hpp"

#include <algorithm>

#include "report/check_ids.hpp"
#include "shop/prestashop_version.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/md5.hpp"
#include "util/parallel.hpp"
#include "util/text.hpp"

namespace fs = std::filesystem;

namespace mps {
namespace {

std::string_view first_component(std::string_view path) {
    auto slash = path.find('/');
    return slash == std::string_view::npos ? path : path.substr(0, slash);
}

std::string area_of(const std::string& listed) {
    return listed.find('/') == std::string::npos ? "(root)" : std::string(first_component(listed));
}

}  // namespace

bool is_skipped_core_path(std::string_view path) {
    static const std::set<std::string, std::less<>> skipped = {
        "themes",       "tools", "cache", "docs",         "download", "img",
        "localization", "log",   "mails", "translations", "upload",   "modules"};
    std::string_view top = first_component(path);
    if (top.substr(0, 7) == "install") return true;
    if (path.find('/') != std::string_view::npos && skipped.count(top)) return true;
    if (top == "override" && (path.size() >= 10 && path.substr(path.size() - 10) == "/index.php"))
        return true;
    return false;
}

bool is_upgrade_leftover(std::string_view path) {
    return path.substr(0, 27) == "vendor/composer/installers/" || path == "config/defines.inc.php";
}

std::vector<std::string> admin_candidates(const CoreChecksumList& list,
                                          const std::vector<std::string>& root_folders) {
    std::set<std::string, std::less<>> listed_tops;
    for (const auto& [path, md5] : list.files)
        if (path.find('/') != std::string::npos)
            listed_tops.insert(std::string(first_component(path)));
    std::vector<std::string> out;
    for (const auto& folder : root_folders)
        if (folder == "admin" || !listed_tops.count(folder)) out.push_back(folder);
    std::sort(out.begin(), out.end());
    return out;
}

std::optional<std::string> choose_admin_folder(
    const CoreChecksumList& list, const std::map<std::string, std::set<std::string>>& candidates) {
    std::set<std::string> admin_entries;
    for (const auto& [path, md5] : list.files)
        if (path.compare(0, 6, "admin/") == 0)
            admin_entries.insert(std::string(first_component(path.substr(6))));
    if (admin_entries.empty()) return std::nullopt;
    std::optional<std::string> best;
    std::size_t best_score = 0;
    for (const auto& [folder, children] : candidates) {
        std::size_t score = 0;
        for (const auto& entry : admin_entries) score += children.count(entry);
        if (score > best_score) best_score = score, best = folder;
    }
    if (best_score * 2 < admin_entries.size()) return std::nullopt;
    return best;
}

CorePlan plan_core_check(const CoreChecksumList& list,
                         const std::optional<std::string>& admin_folder) {
    CorePlan plan;
    plan.admin_folder = admin_folder;
    for (const auto& [path, md5] : list.files) {
        if (is_skipped_core_path(path)) {
            ++plan.skipped;
            continue;
        }
        if (path.compare(0, 6, "admin/") == 0) {
            if (!admin_folder) {
                ++plan.admin_unchecked;
                continue;
            }
            plan.files.push_back({path, *admin_folder + path.substr(5), md5});
            continue;
        }
        plan.files.push_back({path, path, md5});
    }
    return plan;
}

std::string checksum_list_url(const std::string& ps_version) {
    if (ps_version.compare(0, 4, "1.6.") == 0 || ps_version.compare(0, 4, "1.5.") == 0)
        return "https://api.prestashop.com/xml/md5/" + ps_version + ".xml";
    std::string major =
        ps_version.compare(0, 4, "1.7.") == 0 ? "1.7" : ps_version.substr(0, ps_version.find('.'));
    return "https://api.prestashop.com/xml/md5-" + major + "/" + ps_version + ".xml";
}

Check core_check_without_list(const CoreListStore& lists, const std::string& ps_version,
                              const std::string& where) {
    Check check{check_id::files_core_integrity, Status::skip};
    auto known = lists.versions();
    check.data = {{"version", ps_version}, {"lists", known}, {"environment", "unknown"}};
    if (ps_version.empty()) {
        check.message =
            "core files of " + where + " not checked: the PrestaShop version is unknown";
        check.hint =
            "make the version file readable (src/Core/Version.php, app/AppKernel.php or "
            "config/settings.inc.php)";
        return check;
    }
    check.message = "core files of " + where + " not checked: no checksum list for PrestaShop " +
                    ps_version + " is imported" +
                    (known.empty() ? "" : " (lists for: " + join(known, ", ") + ")");
    check.hint = "import it: mpsupport pristine import-core --url " + checksum_list_url(ps_version);
    return check;
}

Check core_check_from(const CoreChecksumList& list, const CorePlan& plan,
                      const std::map<std::string, CoreFileState>& states,
                      const std::string& where) {
    Check check{check_id::files_core_integrity};
    nlohmann::json areas = nlohmann::json::object();
    nlohmann::json leftovers = nlohmann::json::array();
    nlohmann::json unreadable = nlohmann::json::array();
    std::size_t updated = 0, missing = 0, unchanged = 0;
    std::map<std::string, std::size_t> per_area;
    for (const auto& file : plan.files) {
        auto it = states.find(file.shop_path);
        std::string state;
        if (it == states.end() || !it->second.present) {
            state = "missing";
        } else if (!it->second.unreadable.empty()) {
            unreadable.push_back({{"path", file.shop_path}, {"reason", it->second.unreadable}});
            continue;
        } else if (it->second.md5 != file.md5) {
            state = "updated";
        } else {
            ++unchanged;
            continue;
        }
        if (is_upgrade_leftover(file.listed)) {
            leftovers.push_back({{"path", file.shop_path}, {"state", state}});
            continue;
        }
        std::string area = area_of(file.listed);
        auto& slot = areas[area];
        if (!slot.contains(state)) slot[state] = nlohmann::json::array();
        slot[state].push_back(file.shop_path);
        ++per_area[area];
        (state == "missing" ? missing : updated)++;
    }
    bool changed = updated + missing > 0;
    check.data = {{"version", list.version},
                  {"list_source", list.source},
                  {"checked", plan.files.size()},
                  {"unchanged", unchanged},
                  {"updated", updated},
                  {"missing", missing},
                  {"skipped", plan.skipped},
                  {"admin_folder", plan.admin_folder ? nlohmann::json(*plan.admin_folder)
                                                     : nlohmann::json(nullptr)},
                  {"admin_unchecked", plan.admin_unchecked},
                  {"areas", areas},
                  {"upgrade_leftovers", leftovers},
                  {"unreadable", unreadable},
                  {"environment", changed ? "non-standard" : "standard"}};

    std::vector<std::string> notes;
    if (!leftovers.empty())
        notes.push_back(std::to_string(leftovers.size()) +
                        " known upgrade leftover(s), not tampering");
    if (!unreadable.empty())
        notes.push_back(std::to_string(unreadable.size()) + " unreadable, not judged");
    if (plan.admin_unchecked)
        notes.push_back("admin folder not found: " + std::to_string(plan.admin_unchecked) +
                        " admin files not checked");
    std::string tail = notes.empty() ? "" : "; " + join(notes, "; ");

    if (changed) {
        std::vector<std::string> parts;
        for (const auto& [area, count] : per_area)
            parts.push_back(area + ": " + std::to_string(count));
        check.status = Status::warn;
        check.message = std::to_string(updated + missing) + " core file(s) of PrestaShop " +
                        list.version + " changed in " + where + " (" + std::to_string(updated) +
                        " updated, " + std::to_string(missing) + " missing; " + join(parts, ", ") +
                        "): environment non-standard" + tail;
        check.hint =
            "POLICY.md §5: modified PrestaShop core files make the shop a non-standard "
            "environment; "
            "restore them from the PrestaShop " +
            list.version + " release, or name them in a ticket";
    } else if (!unreadable.empty() || plan.admin_unchecked) {
        check.status = Status::warn;
        check.message = "no changed core file among the " + std::to_string(unchanged) +
                        " checked of PrestaShop " + list.version + tail;
        check.hint = plan.admin_unchecked
                         ? "the renamed admin folder could not be recognised; check that it is "
                           "readable and intact"
                         : "ask the host to make the listed files readable, then check again";
    } else {
        check.status = Status::pass;
        check.message = "all " + std::to_string(unchanged) + " core files of PrestaShop " +
                        list.version + " match its checksum list (" + std::to_string(plan.skipped) +
                        " skipped like PrestaShop does" + tail + ")";
    }
    return check;
}

std::vector<std::string> core_detail_lines(const Check& check, std::size_t limit) {
    std::vector<std::string> lines;
    if (check.id != check_id::files_core_integrity || !check.data.is_object()) return lines;
    std::size_t shown = 0, total = 0;
    auto add = [&](const std::string& state, const std::string& path) {
        ++total;
        if (shown++ < limit)
            lines.push_back("    " + state +
                            std::string(state.size() < 9 ? 9 - state.size() : 1, ' ') + path);
    };
    const auto& areas = check.data.value("areas", nlohmann::json::object());
    if (!areas.empty())
        lines.push_back("PrestaShop " + check.data.value("version", "") + " core files changed:");
    for (const auto& [area, states] : areas.items()) {
        lines.push_back("  " + area);
        for (const char* state : {"updated", "missing"})
            if (states.contains(state))
                for (const auto& path : states[state]) add(state, path.get<std::string>());
    }
    const auto& leftovers = check.data.value("upgrade_leftovers", nlohmann::json::array());
    if (!leftovers.empty()) {
        lines.push_back("  known upgrade leftovers (not tampering)");
        for (const auto& item : leftovers) add(item.value("state", ""), item.value("path", ""));
    }
    if (total > shown)
        lines.push_back("  ... and " + std::to_string(total - shown) + " more (see --json)");
    return lines;
}

bool core_marks_non_standard(const Check& check) {
    return check.id == check_id::files_core_integrity && check.data.is_object() &&
           check.data.value("environment", "") == "non-standard";
}

std::optional<DetectedPrestaShop> detect_prestashop_local(const fs::path& shop_root) {
    for (const auto& source : prestashop_version_sources()) {
        std::error_code ec;
        fs::path path = shop_root / source.path;
        if (!fs::is_regular_file(fs::symlink_status(path, ec)) ||
            fs::file_size(path, ec) > (4u << 20))
            continue;
        try {
            if (auto version = prestashop_version_from(read_file(path)))
                return DetectedPrestaShop{*version, source.path};
        } catch (const Error&) {
        }
    }
    return std::nullopt;
}

Check core_integrity_local(const fs::path& shop_root, const std::string& ps_version,
                           const CoreListStore& lists, unsigned threads) {
    std::string where = shop_root.string();
    auto list = ps_version.empty() ? std::nullopt : lists.load(ps_version);
    if (!list) return core_check_without_list(lists, ps_version, where);

    std::error_code ec;
    std::vector<std::string> root_folders;
    for (const auto& entry : fs::directory_iterator(shop_root, ec))
        if (entry.is_directory(ec) && !entry.is_symlink(ec))
            root_folders.push_back(entry.path().filename().string());
    std::map<std::string, std::set<std::string>> candidates;
    for (const auto& folder : admin_candidates(*list, root_folders)) {
        auto& children = candidates[folder];
        for (const auto& entry : fs::directory_iterator(shop_root / folder, ec))
            children.insert(entry.path().filename().string());
    }
    CorePlan plan = plan_core_check(*list, choose_admin_folder(*list, candidates));

    std::vector<CoreFileState> found(plan.files.size());
    parallel_for(plan.files.size(), threads, [&](std::size_t i) {
        std::error_code local_ec;
        fs::path path = shop_root / plan.files[i].shop_path;
        auto status = fs::symlink_status(path, local_ec);
        CoreFileState& state = found[i];
        if (!fs::exists(status)) return;
        state.present = true;
        if (fs::is_symlink(status)) {
            state.md5 = "symbolic link";  // never equal to a digest: reported as updated
            return;
        }
        if (!fs::is_regular_file(status)) {
            state.md5 = "not a regular file";
            return;
        }
        std::error_code read_error;
        state.md5 = md5_file(path, read_error);
        if (read_error)
            state.unreadable = "cannot read " + path.string() + ": " + read_error.message();
    });
    std::map<std::string, CoreFileState> states;
    for (std::size_t i = 0; i < plan.files.size(); ++i)
        states[plan.files[i].shop_path] = std::move(found[i]);
    return core_check_from(*list, plan, states, where);
}

}  // namespace mps
