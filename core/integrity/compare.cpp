#include "integrity/compare.hpp"

#include <algorithm>
#include <map>

#include "util/parallel.hpp"

namespace mps {

IntegrityResult compare_with_pristine(const Manifest& release, const std::vector<InstalledFile>& installed,
                                      const ContentReader& read_installed, const ContentReader& read_pristine,
                                      const PolicyConfig& policy, bool want_diffs, unsigned threads) {
    IntegrityResult result;
    std::map<std::string, const InstalledFile*> on_disk;
    for (const auto& file : installed) on_disk[file.path] = &file;

    struct Pending {
        const ManifestFile* pristine;
        const InstalledFile* local;
    };
    std::vector<Pending> changed;
    for (const auto& file : release.files) {
        auto it = on_disk.find(file.path);
        if (it == on_disk.end()) {
            result.files.push_back(classify_presence(file.path, FileClass::missing, policy));
        } else if (!it->second->unreadable.empty()) {
            FileVerdict v{file.path, FileClass::modified, false};
            v.judged = false;
            v.note = "could not be read (" + it->second->unreadable + "): not judged";
            result.files.push_back(std::move(v));
        } else if (it->second->sha256 == file.sha256 && !it->second->is_link) {
            result.files.push_back(FileVerdict{file.path, FileClass::unchanged});
        } else {
            changed.push_back({&file, it->second});
        }
    }
    for (const auto& file : installed) {
        if (release.find(file.path)) continue;
        FileVerdict v = classify_presence(file.path, FileClass::added, policy);
        if (file.is_link) v.note = "symbolic link";
        result.files.push_back(std::move(v));
    }

    std::vector<FileVerdict> verdicts(changed.size());
    parallel_for(changed.size(), threads, [&](std::size_t i) {
        const auto& item = changed[i];
        if (item.local->is_link) {
            FileVerdict v{item.pristine->path, FileClass::modified, true};
            v.note = "replaced by a symbolic link";
            v.rule = "POLICY.md §5: the module's files must not be changed";
            verdicts[i] = std::move(v);
            return;
        }
        verdicts[i] = classify_changed(item.pristine->path, read_pristine(item.pristine->sha256),
                                       read_installed(item.local->path), policy, want_diffs);
    });
    for (auto& v : verdicts) result.files.push_back(std::move(v));
    std::sort(result.files.begin(), result.files.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    for (const auto& v : result.files) {
        if (!v.judged) {
            ++result.unreadable;
            continue;
        }
        ++result.counts[static_cast<std::size_t>(v.file_class)];
        if (v.voids) ++result.voiding;
    }
    return result;
}

}  // namespace mps
