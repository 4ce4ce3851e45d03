#include "integrity/local_tree.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "util/error.hpp"
#include "util/parallel.hpp"
#include "util/safe_path.hpp"
#include "util/sha256.hpp"

namespace fs = std::filesystem;

namespace mps {

namespace {

// walk: append every file and link below `dir` (relative names under `prefix`), using the
// type readdir already knows so that most entries cost no stat call.
void walk(const fs::path& dir, const std::string& prefix, std::vector<InstalledFile>& out, int depth) {
    if (depth > 64) throw Error(ErrorKind::usage, "cannot read " + dir.string() + ": folders nested too deeply");
    DIR* handle = ::opendir(dir.c_str());
    if (!handle) throw Error(ErrorKind::usage, "cannot read " + dir.string() + ": " + std::strerror(errno));
    std::vector<std::string> subdirs;
    while (dirent* entry = ::readdir(handle)) {
        std::string name = entry->d_name;
        if (name == "." || name == "..") continue;
        unsigned char type = entry->d_type;
        if (type == DT_UNKNOWN) {
            struct stat st {};
            if (::fstatat(::dirfd(handle), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
            type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
        }
        std::string relative = prefix + name;
        if (type == DT_DIR) {
            subdirs.push_back(name);
        } else if ((type == DT_REG || type == DT_LNK) && !is_ignored_junk(relative)) {
            out.push_back(InstalledFile{relative, "", type == DT_LNK});
        }
    }
    ::closedir(handle);
    for (const auto& name : subdirs) walk(dir / name, prefix + name + "/", out, depth + 1);
}

}  // namespace

std::vector<InstalledFile> scan_local_module(const fs::path& dir, unsigned threads) {
    std::vector<InstalledFile> files;
    walk(dir, "", files, 0);
    parallel_for(files.size(), threads, [&](std::size_t i) {
        if (!files[i].is_link) files[i].sha256 = sha256_file(dir / files[i].path);
    });
    return files;
}

}  // namespace mps
