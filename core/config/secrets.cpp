#include "config/secrets.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>

#include "util/error.hpp"
#include "util/log.hpp"

extern char** environ;

namespace fs = std::filesystem;

namespace mps {
namespace {

// strip_newline: the value without its one trailing newline ("\n" or "\r\n").
std::string strip_newline(std::string value) {
    if (!value.empty() && value.back() == '\n') value.pop_back();
    if (!value.empty() && value.back() == '\r') value.pop_back();
    return value;
}

std::string octal_mode(mode_t mode) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "%04o", static_cast<unsigned>(mode & 07777));
    return buffer;
}

fs::path expand(const std::string& file, const Environment& env, const fs::path& config_file) {
    if (file.rfind("~/", 0) == 0) return fs::path(env.get("HOME").value_or("/")) / file.substr(2);
    fs::path path(file);
    if (path.is_relative() && config_file.has_parent_path())
        return config_file.parent_path() / path;
    return path;
}

// Pipe: both ends closed on scope exit.
struct Pipe {
    int fd[2] = {-1, -1};
    ~Pipe() {
        for (int f : fd)
            if (f >= 0) close(f);
    }
};

}  // namespace

SecretSpec secret_spec(const Config& config, SecretKind kind, const std::string& store) {
    const StoreConfig* profile = nullptr;
    if (!store.empty()) {
        auto it = config.stores.find(store);
        if (it != config.stores.end()) profile = &it->second;
    }
    std::string prefix = "stores." + store + ".";
    switch (kind) {
        case SecretKind::smtp_password:
            return {"MPSUPPORT_SMTP_PASSWORD", "vendor.smtp_password", config.vendor.smtp_password};
        case SecretKind::webservice_key:
            return {"MPSUPPORT_WEBSERVICE_KEY", "orders.webservice_key",
                    config.orders.webservice_key};
        case SecretKind::sftp_password:
            return {"MPSUPPORT_SFTP_PASSWORD", prefix + "sftp_password",
                    profile ? profile->sftp_password : SecretSource{}};
        case SecretKind::ftp_password:
            return {"MPSUPPORT_FTP_PASSWORD", prefix + "ftp_password",
                    profile ? profile->ftp_password : SecretSource{}};
        case SecretKind::admin_password:
            return {"MPSUPPORT_ADMIN_PASSWORD", prefix + "admin_password",
                    profile ? profile->admin_password : SecretSource{}};
        case SecretKind::ledger_password:
            return {"MPSUPPORT_LEDGER_PASSWORD", "ledger.password", config.ledger.password};
    }
    throw Error(ErrorKind::internal, "unknown secret");
}

std::string read_secret_file(const fs::path& file, const std::string& key) {
    std::string hint = "fix " + key + " in the configuration, or set the secret another way";
    // O_NOFOLLOW is not used: a symlink to a private file is fine; the file itself is checked.
    int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        throw Error(ErrorKind::usage,
                    key + ": cannot read " + file.string() + ": " + std::strerror(errno), hint);
    struct stat st {};
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        throw Error(ErrorKind::usage, key + ": " + file.string() + " is not a regular file", hint);
    }
    if ((st.st_mode & 077) != 0) {
        close(fd);
        throw Error(ErrorKind::usage,
                    key + ": " + file.string() + " can be read by others (mode " +
                        octal_mode(st.st_mode) +
                        "); a secret file must be readable by its owner "
                        "only",
                    "chmod 600 " + file.string());
    }
    if (st.st_size > 64 * 1024) {
        close(fd);
        throw Error(ErrorKind::usage, key + ": " + file.string() + " is too large for a secret",
                    hint);
    }
    std::string value;
    char buffer[4096];
    for (;;) {
        ssize_t n = read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            throw Error(ErrorKind::usage,
                        key + ": cannot read " + file.string() + ": " + std::strerror(e), hint);
        }
        if (n == 0) break;
        value.append(buffer, static_cast<std::size_t>(n));
    }
    close(fd);
    value = strip_newline(std::move(value));
    if (value.empty())
        throw Error(ErrorKind::usage, key + ": " + file.string() + " is empty", hint);
    return value;
}

std::string run_secret_command(const std::string& command, const std::string& key) {
    std::string hint =
        "run the command of " + key + " yourself to see why (its output is never shown)";
    Pipe out;
    if (pipe2(out.fd, O_CLOEXEC) != 0)
        throw Error(ErrorKind::internal, key + ": cannot create a pipe: " + std::strerror(errno));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out.fd[1], 1);
    const char* argv[] = {"sh", "-c", command.c_str(), nullptr};
    pid_t pid = -1;
    log::debug("{}: running the command (/bin/sh -c)", key);
    int rc =
        posix_spawn(&pid, "/bin/sh", &actions, nullptr, const_cast<char* const*>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0)
        throw Error(ErrorKind::usage, key + ": cannot run /bin/sh: " + std::strerror(rc), hint);
    close(out.fd[1]);
    out.fd[1] = -1;
    std::string value;
    char buffer[4096];
    for (;;) {
        ssize_t n = read(out.fd[0], buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        value.append(buffer, static_cast<std::size_t>(n));
        if (value.size() > 64 * 1024) break;
    }
    bool too_much = value.size() > 64 * 1024;
    if (too_much) kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (too_much)
        throw Error(ErrorKind::usage, key + ": the command printed more than 64 KiB", hint);
    // Whatever it printed may be (part of) the secret: never quoted in an error.
    std::fill(buffer, buffer + sizeof buffer, '\0');
    if (WIFSIGNALED(status))
        throw Error(ErrorKind::usage,
                    key + ": the command was killed by signal " + std::to_string(WTERMSIG(status)),
                    hint);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw Error(
            ErrorKind::usage,
            key + ": the command failed (exit status " + std::to_string(WEXITSTATUS(status)) + ")",
            hint);
    value = strip_newline(std::move(value));
    if (value.empty()) throw Error(ErrorKind::usage, key + ": the command printed nothing", hint);
    return value;
}

std::optional<std::string> resolve_secret(const Environment& env, const SecretSpec& spec,
                                          const fs::path& config_file) {
    if (auto value = env.get(spec.environment_variable)) return value;
    if (!spec.source.file.empty())
        return read_secret_file(expand(spec.source.file, env, config_file), spec.key + "_file");
    if (!spec.source.command.empty())
        return run_secret_command(spec.source.command, spec.key + "_command");
    return std::nullopt;
}

}  // namespace mps
