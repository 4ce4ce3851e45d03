#include "integrity/pristine_store.hpp"

#include <algorithm>
#include <ctime>
#include <map>

#include "integrity/entry_name.hpp"
#include "integrity/module_info.hpp"
#include "integrity/release_reader.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/iso_time.hpp"
#include "util/log.hpp"
#include "util/sha256.hpp"

namespace fs = std::filesystem;

namespace mps {
namespace {

// StagingDir: a private folder under tmp/ removed whatever happens.
class StagingDir {
  public:
    explicit StagingDir(const fs::path& tmp_root) {
        ensure_directory(tmp_root);
        path_ = tmp_root / ("add-" + unique_suffix());
        ensure_directory(path_);
    }
    ~StagingDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }

  private:
    fs::path path_;
};

bool is_zip(const fs::path& source) {
    std::error_code ec;
    return fs::is_regular_file(source, ec);
}

}  // namespace

fs::path PristineStore::object_path(const std::string& sha256) const {
    return root_ / "objects" / sha256.substr(0, 2) / sha256;
}

fs::path PristineStore::manifest_path(const std::string& module, const std::string& version) const {
    return root_ / "manifests" / module / (version + ".json");
}

AddResult PristineStore::add(const fs::path& source, const AddOptions& options) {
    std::error_code ec;
    if (!fs::exists(source, ec))
        throw Error(ErrorKind::usage, "cannot read " + source.string() + ": no such file or folder",
                    "give a module release .zip or its unpacked folder");
    StagingDir staging(root_ / "tmp");
    std::vector<StagedFile> staged;
    std::string top_folder;
    if (is_zip(source)) {
        staged = read_zip_release(source, staging.path());
        top_folder = strip_common_folder(staged);
    } else {
        staged = read_dir_release(source, staging.path());
        top_folder = fs::absolute(source).lexically_normal().filename().string();
        if (top_folder.empty())
            top_folder = fs::absolute(source).lexically_normal().parent_path().filename().string();
    }

    std::map<std::string, const StagedFile*> by_path;
    for (const auto& file : staged) by_path[file.path] = &file;
    FileLookup lookup = [&](const std::string& path) -> std::optional<std::string> {
        auto it = by_path.find(path);
        if (it == by_path.end() || it->second->size > (8u << 20)) return std::nullopt;
        return read_file(it->second->staged);
    };
    std::string origin = options.source_label.empty() ? source.string() : options.source_label;
    ModuleIdentity id = detect_module(lookup, top_folder, options.module, options.version, origin);
    if (!options.expect_module.empty() &&
        (id.name != options.expect_module || id.version != options.expect_version))
        throw Error(
            ErrorKind::auth,
            "the signed archive " + origin + " holds " + id.name + " " + id.version + ", not " +
                options.expect_module + " " + options.expect_version,
            "the server answers with another release than the one asked for; tell the vendor");

    Manifest incoming;
    incoming.module = id.name;
    incoming.version = id.version;
    incoming.source = fs::absolute(source).lexically_normal().filename().string();
    if (incoming.source.empty())
        incoming.source = fs::absolute(source).lexically_normal().parent_path().filename().string();
    if (!options.source_label.empty()) incoming.source = options.source_label;
    if (!is_utf8(incoming.source)) incoming.source = escaped_name(incoming.source, 4096);
    incoming.added_at = iso_utc(options.now);
    for (const auto& file : staged) incoming.files.push_back({file.path, file.sha256, file.size});
    std::sort(incoming.files.begin(), incoming.files.end(),
              [](const auto& a, const auto& b) { return a.path < b.path; });
    incoming.digest = release_digest(incoming.files);

    AddOutcome outcome = AddOutcome::added;
    if (auto stored = load(id.name, id.version)) {
        if (stored->digest == incoming.digest)
            return AddResult{AddOutcome::already_present, *stored, 0};
        bool replace = options.replace ||
                       (options.confirm_replace && options.confirm_replace(*stored, incoming));
        if (!replace)
            throw Error(ErrorKind::usage,
                        "a different release of " + id.name + " " + id.version +
                            " is already stored (from " + stored->source + ", " +
                            std::to_string(stored->files.size()) + " files)",
                        "add --replace to replace it, or check that " + incoming.source +
                            " is the version it claims");
        outcome = AddOutcome::replaced;
    }

    // Serialise before storing anything: a manifest that cannot be written must leave no
    // objects behind.
    std::string manifest_text = manifest_to_json(incoming);
    std::size_t new_objects = 0;
    for (const auto& file : staged) {
        fs::path target = object_path(file.sha256);
        if (fs::exists(target, ec)) continue;
        ensure_directory(target.parent_path());
        fs::rename(file.staged, target, ec);
        if (ec)
            throw Error(ErrorKind::usage, "cannot store " + target.string() + ": " + ec.message());
        ++new_objects;
    }
    fs::path manifest_file = manifest_path(id.name, id.version);
    ensure_directory(manifest_file.parent_path());
    write_file_atomic(manifest_file, manifest_text);
    log::info("stored {} {} ({} files, {} new contents)", id.name, id.version,
              incoming.files.size(), new_objects);
    return AddResult{outcome, std::move(incoming), new_objects};
}

std::optional<Manifest> PristineStore::load(const std::string& module,
                                            const std::string& version) const {
    if (!is_valid_module_name(module) || !is_valid_version(version)) return std::nullopt;
    fs::path path = manifest_path(module, version);
    std::error_code ec;
    if (!fs::exists(path, ec)) return std::nullopt;
    return manifest_from_json(read_file(path), path.string());
}

bool PristineStore::has(const std::string& module, const std::string& version) const {
    std::error_code ec;
    return is_valid_module_name(module) && is_valid_version(version) &&
           fs::is_regular_file(manifest_path(module, version), ec);
}

std::vector<Manifest> PristineStore::list() const {
    std::vector<Manifest> out;
    std::error_code ec;
    fs::path manifests = root_ / "manifests";
    if (!fs::is_directory(manifests, ec)) return out;
    for (const auto& module_dir : fs::directory_iterator(manifests, ec)) {
        if (!module_dir.is_directory()) continue;
        for (const auto& version : versions(module_dir.path().filename().string()))
            if (auto m = load(module_dir.path().filename().string(), version))
                out.push_back(std::move(*m));
    }
    std::sort(out.begin(), out.end(), [](const Manifest& a, const Manifest& b) {
        if (a.module != b.module) return a.module < b.module;
        return version_less(a.version, b.version);
    });
    return out;
}

std::vector<std::string> PristineStore::versions(const std::string& module) const {
    std::vector<std::string> out;
    if (!is_valid_module_name(module)) return out;
    std::error_code ec;
    fs::path dir = root_ / "manifests" / module;
    if (!fs::is_directory(dir, ec)) return out;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        auto name = entry.path().filename().string();
        if (entry.is_regular_file() && entry.path().extension() == ".json" &&
            name.find(".tmp-") == std::string::npos)
            out.push_back(entry.path().stem().string());
    }
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return version_less(a, b); });
    return out;
}

std::string PristineStore::read_object(const std::string& sha256) const {
    fs::path path = object_path(sha256);
    std::string content = read_file(path);
    if (sha256_hex(content) != sha256)
        throw Error(
            ErrorKind::usage,
            "damaged pristine object " + path.string() + ": content does not match its name",
            "remove it and add the release again with 'mpsupport pristine add'");
    return content;
}

}  // namespace mps
