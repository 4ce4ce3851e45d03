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
    auto it = std::lower_bound(files.begin(), files.end(), path,
                               [](const ManifestFile& f, const std::string& p) { return f.path < p; });
    return it != files.end() && it->path == path ? &*it : nullptr;
}

std::string release_digest(std::vector<ManifestFile> files) {
    std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    Sha256 hasher;
    for (const auto& file : files) {
        hasher.update(file.path);
        hasher.update("\0", 1);
        hasher.update(file.sha256);
        hasher.update("\n", 1);
    }
    return hasher.hex_digest();
}

std::string manifest_to_json(const Manifest& m) {
    nlohmann::json files = nlohmann::json::array();
    for (const auto& f : m.files) files.push_back({{"path", f.path}, {"sha256", f.sha256}, {"size", f.size}});
    nlohmann::json doc = {{"schema", "mpsupport.pristine-manifest/1"},
                          {"module", m.module},
                          {"version", m.version},
                          {"digest", m.digest},
                          {"source", m.source},
                          {"added_at", m.added_at},
                          {"files", files}};
    return doc.dump(1) + "\n";
}

Manifest manifest_from_json(const std::string& text, const std::string& origin) {
    auto damaged = [&](const std::string& why) {
        return Error(ErrorKind::usage, "damaged pristine manifest " + origin + ": " + why,
                     "remove it and add the release again with 'mpsupport pristine add'");
    };
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        throw damaged(std::string("invalid JSON (") + e.what() + ")");
    }
    Manifest m;
    try {
        if (doc.at("schema") != "mpsupport.pristine-manifest/1") throw damaged("unknown schema");
        m.module = doc.at("module").get<std::string>();
        m.version = doc.at("version").get<std::string>();
        m.digest = doc.at("digest").get<std::string>();
        m.source = doc.value("source", "");
        m.added_at = doc.value("added_at", "");
        for (const auto& f : doc.at("files")) {
            ManifestFile file{f.at("path").get<std::string>(), f.at("sha256").get<std::string>(),
                              f.at("size").get<std::uint64_t>()};
            std::string why;
            if (normalize_relative_path(file.path, why) != file.path) throw damaged("bad path '" + file.path + "'");
            if (!is_sha256_hex(file.sha256)) throw damaged("bad digest for " + file.path);
            m.files.push_back(std::move(file));
        }
    } catch (const nlohmann::json::exception& e) {
        throw damaged(std::string("missing or mistyped field (") + e.what() + ")");
    }
    if (!is_valid_module_name(m.module) || !is_valid_version(m.version)) throw damaged("bad module or version");
    std::sort(m.files.begin(), m.files.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    if (release_digest(m.files) != m.digest) throw damaged("file list does not match its digest");
    return m;
}

}  // namespace mps
