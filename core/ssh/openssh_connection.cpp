#include "ssh/openssh_connection.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "ssh/known_hosts.hpp"
#include "ssh/sftp_client.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"
#include "util/text.hpp"

extern char** environ;

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace mps {

namespace {

// Bytes of ssh's stderr kept for messages (the last ones count).
constexpr std::size_t kMaxStderr = 16 * 1024;

void set_nonblocking(int fd) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

// write_no_sigpipe: write(2) to a pipe whose reader may be gone, without dying of SIGPIPE.
ssize_t write_no_sigpipe(int fd, const char* data, std::size_t size) {
    sigset_t pipe_set, old;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    ssize_t wrote = ::write(fd, data, size);
    int saved = errno;
    if (wrote < 0 && saved == EPIPE) {
        timespec zero{0, 0};
        sigtimedwait(&pipe_set, nullptr, &zero);  // the pending SIGPIPE, consumed
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    errno = saved;
    return wrote;
}

// Child: a process started without a shell; its pipe ends on our side are non-blocking.
struct Child {
    pid_t pid = -1;
    int in = -1;   // its stdin (when piped)
    int out = -1;  // its stdout (when piped)
    int err = -1;  // its stderr
    int pidfd = -1;
    int status = -1;  // exit code once reaped (128 + signal when killed)
    std::string stderr_text;

    Child() = default;
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    ~Child() {
        close_fd(in);
        close_fd(out);
        close_fd(err);
        if (pid > 0) {
            ::kill(pid, SIGTERM);
            reap(Clock::now() + std::chrono::seconds(2));
            if (pid > 0) {
                ::kill(pid, SIGKILL);
                reap(Clock::now() + std::chrono::seconds(5));
            }
        }
        close_fd(pidfd);
    }

    // reap: wait for the exit until `deadline`; true once reaped.
    bool reap(Clock::time_point deadline) {
        while (pid > 0) {
            int raw = 0;
            pid_t done = ::waitpid(pid, &raw, WNOHANG);
            if (done == pid || (done < 0 && errno != EINTR)) {
                status = done < 0           ? -1
                         : WIFEXITED(raw)   ? WEXITSTATUS(raw)
                         : WIFSIGNALED(raw) ? 128 + WTERMSIG(raw)
                                            : -1;
                pid = -1;
                break;
            }
            if (Clock::now() >= deadline) return false;
            if (pidfd >= 0) {
                pollfd p{pidfd, POLLIN, 0};
                ::poll(&p, 1, 50);
            } else {
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
        }
        return true;
    }

    // drain_stderr: read what stderr holds now; false at its end.
    bool drain_stderr() {
        if (err < 0) return false;
        char buffer[4096];
        for (;;) {
            ssize_t got = ::read(err, buffer, sizeof buffer);
            if (got > 0) {
                stderr_text.append(buffer, static_cast<std::size_t>(got));
                if (stderr_text.size() > kMaxStderr)
                    stderr_text.erase(0, stderr_text.size() - kMaxStderr);
                continue;
            }
            if (got < 0 && errno == EINTR) continue;
            if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
            close_fd(err);
            return false;
        }
    }
};

enum class Pipe { none, in, out, both };

// spawn: start argv[0] (looked up in PATH) with `env`; stdin and stdout are pipes or /dev/null,
// stderr a pipe.
std::unique_ptr<Child> spawn(const std::vector<std::string>& argv,
                             const std::vector<std::string>& env, Pipe pipes) {
    int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
    auto fail = [&](const char* what) {
        int saved = errno;
        for (int* p : {in, out, err})
            for (int i : {0, 1})
                if (p[i] >= 0) ::close(p[i]);
        throw Error(ErrorKind::unreachable,
                    std::string("cannot start ssh: ") + what + ": " + std::strerror(saved),
                    "install the OpenSSH client (ssh) or use --ssh-client libssh2");
    };
    bool pipe_in = pipes == Pipe::in || pipes == Pipe::both;
    bool pipe_out = pipes == Pipe::out || pipes == Pipe::both;
    if ((pipe_in && ::pipe2(in, O_CLOEXEC) != 0) || (pipe_out && ::pipe2(out, O_CLOEXEC) != 0) ||
        ::pipe2(err, O_CLOEXEC) != 0)
        fail("pipe");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (pipe_in)
        posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    else
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    if (pipe_out)
        posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    else
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t defaults, none;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    std::vector<char*> args, envp;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    pid_t pid = -1;
    int rc = posix_spawnp(&pid, argv[0].c_str(), &actions, &attr, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        errno = rc;
        fail(argv[0].c_str());
    }
    auto child = std::make_unique<Child>();
    child->pid = pid;
    child->pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    if (pipe_in) {
        ::close(in[0]);
        child->in = in[1];
        set_nonblocking(child->in);
    }
    if (pipe_out) {
        ::close(out[1]);
        child->out = out[0];
        set_nonblocking(child->out);
    }
    ::close(err[1]);
    child->err = err[0];
    set_nonblocking(child->err);
    return child;
}

// message_lines: ssh's lines worth showing: no debug output, no banners, no empty lines.
std::vector<std::string> message_lines(const std::string& text) {
    std::vector<std::string> out;
    for (auto line : split_lines(text)) {
        std::string clean = trim(line);
        if (clean.empty() || clean.rfind("debug", 0) == 0 || clean.front() == '@' ||
            clean.rfind("OpenSSH_", 0) == 0 || clean.rfind("Authenticated to", 0) == 0 ||
            clean.rfind("Transferred:", 0) == 0 ||
            clean.rfind("Warning: Permanently added", 0) == 0)
            continue;
        for (char& c : clean)
            if (static_cast<unsigned char>(c) < 0x20) c = ' ';
        if (std::find(out.begin(), out.end(), clean) == out.end()) out.push_back(clean);
    }
    return out;
}

bool has(const std::string& text, const char* what) {
    return text.find(what) != std::string::npos;
}

// quote_option: an -o value as ssh's config parser reads it (a path with spaces in quotes).
std::string quote_option(const std::string& value) {
    return value.find_first_of(" \t") == std::string::npos ? value : "\"" + value + "\"";
}

}  // namespace

std::optional<Error> openssh_error(const std::string& label, int exit_code,
                                   const std::string& messages, bool password_given) {
    std::vector<std::string> lines = message_lines(messages);
    if (exit_code == 0) return std::nullopt;
    // The last few lines: ssh ends with the reason.
    std::vector<std::string> tail(lines.end() - std::min<std::ptrdiff_t>(lines.size(), 3),
                                  lines.end());
    std::string said = tail.empty() ? "ssh exited with status " + std::to_string(exit_code)
                                    : "ssh: " + join(tail, " ");
    if (said.size() > 600) said = said.substr(0, 600) + "...";
    if (has(messages, "REMOTE HOST IDENTIFICATION HAS CHANGED") ||
        has(messages, "POSSIBLE DNS SPOOFING") || has(messages, "is a revoked key"))
        return Error(ErrorKind::auth,
                     "CHANGED HOST KEY for " + label +
                         ": someone may be intercepting the connection (" + said + ")",
                     "ask the shop's host whether the server was reinstalled; only then remove the "
                     "old entry with ssh-keygen -R HOST (-f your known_hosts file)");
    if (has(messages, "Host key verification failed") || has(messages, "host key is known for") ||
        has(messages, "No matching host key"))
        return Error(ErrorKind::auth, "unknown host key for " + label + " (" + said + ")",
                     "compare the fingerprint the shop's host gives you with ssh-keyscan's, then "
                     "run again with --accept-new-host-key to record it (or connect once with "
                     "ssh)");
    if (has(messages, "Permission denied") || has(messages, "Too many authentication failures") ||
        has(messages, "No more authentication methods"))
        return Error(ErrorKind::auth, "authentication to " + label + " failed (" + said + ")",
                     password_given
                         ? "the password was refused (or the server takes none): check "
                           "MPSUPPORT_SFTP_PASSWORD"
                         : "add your public key to the server's authorized_keys, use --identity "
                           "FILE, an IdentityFile in your ssh config, or set "
                           "MPSUPPORT_SFTP_PASSWORD");
    if (has(messages, "Could not resolve hostname"))
        return Error(ErrorKind::unreachable,
                     "cannot resolve the host of " + label + " (" + said + ")",
                     "check the host name in the sftp:// address or your ssh config");
    if (has(messages, "subsystem request failed"))
        return Error(ErrorKind::unreachable,
                     "the server " + label + " refused the SFTP subsystem (" + said + ")",
                     "ask the host to enable SFTP for this account");
    if (has(messages, "timed out") || has(messages, "Timeout, server"))
        return Error(ErrorKind::unreachable, label + " stopped answering (" + said + ")",
                     "the server or network may be overloaded; try again later or raise --timeout");
    return Error(ErrorKind::unreachable, "cannot connect to " + label + " (" + said + ")",
                 "check that the host and port are right and that SSH is reachable from here");
}

struct OpensshConnection::Impl {
    SshOptions options;
    std::string dir;  // private folder: control socket, log, askpass
    std::string label;
    std::string auth_method = "ssh";
    std::string fingerprint;
    std::vector<std::string> env;
    std::vector<std::string> common;  // ssh and the options of every invocation, up to "--"
    std::string destination;
    bool master_up = false;
    // Session processes whose pipes are closed: reaped once the master is gone (it ends them).
    mutable std::vector<std::unique_ptr<Child>> ending;

    ~Impl() {
        if (master_up) {
            try {
                std::vector<std::string> argv = common;
                for (const char* a : {"-O", "exit", "--"}) argv.emplace_back(a);
                argv.push_back(destination);
                auto child = spawn(argv, env, Pipe::none);
                auto deadline = Clock::now() + std::chrono::seconds(5);
                while (child->drain_stderr() && Clock::now() < deadline) {
                    pollfd p{child->err, POLLIN, 0};
                    ::poll(&p, 1, 100);
                }
                child->reap(deadline);
                // "-O exit" returns once the master has the request; it unlinks its socket on
                // the way out: wait for that, so no master outlives the command (ControlPersist
                // would keep a stray one for a minute).
                std::error_code ec;
                auto gone_by = Clock::now() + std::chrono::seconds(3);
                while (fs::exists(dir + "/cm", ec) && Clock::now() < gone_by)
                    std::this_thread::sleep_for(std::chrono::milliseconds(5));
                if (fs::exists(dir + "/cm", ec)) stop_stray_master();
            } catch (const std::exception& e) {
                log::debug("closing the ssh master for {}: {}", label, e.what());
            }
        }
        auto deadline = Clock::now() + std::chrono::seconds(2);
        for (auto& child : ending) child->reap(deadline);
        ending.clear();  // ~Child ends any that are left
        if (!dir.empty()) {
            std::error_code ec;
            fs::remove_all(dir, ec);
        }
    }

    // stop_stray_master: the master did not take "-O exit" (a loaded host, a killed client):
    // find it by its control path in /proc (it forked to the background, so it is not our
    // child and ssh printed no pid) and end it.
    void stop_stray_master() const {
        std::string control = dir + "/cm";
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator("/proc", ec)) {
            std::string name = entry.path().filename().string();
            if (name.find_first_not_of("0123456789") != std::string::npos) continue;
            std::string cmdline;
            try {
                cmdline = read_file(entry.path() / "cmdline");
            } catch (const Error&) {
                continue;
            }
            if (cmdline.find(control) == std::string::npos) continue;
            pid_t pid = static_cast<pid_t>(std::stol(name));
            if (pid == ::getpid()) continue;
            log::debug("ending the ssh master for {} (pid {})", label, pid);
            ::kill(pid, SIGTERM);
        }
    }

    std::chrono::milliseconds timeout() const {
        return std::chrono::milliseconds(std::max(1, options.timeout_seconds) * 1000);
    }

    // run: start ssh with the common options, `extra`, the destination and `after`.
    std::unique_ptr<Child> run(const std::vector<std::string>& extra,
                               const std::vector<std::string>& after, Pipe pipes) const {
        std::vector<std::string> argv = common;
        argv.insert(argv.end(), extra.begin(), extra.end());
        argv.emplace_back("--");
        argv.push_back(destination);
        argv.insert(argv.end(), after.begin(), after.end());
        return spawn(argv, env, pipes);
    }

    // fail: the Error for a child that ended badly.
    Error failure(Child& child, const std::string& extra_messages = {}) const {
        auto error = openssh_error(label, child.status, extra_messages + "\n" + child.stderr_text,
                                   options.password.has_value());
        return error ? *error
                     : Error(ErrorKind::unreachable, "ssh to " + label + " ended unexpectedly");
    }
};

namespace {

// OpensshTransport: the pipes of `ssh -s HOST sftp`.
class OpensshTransport : public SftpTransport {
  public:
    OpensshTransport(const OpensshConnection::Impl& connection, std::unique_ptr<Child> child)
        : connection_(connection), child_(std::move(child)) {}
    ~OpensshTransport() override {
        // End the session: ssh sees EOF on stdin and closes the channel. Its exit is not waited
        // for here: closing the master ends it too, so the connection reaps it then.
        close_fd(child_->in);
        close_fd(child_->out);
        if (!child_->reap(Clock::now()) && connection_.master_up)
            connection_.ending.push_back(std::move(child_));
    }
    std::size_t write(const char* data, std::size_t size) override {
        if (child_->in < 0) broken();
        ssize_t wrote = write_no_sigpipe(child_->in, data, size);
        if (wrote >= 0) return static_cast<std::size_t>(wrote);
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return 0;
        broken();
    }
    std::size_t read(char* buffer, std::size_t size) override {
        child_->drain_stderr();
        for (;;) {
            ssize_t got = ::read(child_->out, buffer, size);
            if (got > 0) return static_cast<std::size_t>(got);
            if (got < 0 && errno == EINTR) continue;
            if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
            broken();
        }
    }
    void wait(Clock::time_point deadline, bool want_write) override {
        for (;;) {
            auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            if (left.count() <= 0)
                throw Error(ErrorKind::unreachable,
                            label() + " stopped answering (no data for " +
                                std::to_string(timeout().count() / 1000) + " s)",
                            "the server or network may be overloaded; try again later or raise "
                            "--timeout");
            pollfd fds[3] = {{child_->out, POLLIN, 0},
                             {want_write ? child_->in : -1, POLLOUT, 0},
                             {child_->err, POLLIN, 0}};
            int ready = ::poll(fds, 3, static_cast<int>(std::min<long long>(left.count(), 1000)));
            if (ready < 0 && errno != EINTR) broken();
            if (ready > 0 && fds[2].revents) child_->drain_stderr();
            if (ready > 0 && (fds[0].revents || fds[1].revents)) return;
        }
    }
    std::chrono::milliseconds timeout() const override { return connection_.timeout(); }
    const std::string& label() const override { return connection_.label; }

  private:
    [[noreturn]] void broken() {
        // ssh ended (or is ending): its stderr says why.
        close_fd(child_->in);
        auto deadline = Clock::now() + std::chrono::seconds(2);
        while (child_->drain_stderr() && Clock::now() < deadline) {
            pollfd p{child_->err, POLLIN, 0};
            ::poll(&p, 1, 100);
        }
        child_->reap(deadline);
        if (child_->status != 0 && child_->status != -1) throw connection_.failure(*child_);
        std::vector<std::string> lines = message_lines(child_->stderr_text);
        throw Error(ErrorKind::unreachable,
                    "the SFTP server on " + label() + " closed the connection" +
                        (lines.empty() ? "" : " (ssh: " + join(lines, " ") + ")"),
                    "the server may limit sessions or have dropped us; try again");
    }

    const OpensshConnection::Impl& connection_;
    std::unique_ptr<Child> child_;
};

// field: the value of `key` in `ssh -G` output ("key value" lines), or "".
std::string field(const std::string& config, const std::string& key) {
    for (auto line : split_lines(config))
        if (line.substr(0, key.size() + 1) == key + " ")
            return std::string(line.substr(key.size() + 1));
    return {};
}

// after: the text after `marker` on the first line holding it, to the line's end.
std::string after(const std::string& text, const std::string& marker) {
    auto at = text.find(marker);
    if (at == std::string::npos) return {};
    at += marker.size();
    return text.substr(at, text.find('\n', at) - at);
}

// wait_for: read the child's stderr until it exits or `deadline` passes (then kill it).
void wait_for(Child& child, std::optional<Clock::time_point> deadline) {
    for (;;) {
        child.drain_stderr();
        if (child.reap(Clock::now())) {
            child.drain_stderr();
            return;
        }
        if (deadline && Clock::now() >= *deadline) {
            ::kill(child.pid, SIGTERM);
            child.reap(Clock::now() + std::chrono::seconds(2));
            if (child.pid > 0) ::kill(child.pid, SIGKILL);
            child.reap(Clock::now() + std::chrono::seconds(5));
            child.status = -2;
            return;
        }
        pollfd fds[2] = {{child.err, POLLIN, 0}, {child.pidfd, POLLIN, 0}};
        ::poll(fds, 2, child.pidfd >= 0 ? 200 : 20);
    }
}

std::string make_private_dir() {
    std::string base = "/tmp";
    if (const char* tmp = std::getenv("TMPDIR"); tmp && *tmp && std::strlen(tmp) < 60) base = tmp;
    std::string templ = base + "/mpsupport-ssh-XXXXXX";
    if (!::mkdtemp(templ.data())) {
        templ = "/tmp/mpsupport-ssh-XXXXXX";
        if (!::mkdtemp(templ.data()))
            throw Error(
                ErrorKind::internal,
                std::string("cannot create a private folder for ssh: ") + std::strerror(errno));
    }
    ::chmod(templ.c_str(), 0700);
    return templ;
}

// set_environment: ssh's environment: ours without askpass settings, plus, with a password,
// the askpass program that answers ssh's prompt.
void set_environment(OpensshConnection::Impl& c) {
    const SshOptions& o = c.options;
    for (char** e = environ; *e; ++e) {
        std::string_view entry(*e);
        if (entry.rfind("SSH_ASKPASS", 0) == 0 || entry.rfind("MPSUPPORT_SFTP_PASSWORD=", 0) == 0)
            continue;
        c.env.emplace_back(entry);
    }
    if (o.password) {
        // The password reaches ssh through its askpass program: a script in the private folder
        // that prints it from the environment it inherits (never on a command line or in a file).
        std::string askpass = c.dir + "/askpass";
        write_file_atomic(askpass,
                          "#!/bin/sh\n"
                          "# mpsupport: answers ssh's password prompt from the environment.\n"
                          "case \"$1\" in\n"
                          "  *assword*) printf '%s\\n' \"$MPSUPPORT_SFTP_PASSWORD\" ;;\n"
                          "  *) exit 1 ;;\n"
                          "esac\n",
                          0700);
        c.env.push_back("SSH_ASKPASS=" + askpass);
        c.env.push_back("SSH_ASKPASS_REQUIRE=force");
        c.env.push_back("MPSUPPORT_SFTP_PASSWORD=" + *o.password);
    }
}

// set_common_options: the options of every ssh invocation (up to "--").
void set_common_options(OpensshConnection::Impl& c) {
    const SshOptions& o = c.options;
    bool password = o.password.has_value();
    int timeout = std::max(1, o.timeout_seconds);
    c.common = {"ssh"};
    auto opt = [&](const std::string& value) {
        c.common.emplace_back("-o");
        c.common.push_back(value);
    };
    if (!o.ssh_config.empty()) {
        c.common.emplace_back("-F");
        c.common.push_back(o.ssh_config.string());
    }
    if (password)
        opt("NumberOfPasswordPrompts=1");
    else if (!o.ask_password)
        opt("BatchMode=yes");
    opt(std::string("StrictHostKeyChecking=") + (o.accept_new_host_key ? "accept-new" : "yes"));
    if (o.known_hosts_given) opt("UserKnownHostsFile=" + quote_option(o.known_hosts.string()));
    opt("ConnectTimeout=" + std::to_string(timeout));
    opt("ServerAliveInterval=15");
    opt("ControlPath=" + quote_option(c.dir + "/cm"));
    opt("ClearAllForwardings=yes");
    opt("ForwardX11=no");
    opt("RequestTTY=no");
    if (o.port != 22) {
        c.common.emplace_back("-p");
        c.common.push_back(std::to_string(o.port));
    }
    if (!o.user.empty()) {
        c.common.emplace_back("-l");
        c.common.push_back(o.user);
    }
    if (o.identities_given)
        for (const auto& identity : o.identities) {
            c.common.emplace_back("-i");
            c.common.push_back(identity.string());
        }
}

// resolve_label: "alias (user@host:port)" from `ssh -G`, asked while the master connects; a
// broken ssh configuration is Error(usage).
void resolve_label(OpensshConnection::Impl& c) {
    const SshOptions& o = c.options;
    bool password = o.password.has_value();
    auto resolved = c.run({"-G"}, {}, Pipe::out);
    std::string config;
    auto deadline = Clock::now() + std::chrono::seconds(10);
    for (;;) {
        char buffer[8192];
        ssize_t got = ::read(resolved->out, buffer, sizeof buffer);
        if (got > 0) {
            config.append(buffer, static_cast<std::size_t>(got));
            continue;
        }
        if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR) || Clock::now() >= deadline)
            break;
        resolved->drain_stderr();
        pollfd p{resolved->out, POLLIN, 0};
        ::poll(&p, 1, 100);
    }
    wait_for(*resolved, deadline);
    if (resolved->status == 0) {
        std::string user = field(config, "user"), hostname = field(config, "hostname");
        int port = std::atoi(field(config, "port").c_str());
        if (!hostname.empty() && port > 0) {
            std::string real = user + "@" + known_hosts_name(hostname, port);
            c.label = hostname == o.host ? real : o.host + " (" + real + ")";
        }
    } else {
        std::string messages = resolved->stderr_text;
        if (auto error = openssh_error(c.label, resolved->status, messages, password);
            error && has(messages, "config"))
            throw Error(ErrorKind::usage, std::string(error->what()),
                        "fix the ssh configuration file");
    }
}

// read_login: the host key fingerprint and login method from the master's log; warns when ssh
// recorded a new host key.
void read_login(OpensshConnection::Impl& c, const std::string& log) {
    bool recorded = !after(log, "Warning: Permanently added ").empty();
    // "TYPE SHA256:...": the fingerprint as the libssh2 client shows it.
    std::string host_key = trim(after(log, "Server host key: "));
    c.fingerprint =
        host_key.substr(host_key.find(' ') == std::string::npos ? 0 : host_key.find(' ') + 1);
    std::string method = after(log, "Authenticated to ");
    std::string accepted = trim(after(log, "Server accepts key: "));
    if (has(method, "\"publickey\"") && !accepted.empty()) {
        // "PATH TYPE SHA256:... [explicit|agent]"
        auto parts = split(accepted, ' ');
        bool agent = parts.size() >= 4 && parts.back() == "agent";
        c.auth_method = (agent ? "agent key " : "key ") + parts.front();
    } else if (has(method, "\"password\"") || has(method, "\"keyboard-interactive\"")) {
        c.auth_method = "password";
    } else if (auto quote = method.find('"'); quote != std::string::npos) {
        c.auth_method = method.substr(quote + 1, method.find('"', quote + 1) - quote - 1);
    }
    c.auth_method += " via OpenSSH";
    if (recorded)
        log::warn("ssh recorded the new host key of {} ({}) in its known_hosts file", c.label,
                  c.fingerprint);
}

}  // namespace

