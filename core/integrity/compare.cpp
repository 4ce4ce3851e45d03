#include "integrity/compare.hpp"

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>

#include "util/error.hpp"
#include "util/parallel.hpp"

namespace mps {
namespace {

// ByteBudget: bytes of memory the comparison threads may hold together. A task waits until
// its share fits, except that one task may always run alone, however large.
class ByteBudget {
  public:
    explicit ByteBudget(std::size_t capacity) : capacity_(capacity) {}
    void acquire(std::size_t bytes) {
        std::unique_lock lock(mutex_);
        freed_.wait(lock, [&] { return used_ == 0 || used_ + bytes <= capacity_; });
        used_ += bytes;
    }
    void release(std::size_t bytes) {
        {
            std::lock_guard lock(mutex_);
            used_ -= bytes;
        }
        freed_.notify_all();
    }

  private:
    std::mutex mutex_;
    std::condition_variable freed_;
    std::size_t capacity_;
    std::size_t used_ = 0;
};

// comparison_cost: a generous estimate of the memory one classification takes: both contents
// (read up to the limit), the line tables, the diff. Unknown installed sizes count as the
// release's.
std::size_t comparison_cost(std::uint64_t pristine_size, std::uint64_t installed_size) {
    const std::uint64_t cap = kCompareLimit + 1;
    if (installed_size == InstalledFile::kUnknownSize) installed_size = pristine_size;
    return static_cast<std::size_t>(
               6 * (std::min(pristine_size, cap) + std::min(installed_size, cap))) +
           (64u << 10);
}

constexpr std::size_t kCompareBudget = 6 * 2 * (kCompareLimit + 1) + (64u << 10);

}  // namespace

IntegrityResult compare_with_pristine(const Manifest& release,
                                      const std::vector<InstalledFile>& installed,
                                      const ContentReader& read_installed,
                                      const ContentReader& read_pristine,
                                      const PolicyConfig& policy, bool want_diffs,
                                      unsigned threads) {
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
    ByteBudget budget(kCompareBudget);
    parallel_for(changed.size(), threads, [&](std::size_t i) {
        const auto& item = changed[i];
        if (item.local->is_link) {
            FileVerdict v{item.pristine->path, FileClass::modified, true};
            v.note = "replaced by a symbolic link";
            v.rule = "POLICY.md §5: the module's files must not be changed";
            verdicts[i] = std::move(v);
            return;
        }
        std::size_t cost = comparison_cost(item.pristine->size, item.local->size);
        budget.acquire(cost);
        try {
            std::string installed_bytes;
            try {
                installed_bytes = read_installed(item.local->path);
            } catch (const Error& e) {
                FileVerdict v{item.pristine->path, FileClass::modified, false};
                v.judged = false;
                v.note = std::string("could not be read (") + e.what() + "): not judged";
                verdicts[i] = std::move(v);
                budget.release(cost);
                return;
            }
            verdicts[i] =
                classify_changed(item.pristine->path, read_pristine(item.pristine->sha256),
                                 installed_bytes, policy, want_diffs);
        } catch (...) {
            budget.release(cost);
            throw;
        }
        budget.release(cost);
    });
    for (auto& v : verdicts) result.files.push_back(std::move(v));
    std::sort(result.files.begin(), result.files.end(),
              [](const auto& a, const auto& b) { return a.path < b.path; });
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
