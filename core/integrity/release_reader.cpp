#include "integrity/release_reader.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <set>

#include "util/error.hpp"
#include "util/safe_path.hpp"
#include "util/sha256.hpp"

namespace fs = std::filesystem;

namespace mps {
namespace {

// Bounds against archive bombs: far above any real module, far below a full disk.
constexpr std::uint64_t kMaxFileBytes = 512ull << 20;
constexpr std::uint64_t kMaxTotalBytes = 4ull << 30;
constexpr std::size_t kMaxFiles = 200000;

// StagedWriter: writes one staged copy while hashing it.
class StagedWriter {
public:
    StagedWriter(const fs::path& staging, std::size_t index, const std::string& origin)
        : path_(staging / ("f" + std::to_string(index))), origin_(origin) {
        fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd_ < 0)
            throw Error(ErrorKind::usage, "cannot write " + path_.string() + ": " + std::strerror(errno));
    }
    ~StagedWriter() {
        if (fd_ >= 0) ::close(fd_);
    }
    void write(const void* data, std::size_t size) {
        hasher_.update(data, size);
        size_ += size;
        if (size_ > kMaxFileBytes)
            throw Error(ErrorKind::usage, origin_ + " is larger than 512 MiB; refusing it as an archive bomb");
        const char* bytes = static_cast<const char*>(data);
        while (size > 0) {
            ssize_t wrote = ::write(fd_, bytes, size);
            if (wrote < 0) {
                if (errno == EINTR) continue;
                throw Error(ErrorKind::usage, "cannot write " + path_.string() + ": " + std::strerror(errno));
            }
            bytes += wrote;
            size -= static_cast<std::size_t>(wrote);
        }
    }
    StagedFile finish(std::string relative) {
        ::close(fd_);
        fd_ = -1;
        return StagedFile{std::move(relative), hasher_.hex_digest(), size_, path_};
    }

private:
    fs::path path_;
    std::string origin_;
    int fd_ = -1;
    Sha256 hasher_;
    std::uint64_t size_ = 0;
};

// Tally: the checks shared by zip and folder reading.
class Tally {
public:
    explicit Tally(std::string source) : source_(std::move(source)) {}

    // accept: validate an entry name; returns the clean path or "" for junk to skip.
    std::string accept(std::string_view raw) {
        std::string why;
        std::string clean = normalize_relative_path(raw, why);
        if (clean.empty())
            throw Error(ErrorKind::usage, source_ + ": refusing entry '" + printable(raw) + "': " + why,
                        "this archive is damaged or hostile; get the release again from the vendor");
        if (is_ignored_junk(clean)) return {};
        if (!seen_.insert(clean).second)
            throw Error(ErrorKind::usage, source_ + ": entry '" + clean + "' appears twice",
                        "an archive with duplicate names is ambiguous; get the release again from the vendor");
        if (seen_.size() > kMaxFiles)
            throw Error(ErrorKind::usage, source_ + " holds more than 200000 files; refusing it");
        return clean;
    }
    void add_bytes(std::uint64_t size) {
        total_ += size;
        if (total_ > kMaxTotalBytes)
            throw Error(ErrorKind::usage, source_ + " unpacks to more than 4 GiB; refusing it as an archive bomb");
    }
    static std::string printable(std::string_view raw) {
        std::string out;
        for (char c : raw.substr(0, 200)) out += (static_cast<unsigned char>(c) < 0x20 ? '?' : c);
        return out;
    }

private:
    std::string source_;
    std::set<std::string> seen_;
    std::uint64_t total_ = 0;
};

struct ArchiveCloser {
    void operator()(archive* a) const { archive_read_free(a); }
};

}  // namespace