OpensshConnection::OpensshConnection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OpensshConnection::~OpensshConnection() = default;

std::unique_ptr<OpensshConnection> OpensshConnection::connect(const SshOptions& o) {
    if (o.host.empty() || o.host.front() == '-')
        throw Error(ErrorKind::usage, "bad SSH host '" + o.host + "'",
                    "write the address as sftp://user@host[:port]/path");
    auto impl = std::make_unique<Impl>();
    Impl& c = *impl;
    c.options = o;
    c.destination = o.host;
    c.label = (o.user.empty() ? "" : o.user + "@") + known_hosts_name(o.host, o.port);
    c.dir = make_private_dir();
    bool password = o.password.has_value();
    set_environment(c);
    set_common_options(c);
    int timeout = std::max(1, o.timeout_seconds);

    // The master: authenticates, then goes to the background (-f) and serves the sessions.
    std::string log_file = c.dir + "/log";
    auto master = c.run({"-M", "-N", "-f", "-v", "-E", log_file, "-o",
                         "ControlPersist=" + std::to_string(std::max(60, 2 * timeout))},
                        {}, Pipe::none);

    resolve_label(c);

    // Without prompts, a master that neither connects nor fails in this time never will.
    std::optional<Clock::time_point> deadline;
    if (!o.ask_password || password)
        deadline = Clock::now() + std::chrono::seconds(2 * timeout + 5);
    wait_for(*master, deadline);
    std::string log;
    try {
        log = read_file(log_file);
    } catch (const Error&) {
    }
    if (master->status == -2)
        throw Error(ErrorKind::unreachable,
                    c.label + " stopped answering (ssh did not log in within " +
                        std::to_string(2 * timeout + 5) + " s)",
                    "the server or network may be overloaded; try again later or raise --timeout");
    if (master->status != 0) throw c.failure(*master, log);
    c.master_up = true;
    for (const auto& line : message_lines(master->stderr_text + "\n" + log))
        log::debug("ssh {}: {}", c.label, line);
    read_login(c, log);
    log::info("connected to {} with ssh ({}; host key {})", c.label, c.auth_method, c.fingerprint);
    return std::unique_ptr<OpensshConnection>(new OpensshConnection(std::move(impl)));
}

