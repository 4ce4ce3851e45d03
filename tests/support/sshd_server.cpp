#include "sshd_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "test_support.hpp"

namespace fs = std::filesystem;

namespace testing {

std::string run_shell(const std::string& command) {
    std::string wrapped = "(" + command + ") 2>&1";
    FILE* pipe = ::popen(wrapped.c_str(), "r");
    if (!pipe) throw std::runtime_error("cannot run: " + command);
    std::string out;
    char buffer[4096];
    while (std::size_t got = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, got);
    int status = ::pclose(pipe);
    if (status != 0) throw std::runtime_error("command failed: " + command + "\n" + out);
    return out;
}

SshdServer& SshdServer::shared() {
    static SshdServer server;
    return server;
}

SshdServer::SshdServer() {
    if (::geteuid() != 0)
        throw std::runtime_error("the SFTP tests start sshd and need root (as in CI)");
    // ChrootDirectory needs every component root-owned and not writable by others: not /tmp.
    fs::path parent = "/var/lib/mpsupport-tests";
    fs::create_directories(parent);
    fs::permissions(parent, fs::perms(0755));
    std::string pattern = (parent / "sshd-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    base_ = pattern;
    fs::permissions(base_, fs::perms(0755));
    fs::create_directories("/run/sshd");
    fs::create_directories(chroot_dir());
    fs::permissions(chroot_dir(), fs::perms(0755));
    const std::string b = base_.string();
    run_shell("ssh-keygen -q -t ed25519 -N '' -C host -f " + b + "/host_ed25519");
    run_shell("ssh-keygen -q -t ed25519 -N '' -C client -f " + b + "/client_ed25519");
    run_shell("ssh-keygen -q -t ed25519 -N '' -C stranger -f " + b + "/stranger_ed25519");
    run_shell("ssh-keygen -q -t rsa -b 2048 -N '' -C rsa -f " + b + "/client_rsa");
    run_shell("cat " + b + "/client_ed25519.pub " + b + "/client_rsa.pub > " + b +
              "/authorized_keys");
    run_shell(std::string("id -u ") + password_user +
              " >/dev/null 2>&1 || useradd -M -d /nonexistent -s /bin/sh " + password_user);
    run_shell(std::string("echo '") + password_user + ":" + password + "' | chpasswd");
    port_ = free_port();
    do sftp_only_port_ = free_port();
    while (sftp_only_port_ == port_);
    do broken_port_ = free_port();
    while (broken_port_ == port_ || broken_port_ == sftp_only_port_);
    std::ofstream config(base_ / "sshd_config");
    config
        << "Port " << port_ << "\nPort " << sftp_only_port_ << "\nPort " << broken_port_
        << "\nListenAddress 127.0.0.1\n"
        << "HostKey " << b << "/host_ed25519\nPidFile " << b << "/sshd.pid\n"
        << "AuthorizedKeysFile " << b << "/authorized_keys\nStrictModes no\nUsePAM no\n"
        << "PermitRootLogin yes\nPasswordAuthentication yes\nKbdInteractiveAuthentication no\n"
        << "MaxStartups 100\nMaxSessions 20\nSubsystem sftp internal-sftp\nLogLevel ERROR\n"
        << "Match LocalPort " << sftp_only_port_ << "\n  ChrootDirectory " << b << "/chroot\n"
        << "  ForceCommand internal-sftp\n  AllowTcpForwarding no\n"
        << "Match LocalPort " << broken_port_ << "\n"
        << "  ForceCommand /bin/sh -c '/usr/lib/openssh/sftp-server | stdbuf -o0 head -c 150000'\n";
    config.close();
    std::string sshd = "/usr/sbin/sshd", conf = b + "/sshd_config", log = b + "/sshd.log";
    std::vector<char*> argv = {sshd.data(), const_cast<char*>("-D"), const_cast<char*>("-f"),
                               conf.data(), const_cast<char*>("-E"), log.data(),
                               nullptr};
    // Not the test's own stdout/stderr: an sshd left behind by a test process that aborted
    // would hold ctest's output pipe open, and ctest would wait for it forever.
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    int rc = ::posix_spawn(&pid, sshd.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0)
        throw std::runtime_error(
            "cannot start /usr/sbin/sshd (install openssh-server: scripts/setup)");
    pid_ = pid;
    for (int i = 0; i < 100; ++i) {
        if (accepts(port_) && accepts(sftp_only_port_) && accepts(broken_port_)) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("sshd did not start on ports " + std::to_string(port_) + "/" +
                             std::to_string(sftp_only_port_) + ": " +
                             testing::slurp(base_ / "sshd.log"));
}

SshdServer::~SshdServer() {
    if (pid_ > 0) {
        ::kill(pid_, SIGTERM);
        ::waitpid(pid_, nullptr, 0);
    }
    std::error_code ec;
    fs::remove_all(base_, ec);
}

std::string SshdServer::known_hosts_line(int port) const {
    std::string pub = testing::slurp(host_public_key());
    auto type_end = pub.find(' ');
    auto key_end = pub.find(' ', type_end + 1);
    return "[127.0.0.1]:" + std::to_string(port) + " " + pub.substr(0, key_end);
}

SilentServer::SilentServer() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listen_fd_, 8) != 0)
        throw std::runtime_error("cannot listen on loopback");
    socklen_t size = sizeof address;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &size);
    port_ = ntohs(address.sin_port);
}

SilentServer::~SilentServer() {
    ::close(listen_fd_);
}

}  // namespace testing