std::vector<StagedFile> read_zip_release(const fs::path& zip, const fs::path& staging) {
    const std::string source = zip.string();
    std::unique_ptr<archive, ArchiveCloser> reader(archive_read_new());
    // The seekable reader trusts the central directory, as unzip and PHP do, and notices a
    // truncated archive; the streaming reader would silently accept one.
    archive_read_support_format_zip_seekable(reader.get());
    if (archive_read_open_filename(reader.get(), zip.c_str(), 1 << 16) != ARCHIVE_OK)
        throw Error(ErrorKind::usage, "cannot open " + source + ": " + archive_error_string(reader.get()),
                    "give a module release .zip or its unpacked folder");
    Tally tally(source);
    std::vector<StagedFile> files;
    archive_entry* entry = nullptr;
    for (;;) {
        int status = archive_read_next_header(reader.get(), &entry);
        if (status == ARCHIVE_EOF) break;
        if (status != ARCHIVE_OK && status != ARCHIVE_WARN)
            throw Error(ErrorKind::usage,
                        source + " is not a readable zip archive (" + archive_error_string(reader.get()) + ")",
                        "the file is truncated or not a zip; download the release again");
        const char* name = archive_entry_pathname(entry);
        std::string raw = name ? name : "";
        mode_t type = archive_entry_filetype(entry);
        if (type == AE_IFDIR) {
            std::string why;
            if (normalize_relative_path(raw, why).empty() && !why.empty() && why != "empty name")
                throw Error(ErrorKind::usage, source + ": refusing entry '" + Tally::printable(raw) + "': " + why,
                            "this archive is damaged or hostile; get the release again from the vendor");
            continue;
        }
        if (type == AE_IFLNK || archive_entry_hardlink(entry) != nullptr)
            throw Error(ErrorKind::usage, source + ": refusing link entry '" + Tally::printable(raw) + "'",
                        "module releases hold plain files only; get the release again from the vendor");
        if (type != AE_IFREG)
            throw Error(ErrorKind::usage, source + ": refusing special entry '" + Tally::printable(raw) + "'",
                        "module releases hold plain files only; get the release again from the vendor");
        std::string clean = tally.accept(raw);
        if (clean.empty()) {
            archive_read_data_skip(reader.get());
            continue;
        }
        StagedWriter writer(staging, files.size(), source + ": " + clean);
        const void* block = nullptr;
        size_t size = 0;
        la_int64_t offset = 0;
        for (;;) {
            int got = archive_read_data_block(reader.get(), &block, &size, &offset);
            if (got == ARCHIVE_EOF) break;
            if (got != ARCHIVE_OK && got != ARCHIVE_WARN)
                throw Error(ErrorKind::usage,
                            source + ": cannot read entry '" + clean + "' (" + archive_error_string(reader.get()) + ")",
                            "the file is truncated or corrupt; download the release again");
            writer.write(block, size);
            tally.add_bytes(size);
        }
        files.push_back(writer.finish(clean));
    }
    if (files.empty())
        throw Error(ErrorKind::usage, source + " holds no files", "give a module release .zip");
    return files;
}

std::vector<StagedFile> read_dir_release(const fs::path& dir, const fs::path& staging) {
    const std::string source = dir.string();
    Tally tally(source);
    std::vector<StagedFile> files;
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec), end;
    if (ec) throw Error(ErrorKind::usage, "cannot read " + source + ": " + ec.message());
    for (; it != end; it.increment(ec)) {
        if (ec) throw Error(ErrorKind::usage, "cannot read " + source + ": " + ec.message());
        const fs::path& path = it->path();
        std::string relative = path.lexically_relative(dir).generic_string();
        auto status = it->symlink_status(ec);
        if (fs::is_symlink(status))
            throw Error(ErrorKind::usage, source + ": refusing symbolic link '" + relative + "'",
                        "module releases hold plain files only; copy the release without links");
        if (fs::is_directory(status)) continue;
        if (!fs::is_regular_file(status))
            throw Error(ErrorKind::usage, source + ": refusing special file '" + relative + "'");
        std::string clean = tally.accept(relative);
        if (clean.empty()) continue;
        int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0) throw Error(ErrorKind::usage, "cannot read " + path.string() + ": " + std::strerror(errno));
        StagedWriter writer(staging, files.size(), path.string());
        char buffer[1 << 16];
        for (;;) {
            ssize_t got = ::read(fd, buffer, sizeof buffer);
            if (got == 0) break;
            if (got < 0) {
                if (errno == EINTR) continue;
                int saved = errno;
                ::close(fd);
                throw Error(ErrorKind::usage, "cannot read " + path.string() + ": " + std::strerror(saved));
            }
            writer.write(buffer, static_cast<std::size_t>(got));
            tally.add_bytes(static_cast<std::uint64_t>(got));
        }
        ::close(fd);
        files.push_back(writer.finish(clean));
    }
    if (files.empty()) throw Error(ErrorKind::usage, source + " holds no files", "give a module folder");
    return files;
}

std::string strip_common_folder(std::vector<StagedFile>& files) {
    if (files.empty()) return {};
    auto first_slash = files.front().path.find('/');
    if (first_slash == std::string::npos) return {};
    std::string folder = files.front().path.substr(0, first_slash + 1);
    for (const auto& file : files)
        if (file.path.compare(0, folder.size(), folder) != 0) return {};
    for (auto& file : files) file.path.erase(0, folder.size());
    folder.pop_back();
    return folder;
}

}  // namespace mps
