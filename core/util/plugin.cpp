#include "util/plugin.hpp"

#include <dlfcn.h>

#include <filesystem>
#include <string>
#include <system_error>

#include "util/error.hpp"

namespace mps {

const void* plugin_table(const char* file, const char* symbol, std::size_t table_size) {
    namespace fs = std::filesystem;
    std::error_code error;
    const fs::path binary = fs::read_symlink("/proc/self/exe", error);
    if (error)
        throw Error(ErrorKind::internal, "cannot find the mpsupport binary's folder to load " +
                                             std::string(file) + ": " + error.message());
    const fs::path installed = binary.parent_path().parent_path() / "lib" / "mpsupport" / file;
    const fs::path build_tree = binary.parent_path() / "lib" / "mpsupport" / file;
    const fs::path& path = fs::exists(installed, error) ? installed : build_tree;
    if (!fs::exists(path, error))
        throw Error(ErrorKind::internal, "cannot find " + installed.lexically_normal().string(),
                    "reinstall mpsupport (the file is part of its package)");
    void* library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        const char* why = dlerror();
        throw Error(ErrorKind::internal,
                    "cannot load " + path.lexically_normal().string() + ": " + (why ? why : "?"),
                    "install mpsupport's dependencies (sudo apt-get install -f) or reinstall it");
    }
    using TableFunction = const void* (*)(std::size_t);
    auto get_table = reinterpret_cast<TableFunction>(dlsym(library, symbol));
    const void* table = get_table ? get_table(table_size) : nullptr;
    if (!table)
        throw Error(ErrorKind::internal,
                    path.lexically_normal().string() + " does not belong to this mpsupport binary",
                    "reinstall mpsupport (a partial upgrade or a stale build tree)");
    return table;
}

}  // namespace mps
