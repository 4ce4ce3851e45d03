#include "test_support.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace fs = std::filesystem;
extern char** environ;

namespace testing {

TempDir::TempDir() {
    std::string pattern = (fs::temp_directory_path() / "mpsupport-test-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path_, ec);
}

void write(const fs::path& path, const std::string& content) {
    if (path.has_parent_path()) fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

std::size_t count_files(const fs::path& dir) {
    std::error_code ec;
    if (!fs::exists(dir, ec)) return 0;
    std::size_t n = 0;
    for (auto& entry : fs::recursive_directory_iterator(dir))
        if (entry.is_regular_file()) ++n;
    return n;
}

void make_zip(const fs::path& zip, const std::vector<ZipEntry>& entries) {
    archive* a = archive_write_new();
    archive_write_set_format_zip(a);
    if (archive_write_open_filename(a, zip.c_str()) != ARCHIVE_OK)
        throw std::runtime_error("cannot create zip");
    for (const auto& e : entries) {
        archive_entry* entry = archive_entry_new();
        archive_entry_set_pathname(entry, e.name.c_str());
        archive_entry_set_mtime(entry, 1700000000, 0);
        switch (e.kind) {
            case ZipEntry::directory:
                archive_entry_set_filetype(entry, AE_IFDIR);
                archive_entry_set_perm(entry, 0755);
                break;
            case ZipEntry::symlink:
                archive_entry_set_filetype(entry, AE_IFLNK);
                archive_entry_set_perm(entry, 0777);
                archive_entry_set_symlink(entry, e.link_target.c_str());
                break;
            case ZipEntry::hardlink:
                archive_entry_set_filetype(entry, AE_IFREG);
                archive_entry_set_perm(entry, 0644);
                archive_entry_set_hardlink(entry, e.link_target.c_str());
                break;
            case ZipEntry::file:
                archive_entry_set_filetype(entry, AE_IFREG);
                archive_entry_set_perm(entry, 0644);
                archive_entry_set_size(entry, static_cast<la_int64_t>(e.content.size()));
                break;
        }
        archive_write_header(a, entry);
        if (e.kind == ZipEntry::file) archive_write_data(a, e.content.data(), e.content.size());
        archive_entry_free(entry);
    }
    archive_write_close(a);
    archive_write_free(a);
}

std::map<std::string, std::string> module_files(const std::string& name,
                                                const std::string& version) {
    std::map<std::string, std::string> files;
    files[name + ".php"] =
        "<?php\nif (!defined('_PS_VERSION_')) {\n    exit;\n}\n\nclass " + name +
        " extends Module\n{\n    public function __construct()\n    {\n        $this->name = '" +
        name + "';\n        $this->tab = 'front_office_features';\n        $this->version = '" +
        version +
        "';\n        $this->author = 'mypresta.rocks';\n        parent::__construct();\n    }\n}\n";
    files["config.xml"] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<module>\n\t<name>" + name +
        "</name>\n\t<displayName><![CDATA[Test module]]></displayName>\n\t<version><![CDATA[" +
        version + "]]></version>\n</module>\n";
    files["index.php"] = "<?php\nheader('Location: ../');\nexit;\n";
    std::string tpl;
    for (int i = 1; i <= 10; ++i)
        tpl += "<div class=\"block-" + std::to_string(i) + "\">{$item" + std::to_string(i) +
               "}</div>\n";
    files["views/templates/hook/block.tpl"] = tpl;
    std::string css;
    for (int i = 1; i <= 10; ++i)
        css += ".block-" + std::to_string(i) + " { margin: " + std::to_string(i) + "px; }\n";
    files["views/css/front.css"] = css;
    files["views/js/front.js"] =
        "document.addEventListener('DOMContentLoaded', function () {\n  console.log('ok');\n});\n";
    files["src/Service.php"] =
        "<?php\nnamespace Test;\n\nclass Service\n{\n    public function run() { return 42; }\n}\n";
    files["views/img/logo.png"] =
        std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) + std::string(64, '\x01');
    return files;
}

void write_tree(const fs::path& dir, const std::map<std::string, std::string>& files) {
    for (const auto& [path, content] : files) write(dir / path, content);
}

std::vector<ZipEntry> zip_entries(const std::map<std::string, std::string>& files,
                                  const std::string& folder) {
    std::vector<ZipEntry> entries;
    if (!folder.empty()) entries.push_back({folder + "/", "", ZipEntry::directory});
    for (const auto& [path, content] : files)
        entries.push_back({folder.empty() ? path : folder + "/" + path, content});
    return entries;
}

namespace {

std::string drain_fd_pair(int out_fd, int err_fd, std::string& err) {
    std::string out;
    pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    int open_count = 2;
    char buffer[65536];
    while (open_count > 0) {
        if (poll(fds, 2, -1) < 0) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t got = read(fds[i].fd, buffer, sizeof buffer);
            if (got <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                --open_count;
            } else {
                (i == 0 ? out : err).append(buffer, static_cast<std::size_t>(got));
            }
        }
    }
    return out;
}

}  // namespace

namespace {

std::vector<std::string> environment_for(const fs::path& home,
                                         const std::map<std::string, std::string>& extra_env) {
    std::map<std::string, std::string> env = {
        {"PATH", "/usr/local/bin:/usr/bin:/bin"},
        {"HOME", home.string()},
        {"XDG_CONFIG_HOME", (home / ".config").string()},
        {"XDG_DATA_HOME", (home / ".local/share").string()},
    };
    for (const auto& [k, v] : extra_env) env[k] = v;
    std::vector<std::string> out;
    for (const auto& [k, v] : env) out.push_back(k + "=" + v);
    return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (auto& s : strings) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

}  // namespace

bool accepts(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    return ok;
}

RunResult run_mpsupport(const std::vector<std::string>& args, const fs::path& home,
                        const std::map<std::string, std::string>& extra_env,
                        const std::string& input) {
    return run_mpsupport_wrapped({}, args, home, extra_env, input);
}

RunResult run_mpsupport_wrapped(const std::vector<std::string>& wrapper,
                                const std::vector<std::string>& args, const fs::path& home,
                                const std::map<std::string, std::string>& extra_env,
                                const std::string& input) {
    auto env_strings = environment_for(home, extra_env);
    auto envp = pointers(env_strings);
    std::vector<std::string> argv_strings = wrapper;
    argv_strings.push_back(MPSUPPORT_BINARY);
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    auto argv = pointers(argv_strings);

    int in_pipe[2], out_pipe[2], err_pipe[2];
    if (pipe(in_pipe) || pipe(out_pipe) || pipe(err_pipe)) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]})
        posix_spawn_file_actions_addclose(&actions, fd);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    close(in_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    if (rc != 0) throw std::runtime_error("cannot start " + argv_strings[0]);
    if (!input.empty()) (void)!::write(in_pipe[1], input.data(), input.size());
    close(in_pipe[1]);
    RunResult result;
    result.out = drain_fd_pair(out_pipe[0], err_pipe[0], result.err);
    int status = 0;
    waitpid(pid, &status, 0);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
}

