#include "diagnose/bundle.hpp"

#include <unistd.h>

#include <ctime>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "util/error.hpp"
#include "util/sha256.hpp"
#include "util/text.hpp"
#include "util/zip_writer.hpp"

namespace mps {
namespace {

// check_name: a relative path whose segments are neither empty, "." nor ".." (a name that
// merely contains "..", like app..log, is fine), without backslashes or NULs.
void check_name(const std::string& name) {
    bool unsafe = name.empty() || name[0] == '/' || name.find('\\') != std::string::npos ||
                  name.find('\0') != std::string::npos;
    for (const auto& segment : split(name, '/'))
        if (segment.empty() || segment == "." || segment == "..") unsafe = true;
    if (unsafe) throw Error(ErrorKind::internal, "unsafe bundle member name '" + name + "'");
    if (is_secret_file(name))
        throw Error(ErrorKind::internal, "refusing to put secret file " + name + " into a bundle");
}

}  // namespace

std::filesystem::path bundle_path(const std::filesystem::path& requested,
                                  const std::string& order_reference) {
    std::string name = requested.filename().string();
    if (name.size() < 5 || to_lower(name.substr(name.size() - 4)) != ".zip")
        throw Error(
            ErrorKind::usage, "--bundle " + requested.string() + ": the bundle must be a .zip file",
            "the contact form accepts .zip attachments (not .tar.gz); name it e.g. bundle.zip");
    if (order_reference.empty() || name.rfind(order_reference, 0) == 0) return requested;
    return requested.parent_path() / (order_reference + "-" + name);
}

bool is_secret_file(const std::string& name) {
    std::string base =
        to_lower(name.substr(name.rfind('/') == std::string::npos ? 0 : name.rfind('/') + 1));
    static const char* secret[] = {
        "parameters.php", "parameters.yml", "settings.inc.php", ".env",        "id_rsa",
        "id_ed25519",     "id_ecdsa",       ".htpasswd",        "known_hosts", "authorized_keys"};
    for (const char* s : secret)
        if (base == s) return true;
    return base.size() > 4 &&
           (base.substr(base.size() - 4) == ".pem" || base.substr(base.size() - 4) == ".key");
}

void write_bundle(const std::filesystem::path& path, const std::vector<BundleMember>& members,
                  const std::string& created_at) {
    for (const auto& member : members) check_name(member.name);
    nlohmann::ordered_json manifest;
    manifest["schema"] = "mpsupport.bundle/1";
    manifest["created_at"] = created_at;
    manifest["members"] = nlohmann::json::array();
    for (const auto& member : members)
        manifest["members"].push_back({{"name", member.name},
                                       {"size", member.content.size()},
                                       {"sha256", sha256_hex(member.content)}});
    std::string manifest_text = manifest.dump(2) + "\n";

    std::filesystem::path dir =
        path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
        throw Error(ErrorKind::usage,
                    "cannot write bundle " + path.string() + ": no folder " + dir.string(),
                    "give --bundle a path in an existing folder");
    std::filesystem::path temp =
        dir / ("." + path.filename().string() + "." + std::to_string(getpid()) + ".tmp");
    std::vector<ZipMember> entries;
    entries.reserve(members.size() + 1);
    for (const auto& member : members) entries.push_back({member.name, member.content});
    entries.push_back({"manifest.json", manifest_text});
    std::string zip = zip_bytes(entries, std::time(nullptr));
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        if (!out)
            throw Error(ErrorKind::usage, "cannot write bundle " + path.string(),
                        "give --bundle a writable path");
        out.write(zip.data(), static_cast<std::streamsize>(zip.size()));
        out.close();
        if (!out) {
            std::filesystem::remove(temp, ec);
            throw Error(ErrorKind::usage, "cannot finish bundle " + path.string(),
                        "check the free space");
        }
    }
    std::filesystem::rename(temp, path, ec);
    if (ec) {
        std::filesystem::remove(temp, ec);
        throw Error(ErrorKind::usage, "cannot write bundle " + path.string() + ": " + ec.message(),
                    "give --bundle a writable path");
    }
}

}  // namespace mps
