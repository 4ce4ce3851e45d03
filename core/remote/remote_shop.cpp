#include "remote/remote_shop.hpp"

#include "files/remote_files.hpp"
#include "shop/prestashop_version.hpp"
#include "ssh/sftp_url.hpp"

namespace mps {

// stat_kinds: which of `paths` are folders (true), other things (false), or absent; one round trip.
std::map<std::string, bool> stat_kinds(RemoteFiles& files, const std::vector<std::string>& paths) {
    std::map<std::string, bool> found;
    for (const auto& path : paths)
        files.stat(path, true, [&found, path](std::optional<FileAttributes> attrs) {
            if (attrs) found[path] = attrs->is_dir();
        });
    files.run();
    return found;
}

// fetch_small_files: contents of the files that exist among `paths` (relative to `root`).
std::map<std::string, std::string> fetch_small_files(RemoteFiles& files, const std::string& root,
                                                     const std::vector<std::string>& paths) {
    std::vector<RemoteEntry> entries;
    for (const auto& path : paths) entries.push_back(RemoteEntry{path, {}});
    std::map<std::string, std::string> contents;
    FileSink sink{[&](const RemoteEntry& e, FetchedFile& file) {
                      contents[e.path] = std::move(file.content);
                  },
                  [](const RemoteEntry&, const std::string&) {}};
    fetch_remote_files(files, root, entries, sink);
    return contents;
}

std::vector<std::string> prestashop_version_files() {
    std::vector<std::string> paths;
    for (const auto& source : prestashop_version_sources()) paths.push_back(source.path);
    return paths;
}

Check prestashop_root_check_from(const std::map<std::string, std::string>& contents,
                                 const std::string& shop_root) {
    Check check{"files.prestashop-root", Status::info};
    for (const auto& source : prestashop_version_sources()) {
        auto it = contents.find(source.path);
        if (it == contents.end()) continue;
        if (auto version = prestashop_version_from(it->second)) {
            check.message = "PrestaShop " + *version + " at " + display_remote_path(shop_root) +
                            " (from " + source.path + ")";
            check.data = {{"version", *version}, {"source", source.path}};
            return check;
        }
    }
    check.status = Status::warn;
    check.message = "shop root " + display_remote_path(shop_root) +
                    " found, but no PrestaShop version file could be read";
    check.hint =
        "check that the account can read src/Core/Version.php, app/AppKernel.php or "
        "config/settings.inc.php";
    return check;
}

Check prestashop_root_check(RemoteFiles& files, const std::string& shop_root) {
    return prestashop_root_check_from(
        fetch_small_files(files, shop_root, prestashop_version_files()), shop_root);
}

}  // namespace mps
