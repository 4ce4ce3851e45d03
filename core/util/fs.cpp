#include "util/fs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <random>

#include "util/error.hpp"

namespace fs = std::filesystem;

namespace mps {
namespace {

[[noreturn]] void fail(const std::string& what, const fs::path& path, int err) {
    throw Error(ErrorKind::usage, what + " " + path.string() + ": " + std::strerror(err));
}

}  // namespace

std::error_code read_chunks(const fs::path& path,
                            const std::function<void(const char*, std::size_t)>& chunk) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return {errno, std::generic_category()};
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }  // also when `chunk` throws
    } closer{fd};
    char buffer[1 << 16];
    for (;;) {
        ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got == 0) return {};
        if (got < 0) {
            if (errno == EINTR) continue;
            return {errno, std::generic_category()};
        }
        chunk(buffer, static_cast<std::size_t>(got));
    }
}

std::string read_file_head(const fs::path& path, std::size_t limit) {
    // O_NONBLOCK: a FIFO put in place of a file must not hang the reader.
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) fail("cannot read", path, errno);
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        int saved = errno;
        ::close(fd);
        fail("cannot read", path, saved);
    }
    if (!S_ISREG(st.st_mode)) {
        // errno is not set here: report the file's kind, not whatever failed last.
        ::close(fd);
        if (S_ISDIR(st.st_mode)) fail("cannot read", path, EISDIR);
        throw Error(ErrorKind::usage, "cannot read " + path.string() + ": not a regular file");
    }
    std::string content;
    content.resize(std::min<std::size_t>(limit, static_cast<std::size_t>(st.st_size) + 1));
    std::size_t done = 0;
    while (done < limit) {
        if (done == content.size()) content.resize(std::min(limit, content.size() * 2 + 1));
        ssize_t got = ::read(fd, content.data() + done, content.size() - done);
        if (got == 0) break;
        if (got < 0) {
            if (errno == EINTR) continue;
            int saved = errno;
            ::close(fd);
            fail("cannot read", path, saved);
        }
        done += static_cast<std::size_t>(got);
    }
    ::close(fd);
    content.resize(done);
    return content;
}

std::string read_file(const fs::path& path) {
    return read_file_head(path, std::numeric_limits<std::size_t>::max());
}

void write_file_atomic(const fs::path& path, std::string_view content, unsigned mode) {
    fs::path temp = path;
    temp += ".tmp-" + unique_suffix();
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) fail("cannot write", path, errno);
    std::size_t done = 0;
    while (done < content.size()) {
        ssize_t wrote = ::write(fd, content.data() + done, content.size() - done);
        if (wrote < 0) {
            if (errno == EINTR) continue;
            int saved = errno;
            ::close(fd);
            ::unlink(temp.c_str());
            fail("cannot write", path, saved);
        }
        done += static_cast<std::size_t>(wrote);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        int saved = errno;
        ::unlink(temp.c_str());
        fail("cannot write", path, saved);
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        int saved = errno;
        ::unlink(temp.c_str());
        fail("cannot write", path, saved);
    }
}

void ensure_directory(const fs::path& dir) {
    std::error_code ec;
    if (fs::is_directory(dir, ec)) return;
    if (dir.has_parent_path() && dir.parent_path() != dir) ensure_directory(dir.parent_path());
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) fail("cannot create", dir, errno);
}

std::string unique_suffix() {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::string out(10, 'x');
    for (char& c : out) c = alphabet[rng() % (sizeof alphabet - 1)];
    return out;
}

}  // namespace mps
