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
std::map<std::string, std::string> module_files(const std::string& name,
                                                const std::string& version);

// write_tree: write `files` under `dir`.
void write_tree(const std::filesystem::path& dir, const std::map<std::string, std::string>& files);

// zip_entries: the files as zip entries under a top folder `folder/` (none when empty).
std::vector<ZipEntry> zip_entries(const std::map<std::string, std::string>& files,
                                  const std::string& folder);

struct RunResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// run_mpsupport: run the built binary with `args`, in an environment holding only PATH,
// HOME=`home`, XDG_CONFIG_HOME and XDG_DATA_HOME below it, plus `extra_env`.
RunResult run_mpsupport(const std::vector<std::string>& args, const std::filesystem::path& home,
                        const std::map<std::string, std::string>& extra_env = {},
                        const std::string& input = "");

// run_mpsupport_wrapped: the same, run as the arguments of `wrapper` (its first element an
// absolute path): `wrapper... MPSUPPORT args...`, in the same environment.
RunResult run_mpsupport_wrapped(const std::vector<std::string>& wrapper,
                                const std::vector<std::string>& args,
                                const std::filesystem::path& home,
                                const std::map<std::string, std::string>& extra_env = {},
                                const std::string& input = "");

// free_port: a TCP port on 127.0.0.1 that nothing listens on right now.
int free_port();
// accepts: something listens on 127.0.0.1:port.
bool accepts(int port);

// ServerProcess: a real server started for a test (php -S, aiosmtpd...) on 127.0.0.1:port.
// The constructor returns once the port accepts connections; a server that exits or does not
// listen within 10 s throws (a test failure, never a skip). The destructor kills it.
class ServerProcess {
  public:
    ServerProcess(const std::vector<std::string>& argv, int port,
                  const std::map<std::string, std::string>& env = {});
    ~ServerProcess();
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;
    int port() const { return port_; }

  private:
    int pid_ = -1;
    int port_ = 0;
};

// start_mpsupport: like run_mpsupport, but in the background; stdout and stderr go to
// `output` (a file). Returns the pid, for wait_mpsupport or kill.
int start_mpsupport(const std::vector<std::string>& args, const std::filesystem::path& home,
                    const std::map<std::string, std::string>& extra_env,
                    const std::filesystem::path& output);
// wait_mpsupport: the exit code of a process started by start_mpsupport (128 + signal).
int wait_mpsupport(int pid);

// wait_for_file: true once `path` exists (polling), false after `seconds`.
bool wait_for_file(const std::filesystem::path& path, double seconds);

}  // namespace testing
