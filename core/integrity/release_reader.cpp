#include "integrity/release_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <set>

#include "integrity/entry_name.hpp"
#include "integrity/zip_archive.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
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
            throw Error(ErrorKind::usage,
                        "cannot write " + path_.string() + ": " + std::strerror(errno));
    }
    ~StagedWriter() {
        if (fd_ >= 0) ::close(fd_);
    }
    void write(const void* data, std::size_t size) {
        hasher_.update(data, size);
        size_ += size;
        if (size_ > kMaxFileBytes)
            throw Error(ErrorKind::usage,
                        origin_ + " is larger than 512 MiB; refusing it as an archive bomb");
        const char* bytes = static_cast<const char*>(data);
        while (size > 0) {
            ssize_t wrote = ::write(fd_, bytes, size);
            if (wrote < 0) {
                if (errno == EINTR) continue;
                throw Error(ErrorKind::usage,
                            "cannot write " + path_.string() + ": " + std::strerror(errno));
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
        std::string clean = clean_name(raw);
        if (is_ignored_junk(clean)) return {};
        if (!seen_.insert(clean).second)
            throw Error(ErrorKind::usage, source_ + ": entry '" + clean + "' appears twice",
                        "an archive with duplicate names is ambiguous; get the release again from "
                        "the vendor");
        if (seen_.size() > kMaxFiles)
            throw Error(ErrorKind::usage, source_ + " holds more than 200000 files; refusing it");
        // A file is never also a folder: "a" and "a/b.php" cannot both be extracted.
        if (folders_.count(clean)) conflict(clean);
        for (std::size_t slash = clean.find('/'); slash != std::string::npos;
             slash = clean.find('/', slash + 1))
            add_folder_path(clean.substr(0, slash));
        return clean;
    }
    // add_folder: a folder entry (zips list them); checked against the files like a prefix.
    void add_folder(std::string_view raw) {
        std::string why;
        if (normalize_relative_path(raw, why).empty() && why == "empty name") return;
        std::string clean = clean_name(raw);
        if (is_ignored_junk(clean + "/")) return;
        add_folder_path(clean);
        for (std::size_t slash = clean.find('/'); slash != std::string::npos;
             slash = clean.find('/', slash + 1))
            add_folder_path(clean.substr(0, slash));
    }
    void add_bytes(std::uint64_t size) {
        total_ += size;
        if (total_ > kMaxTotalBytes)
            throw Error(ErrorKind::usage,
                        source_ + " unpacks to more than 4 GiB; refusing it as an archive bomb");
    }

  private:
    // clean_name: the normalized name, or Error(usage) naming the raw one (escaped).
    std::string clean_name(std::string_view raw) {
        if (raw.find('\0') != std::string_view::npos)
            refuse(raw, "NUL byte in name (it would hide the rest of the name)");
        if (!is_utf8(raw))
            refuse(raw, "name is not UTF-8",
                   "the archive was made with a legacy code page (a Windows zip tool); re-create "
                   "it with UTF-8 "
                   "names, or rename the file");
        std::string why;
        std::string clean = normalize_relative_path(raw, why);
        if (clean.empty()) refuse(raw, why);
        return clean;
    }
    [[noreturn]] void refuse(std::string_view raw, const std::string& why,
                             std::string hint =
                                 "this archive is damaged or hostile; get the release again from "
                                 "the vendor") {
        throw Error(ErrorKind::usage,
                    source_ + ": refusing entry '" + escaped_name(raw) + "': " + why,
                    std::move(hint));
    }
    void add_folder_path(const std::string& folder) {
        if (seen_.count(folder)) conflict(folder);
        folders_.insert(folder);
    }
    [[noreturn]] void conflict(const std::string& name) {
        throw Error(
            ErrorKind::usage, source_ + ": '" + name + "' is both a file and a folder",
            "such an archive cannot be unpacked as it is; get the release again from the vendor");
    }

    std::string source_;
    std::set<std::string> seen_;
    std::set<std::string> folders_;
    std::uint64_t total_ = 0;
};

// shown_path: `path` for messages (which may end up in JSON): bytes that are not UTF-8 escaped.
std::string shown_path(const fs::path& path) {
    const std::string& raw = path.native();
    return is_utf8(raw) ? raw : escaped_name(raw, 4096);
}

}  // namespace

