#include "integrity/manifest.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "integrity/module_info.hpp"
#include "util/error.hpp"
#include "util/safe_path.hpp"
#include "util/sha256.hpp"

namespace mps {

std::uint64_t Manifest::total_bytes() const {
    std::uint64_t total = 0;
    for (const auto& file : files) total += file.size;
    return total;
}

const ManifestFile* Manifest::find(const std::string& path) const {
    auto it =
        std::lower_bound(files.begin(), files.end(), path,
                         [](const ManifestFile& f, const std::string& p) { return f.path < p; });
    return it != files.end() && it->path == path ? &*it : nullptr;
}

std::string release_digest(const std::vector<ManifestFile>& files) {
    std::vector<const ManifestFile*> order;
    order.reserve(files.size());
    for (const auto& file : files) order.push_back(&file);
    auto by_path = [](const ManifestFile* a, const ManifestFile* b) { return a->path < b->path; };
    if (!std::is_sorted(order.begin(), order.end(), by_path))
        std::sort(order.begin(), order.end(), by_path);
    Sha256 hasher;
    for (const auto* file : order) {
        hasher.update(file->path);
        hasher.update("\0", 1);
        hasher.update(file->sha256);
        hasher.update("\n", 1);
    }
    return hasher.hex_digest();
}

std::string manifest_to_json(const Manifest& m) {
    nlohmann::json files = nlohmann::json::array();
    for (const auto& f : m.files)
        files.push_back({{"path", f.path}, {"sha256", f.sha256}, {"size", f.size}});
    nlohmann::json doc = {{"schema", "mpsupport.pristine-manifest/1"},
                          {"module", m.module},
                          {"version", m.version},
                          {"digest", m.digest},
                          {"source", m.source},
                          {"added_at", m.added_at},
                          {"files", files}};
    return doc.dump(1) + "\n";
}

namespace {

// ManifestReader: a SAX handler that builds the Manifest straight from the text. A DOM of a
// 20,000-file manifest costs ~14 MB; this costs the Manifest itself.
class ManifestReader : public nlohmann::json_sax<nlohmann::json> {
  public:
    Manifest manifest;
    std::string schema;
    std::string problem;  // first structural problem, if any

    bool null() override { return scalar(); }
    bool boolean(bool) override { return scalar(); }
    bool number_integer(number_integer_t value) override {
        if (value < 0) return fail("negative number");
        return number_unsigned(static_cast<number_unsigned_t>(value));
    }
    bool number_unsigned(number_unsigned_t value) override {
        if (in_file() && key_ == "size") {
            file_.size = value;
            have_size_ = true;
        }
        return scalar();
    }
    bool number_float(number_float_t, const string_t&) override { return scalar(); }
    bool binary(binary_t&) override { return fail("binary value"); }
    bool string(string_t& value) override {
        if (depth_ == 1) {
            if (key_ == "schema")
                schema = value;
            else if (key_ == "module")
                manifest.module = value;
            else if (key_ == "version")
                manifest.version = value;
            else if (key_ == "digest")
                manifest.digest = value;
            else if (key_ == "source")
                manifest.source = value;
            else if (key_ == "added_at")
                manifest.added_at = value;
        } else if (in_file()) {
            if (key_ == "path")
                file_.path = value;
            else if (key_ == "sha256")
                file_.sha256 = value;
        }
        return scalar();
    }
    bool start_object(std::size_t) override {
        ++depth_;
        if (depth_ == 3 && in_files_) {
            file_ = ManifestFile{};
            have_size_ = false;
        } else if (depth_ == 2 || depth_ > 3 || (depth_ == 3 && !in_files_)) {
            ++ignored_;
        }
        return depth_ < 64 || fail("nested too deeply");
    }
    bool key(string_t& value) override {
        key_ = value;
        return true;
    }
    bool end_object() override {
        if (depth_ == 3 && in_files_ && ignored_ == 0) {
            if (file_.path.empty() || file_.sha256.empty() || !have_size_)
                return fail("file entry without path, sha256 or size");
            manifest.files.push_back(std::move(file_));
        } else if (ignored_ > 0 && depth_ >= 2) {
            --ignored_;
        }
        --depth_;
        return true;
    }
    bool start_array(std::size_t) override {
        ++depth_;
        if (depth_ == 2 && key_ == "files")
            in_files_ = true;
        else
            ++ignored_;
        return depth_ < 64 || fail("nested too deeply");
    }
    bool end_array() override {
        if (depth_ == 2 && in_files_)
            in_files_ = false;
        else if (ignored_ > 0)
            --ignored_;
        --depth_;
        return true;
    }
    bool parse_error(std::size_t position, const std::string&,
                     const nlohmann::detail::exception& e) override {
        return fail("invalid JSON at byte " + std::to_string(position) + " (" + e.what() + ")");
    }

  private:
    bool in_file() const { return in_files_ && depth_ == 3 && ignored_ == 0; }
    bool scalar() { return true; }
    bool fail(const std::string& why) {
        if (problem.empty()) problem = why;
        return false;
    }
    int depth_ = 0;
    int ignored_ = 0;
    bool in_files_ = false;
    bool have_size_ = false;
    std::string key_;
    ManifestFile file_;
};

}  // namespace

Manifest manifest_from_json(const std::string& text, const std::string& origin) {
    auto damaged = [&](const std::string& why) {
        return Error(ErrorKind::usage, "damaged pristine manifest " + origin + ": " + why,
                     "remove it and add the release again with 'mpsupport pristine add'");
    };
    ManifestReader reader;
    bool ok = false;
    try {
        ok = nlohmann::json::sax_parse(text, &reader);
    } catch (const nlohmann::json::exception& e) {
        throw damaged(std::string("invalid JSON (") + e.what() + ")");
    }
    if (!ok) throw damaged(reader.problem.empty() ? "invalid JSON" : reader.problem);
    if (reader.schema != "mpsupport.pristine-manifest/1") throw damaged("unknown schema");
    Manifest m = std::move(reader.manifest);
    if (!is_valid_module_name(m.module) || !is_valid_version(m.version))
        throw damaged("bad module or version");
    for (const auto& file : m.files) {
        std::string why;
        if (normalize_relative_path(file.path, why) != file.path)
            throw damaged("bad path '" + file.path + "'");
        if (!is_sha256_hex(file.sha256)) throw damaged("bad digest for " + file.path);
    }
    std::sort(m.files.begin(), m.files.end(),
              [](const auto& a, const auto& b) { return a.path < b.path; });
    if (release_digest(m.files) != m.digest) throw damaged("file list does not match its digest");
    return m;
}

}  // namespace mps
