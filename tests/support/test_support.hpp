#pragma once
// Helpers shared by the tests: temporary folders, files, zips written with libarchive (also
// hostile ones), and running the built binary with a controlled environment.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace testing {

// TempDir: a fresh folder removed at the end of the test.
class TempDir {
public:
    TempDir();
    ~TempDir();
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& relative) const { return path_ / relative; }

private:
    std::filesystem::path path_;
};

// write: create `path` (and its folders) with `content`.
void write(const std::filesystem::path& path, const std::string& content);
// slurp: the whole content of `path`.
std::string slurp(const std::filesystem::path& path);
// count_files: regular files below `dir` (0 when it does not exist).
std::size_t count_files(const std::filesystem::path& dir);

struct ZipEntry {
    std::string name;
    std::string content;
    enum Kind { file, directory, symlink, hardlink } kind = file;
    std::string link_target;
};

// make_zip: write a zip archive holding `entries` exactly as given (names are not cleaned, so
// tests can build "../evil" or "/etc/passwd" entries).
void make_zip(const std::filesystem::path& zip, const std::vector<ZipEntry>& entries);

// module_files: a small but real-shaped module release: main class, config.xml, templates,
// css, js, an image. Paths are relative to the module folder.
std::map<std::string, std::string> module_files(const std::string& name, const std::string& version);

// write_tree: write `files` under `dir`.
void write_tree(const std::filesystem::path& dir, const std::map<std::string, std::string>& files);

// zip_entries: the files as zip entries under a top folder `folder/` (none when empty).
std::vector<ZipEntry> zip_entries(const std::map<std::string, std::string>& files, const std::string& folder);

struct RunResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// run_mpsupport: run the built binary with `args`, in an environment holding only PATH,
// HOME=`home`, XDG_CONFIG_HOME and XDG_DATA_HOME below it, plus `extra_env`.
RunResult run_mpsupport(const std::vector<std::string>& args, const std::filesystem::path& home,
                        const std::map<std::string, std::string>& extra_env = {}, const std::string& input = "");

}  // namespace testing