std::unique_ptr<SftpTransport> OpensshConnection::open_sftp() {
    auto child = impl_->run({"-o", "ControlMaster=no", "-s"}, {"sftp"}, Pipe::both);
    return std::make_unique<OpensshTransport>(*impl_, std::move(child));
}

std::optional<ExecResult> OpensshConnection::exec(const std::string& command,
                                                  std::size_t max_output) {
    Impl& c = *impl_;
    auto child = c.run({"-o", "ControlMaster=no", "-n", "-T"}, {command}, Pipe::out);
    ExecResult result;
    std::string err;
    auto deadline = Clock::now() + c.timeout();
    char buffer[32768];
    bool out_open = true, err_open = true;
    while (out_open || err_open) {
        bool progress = false;
        for (int stream : {0, 1}) {
            int& fd = stream == 0 ? child->out : child->err;
            bool& open = stream == 0 ? out_open : err_open;
            while (open) {
                ssize_t got = ::read(fd, buffer, sizeof buffer);
                if (got < 0 && errno == EINTR) continue;
                if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
                if (got <= 0) {
                    open = false;
                    close_fd(fd);
                    break;
                }
                std::string& target = stream == 0 ? result.out : err;
                std::size_t room = max_output > target.size() ? max_output - target.size() : 0;
                target.append(buffer, std::min<std::size_t>(room, static_cast<std::size_t>(got)));
                if (static_cast<std::size_t>(got) > room) result.truncated = true;
                progress = true;
            }
        }
        if (result.truncated) {
            // Output past the limit: stop the command, never wait for its end.
            log::info("output of a command on {} passed {} bytes; stopped reading it", c.label,
                      max_output);
            result.err = err;
            return result;  // ~Child ends ssh
        }
        if (progress) deadline = Clock::now() + c.timeout();
        if (!out_open && !err_open) break;
        if (Clock::now() >= deadline)
            throw Error(ErrorKind::unreachable,
                        c.label + " stopped answering (no data for " +
                            std::to_string(c.timeout().count() / 1000) + " s)",
                        "the server or network may be overloaded; try again later or raise "
                        "--timeout");
        pollfd fds[2] = {{out_open ? child->out : -1, POLLIN, 0},
                         {err_open ? child->err : -1, POLLIN, 0}};
        ::poll(fds, 2, 1000);
    }
    child->reap(Clock::now() + c.timeout());
    if (child->pid > 0)
        throw Error(ErrorKind::unreachable, "ssh to " + c.label + " did not end after a command");
    result.exit_status = child->status;
    result.err = err;
    if (child->status == 255) {
        // ssh's own failure, or the server refusing a session for commands.
        if (has(err, "open failed") || has(err, "session request failed") ||
            has(err, "administratively prohibited")) {
            log::debug("{} refused a command session: {}", c.label, trim(err).substr(0, 200));
            return std::nullopt;
        }
        if (has(err, "ssh:") || has(err, "Connection ") || has(err, "mux_client") ||
            has(err, "Control socket"))
            throw *openssh_error(c.label, 255, err, c.options.password.has_value());
    }
    return result;
}

const std::string& OpensshConnection::label() const {
    return impl_->label;
}
const std::string& OpensshConnection::auth_method() const {
    return impl_->auth_method;
}
const std::string& OpensshConnection::host_key_fingerprint() const {
    return impl_->fingerprint;
}
const std::string& OpensshConnection::control_dir() const {
    return impl_->dir;
}

std::unique_ptr<SshConnection> connect_ssh(const SshOptions& options) {
    if (options.client == SshClient::openssh) return OpensshConnection::connect(options);
    return SshSession::connect(options);
}

}  // namespace mps