std::vector<StagedFile> read_zip_release(const fs::path& zip, const fs::path& staging) {
    const std::string source = shown_path(zip);
    // The central directory is the archive's table of contents, as unzip and PHP read it;
    // ZipArchive checks that the local streams match it exactly before anything is read.
    ZipArchive archive(zip, source);
    Tally tally(source);
    std::vector<StagedFile> files;
    for (const auto& entry : archive.entries()) {
        const std::string& raw = entry.name;
        if (entry.kind == ZipEntryInfo::directory) {
            tally.add_folder(raw);
            continue;
        }
        if (entry.kind == ZipEntryInfo::symlink)
            throw Error(
                ErrorKind::usage, source + ": refusing link entry '" + escaped_name(raw) + "'",
                "module releases hold plain files only; get the release again from the vendor");
        if (entry.kind != ZipEntryInfo::file)
            throw Error(
                ErrorKind::usage, source + ": refusing special entry '" + escaped_name(raw) + "'",
                "module releases hold plain files only; get the release again from the vendor");
        if (entry.size > kMaxFileBytes)
            throw Error(ErrorKind::usage,
                        source + ": " + escaped_name(raw) +
                            " is larger than 512 MiB; refusing it as an archive bomb");
        std::string clean = tally.accept(raw);
        if (clean.empty()) continue;
        StagedWriter writer(staging, files.size(), source + ": " + clean);
        archive.read(entry, [&](const char* data, std::size_t size) {
            writer.write(data, size);
            tally.add_bytes(size);
        });
        files.push_back(writer.finish(clean));
    }
    if (files.empty())
        throw Error(ErrorKind::usage, source + " holds no files", "give a module release .zip");
    return files;
}

std::vector<StagedFile> read_dir_release(const fs::path& dir, const fs::path& staging) {
    const std::string source = shown_path(dir);
    Tally tally(source);
    std::vector<StagedFile> files;
    // Walk folder by folder, so that a folder that cannot be listed is named and refuses the
    // whole release: a release read in part would make verify call the missing files added.
    auto unreadable = [&](const std::string& relative, const std::error_code& ec) {
        return Error(ErrorKind::usage,
                     relative.empty() ? "cannot read " + source + ": " + ec.message()
                                      : source + ": cannot read folder '" + escaped_name(relative) +
                                            "': " + ec.message(),
                     "make the whole release readable and add it again; nothing was stored");
    };
    std::vector<std::string> pending{""};
    while (!pending.empty()) {
        std::string folder = std::move(pending.back());
        pending.pop_back();
        std::error_code ec;
        fs::directory_iterator it(folder.empty() ? dir : dir / folder, fs::directory_options::none,
                                  ec),
            end;
        if (ec) throw unreadable(folder, ec);
        std::vector<fs::directory_entry> children;
        while (it != end) {
            children.push_back(*it);
            it.increment(ec);  // on failure the iterator becomes `end`: check before the loop test
            if (ec) throw unreadable(folder, ec);
        }
        for (const auto& child : children) {
            const fs::path& path = child.path();
            std::string name = path.filename().string();
            std::string relative = folder.empty() ? name : folder + "/" + name;
            auto status = child.symlink_status(ec);
            if (ec)
                throw Error(
                    ErrorKind::usage,
                    source + ": cannot read '" + escaped_name(relative) + "': " + ec.message(),
                    "make the whole release readable and add it again; nothing was stored");
            if (fs::is_symlink(status))
                throw Error(
                    ErrorKind::usage,
                    source + ": refusing symbolic link '" + escaped_name(relative) + "'",
                    "module releases hold plain files only; copy the release without links");
            if (fs::is_directory(status)) {
                tally.add_folder(relative);
                pending.push_back(relative);
                continue;
            }
            if (!fs::is_regular_file(status))
                throw Error(ErrorKind::usage,
                            source + ": refusing special file '" + escaped_name(relative) + "'");
            std::string clean = tally.accept(relative);
            if (clean.empty()) continue;
            StagedWriter writer(staging, files.size(), path.string());
            if (auto error = read_chunks(path, [&](const char* data, std::size_t size) {
                    writer.write(data, size);
                    tally.add_bytes(static_cast<std::uint64_t>(size));
                }))
                throw Error(ErrorKind::usage,
                            "cannot read " + path.string() + ": " + error.message(),
                            "make the whole release readable and add it again; nothing was stored");
            files.push_back(writer.finish(clean));
        }
    }
    if (files.empty())
        throw Error(ErrorKind::usage, source + " holds no files", "give a module folder");
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
