#include "integrity/local_tree.hpp"

#include "util/error.hpp"
#include "util/parallel.hpp"
#include "util/safe_path.hpp"
#include "util/sha256.hpp"

namespace fs = std::filesystem;

namespace mps {

std::vector<InstalledFile> scan_local_module(const fs::path& dir, unsigned threads) {
    std::vector<InstalledFile> files;
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec), end;
    if (ec) throw Error(ErrorKind::usage, "cannot read " + dir.string() + ": " + ec.message());
    for (; it != end; it.increment(ec)) {
        if (ec) throw Error(ErrorKind::usage, "cannot read " + dir.string() + ": " + ec.message());
        auto status = it->symlink_status(ec);
        bool link = fs::is_symlink(status);
        if (!link && !fs::is_regular_file(status)) continue;
        std::string relative = it->path().lexically_relative(dir).generic_string();
        if (is_ignored_junk(relative)) continue;
        files.push_back(InstalledFile{relative, "", link});
    }
    parallel_for(files.size(), threads, [&](std::size_t i) {
        if (!files[i].is_link) files[i].sha256 = sha256_file(dir / files[i].path);
    });
    return files;
}

}  // namespace mps