int free_port() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = 0;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        throw std::runtime_error("bind failed");
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    close(fd);
    return ntohs(addr.sin_port);
}

ServerProcess::ServerProcess(const std::vector<std::string>& argv_in, int port,
                             const std::map<std::string, std::string>& env_in)
    : port_(port) {
    std::vector<std::string> argv_strings = argv_in;
    auto argv = pointers(argv_strings);
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
    for (const auto& [k, v] : env_in) env_strings.push_back(k + "=" + v);
    auto envp = pointers(env_strings);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY,
                                     0);  // php -S logs every request
    pid_t pid = 0;
    int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0)
        throw std::runtime_error("cannot start " + argv_strings[0] +
                                 " (is it installed? scripts/setup)");
    pid_ = pid;
    for (int i = 0; i < 200; ++i) {
        if (accepts(port)) return;
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("server " + argv_strings[0] +
                                     " exited before listening on port " + std::to_string(port));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
    throw std::runtime_error("server " + argv_strings[0] + " did not listen on port " +
                             std::to_string(port));
}

ServerProcess::~ServerProcess() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {
        if (waitpid(pid_, nullptr, WNOHANG) == pid_) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
}

int start_mpsupport(const std::vector<std::string>& args, const fs::path& home,
                    const std::map<std::string, std::string>& extra_env, const fs::path& output) {
    auto env_strings = environment_for(home, extra_env);
    auto envp = pointers(env_strings);
    std::vector<std::string> argv_strings = {MPSUPPORT_BINARY};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    auto argv = pointers(argv_strings);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, output.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + argv_strings[0]);
    return pid;
}

int wait_mpsupport(int pid) {
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool wait_for_file(const fs::path& path, double seconds) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
        std::error_code ec;
        if (fs::exists(path, ec)) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

}  // namespace testing
