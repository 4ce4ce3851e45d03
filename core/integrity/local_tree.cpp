#include "integrity/local_tree.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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
void walk(const fs::path& dir, const std::string& prefix, LocalScan& out, int depth) {
    std::string folder = prefix.empty() ? std::string() : prefix.substr(0, prefix.size() - 1);
    if (depth > 64) {
        out.unreadable.push_back(folder + ": nested too deeply");
        return;
    }
    DIR* handle = ::opendir(dir.c_str());
    if (!handle) {
        if (depth == 0)
            throw Error(ErrorKind::usage,
                        "cannot read " + dir.string() + ": " + std::strerror(errno));
        out.unreadable.push_back(folder + ": " + std::strerror(errno));
        return;
    }
    std::vector<std::string> subdirs;
    while (dirent* entry = ::readdir(handle)) {
        std::string name = entry->d_name;
        if (name == "." || name == "..") continue;
        unsigned char type = entry->d_type;
        if (type == DT_UNKNOWN) {
            struct stat st {};
            if (::fstatat(::dirfd(handle), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
            type = S_ISDIR(st.st_mode)   ? DT_DIR
                   : S_ISLNK(st.st_mode) ? DT_LNK
                   : S_ISREG(st.st_mode) ? DT_REG
                                         : DT_UNKNOWN;
        }
        std::string relative = prefix + name;
        if (type == DT_DIR) {
            subdirs.push_back(name);
        } else if ((type == DT_REG || type == DT_LNK) && !is_ignored_junk(relative)) {
            out.files.push_back(InstalledFile{relative, "", type == DT_LNK});
        }
    }
    ::closedir(handle);
    for (const auto& name : subdirs) walk(dir / name, prefix + name + "/", out, depth + 1);
}

// hash_file: SHA-256 and size of a regular file, streamed; false with the reason when it
// cannot be opened or read (never an exception: one bad file must not stop the scan).
bool hash_file(const fs::path& path, std::string& digest, std::uint64_t& size, std::string& error,
               const std::function<bool(std::uint64_t)>& wanted) {
    // O_NONBLOCK: a FIFO swapped in after the listing must not hang the scan.
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) {
        error = std::strerror(errno);
        return false;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        error = S_ISREG(st.st_mode) ? std::strerror(errno) : "not a regular file";
        ::close(fd);
        return false;
    }
    size = static_cast<std::uint64_t>(st.st_size);
    if (!wanted(size)) {
        ::close(fd);
        return true;  // not hashed: it differs from the release anyway
    }
    // One hashing context per thread: creating an EVP context per file costs a lock and a fetch.
    thread_local Sha256 hasher;
    thread_local std::vector<char> buffer(1 << 16);
    size = 0;
    for (;;) {
        ssize_t got = ::read(fd, buffer.data(), buffer.size());
        if (got == 0) break;
        if (got < 0) {
            if (errno == EINTR) continue;
            error = std::strerror(errno);
            ::close(fd);
            hasher.hex_digest();  // reset for the next file
            return false;
        }
        hasher.update(buffer.data(), static_cast<std::size_t>(got));
        size += static_cast<std::uint64_t>(got);
    }
    ::close(fd);
    digest = hasher.hex_digest();
    return true;
}

}  // namespace

LocalScan scan_local_module(
    const fs::path& dir, unsigned threads,
    const std::function<bool(const std::string&, std::uint64_t)>& same_size) {
    LocalScan scan;
    walk(dir, "", scan, 0);
    parallel_for(scan.files.size(), threads, [&](std::size_t i) {
        InstalledFile& file = scan.files[i];
        if (file.is_link) return;
        std::string error;
        auto wanted = [&](std::uint64_t size) { return !same_size || same_size(file.path, size); };
        if (!hash_file(dir / file.path, file.sha256, file.size, error, wanted))
            file.unreadable = error;
    });
    return scan;
}

}  // namespace mps
