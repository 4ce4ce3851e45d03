#include "diagnose/bundle.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>

#include "util/error.hpp"
#include "util/sha256.hpp"
#include "util/text.hpp"

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
    std::unique_ptr<archive, decltype(&archive_write_free)> zip(archive_write_new(),
                                                                archive_write_free);
    archive_write_set_format_zip(zip.get());
    if (archive_write_open_filename(zip.get(), temp.c_str()) != ARCHIVE_OK)
        throw Error(ErrorKind::usage,
                    "cannot write bundle " + path.string() + ": " + archive_error_string(zip.get()),
                    "give --bundle a writable path");
    std::time_t now = std::time(nullptr);
    auto add = [&](const std::string& name, const std::string& content) {
        std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(),
                                                                            archive_entry_free);
        archive_entry_set_pathname(entry.get(), name.c_str());
        archive_entry_set_size(entry.get(), static_cast<la_int64_t>(content.size()));
        archive_entry_set_filetype(entry.get(), AE_IFREG);
        archive_entry_set_perm(entry.get(), 0644);
        archive_entry_set_mtime(entry.get(), now, 0);
        if (archive_write_header(zip.get(), entry.get()) != ARCHIVE_OK ||
            (!content.empty() &&
             archive_write_data(zip.get(), content.data(), content.size()) < 0)) {
            std::string why =
                archive_error_string(zip.get()) ? archive_error_string(zip.get()) : "write failed";
            zip.reset();
            std::filesystem::remove(temp, ec);
            throw Error(ErrorKind::usage, "cannot write bundle " + path.string() + ": " + why,
                        "check the free space");
        }
    };
    for (const auto& member : members) add(member.name, member.content);
    add("manifest.json", manifest_text);
    bool closed = archive_write_close(zip.get()) == ARCHIVE_OK;
    zip.reset();
    if (!closed) {
        std::filesystem::remove(temp, ec);
        throw Error(ErrorKind::usage, "cannot finish bundle " + path.string(),
                    "check the free space");
    }
    std::filesystem::rename(temp, path, ec);
    if (ec) {
        std::filesystem::remove(temp, ec);
        throw Error(ErrorKind::usage, "cannot write bundle " + path.string() + ": " + ec.message(),
                    "give --bundle a writable path");
    }
}

}  // namespace mps
