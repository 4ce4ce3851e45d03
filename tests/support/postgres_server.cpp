#include "postgres_server.hpp"

#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace fs = std::filesystem;

namespace testing {
namespace {

const fs::path kBin = "/usr/lib/postgresql/15/bin";

// spawn: fork and exec `argv`, as the postgres user when running as root; output to `log`.
int spawn(const std::vector<std::string>& argv, const fs::path& log) {
    int pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        if (geteuid() == 0) {
            const passwd* pw = getpwnam("postgres");
            if (pw == nullptr || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) _exit(126);
        }
        FILE* out = std::fopen(log.c_str(), "a");
        if (out) {
            dup2(fileno(out), 1);
            dup2(fileno(out), 2);
        }
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execv(args[0], args.data());
        _exit(127);
    }
    return pid;
}

int wait_exit(int pid) {
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string read_all(const fs::path& file) {
    std::ifstream in(file);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

PostgresServer& PostgresServer::shared() {
    static PostgresServer server;
    return server;
}

PostgresServer::PostgresServer() {
    char pattern[] = "/tmp/mps-pg-XXXXXX";
    if (mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    if (geteuid() == 0) {
        const passwd* pw = getpwnam("postgres");
        if (pw == nullptr) throw std::runtime_error("no postgres user: install postgresql-15");
        if (chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0)
            throw std::runtime_error("cannot chown " + dir_.string());
    }
    fs::path log = dir_ / "server.log";
    {
        // The log file belongs to whoever runs the server.
        std::ofstream create(log);
    }
    if (geteuid() == 0) {
        const passwd* pw = getpwnam("postgres");
        if (chown(log.c_str(), pw->pw_uid, pw->pw_gid) != 0)
            throw std::runtime_error("cannot chown " + log.string());
    }
    fs::path data = dir_ / "data";
    int rc = wait_exit(spawn({(kBin / "initdb").string(), "-D", data.string(), "-U", "postgres",
                              "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"},
                             log));
    if (rc != 0)
        throw std::runtime_error("initdb failed (" + std::to_string(rc) + "): " + read_all(log));
    {
        // The password user first: its logins over TCP need the password.
        std::string hba = read_all(data / "pg_hba.conf");
        std::ofstream out(data / "pg_hba.conf", std::ios::trunc);
        out << "host all " << password_user << " 127.0.0.1/32 scram-sha-256\n" << hba;
    }
    port_ = free_port();
    pid_ = spawn({(kBin / "postgres").string(), "-D", data.string(), "-k", dir_.string(), "-p",
                  std::to_string(port_), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
                  "-c", "max_connections=200", "-c", "synchronous_commit=off"},
                 log);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (true) {
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("postgres exited: " + read_all(log));
        }
        std::string probe = (kBin / "pg_isready").string() + " -q -h 127.0.0.1 -p " +
                            std::to_string(port_) + " -U postgres";
        if (accepts(port_) && std::system(probe.c_str()) == 0) break;
        if (std::chrono::steady_clock::now() > deadline)
            throw std::runtime_error("postgres did not start in 30 s: " + read_all(log));
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    psql("postgres",
         std::string("CREATE ROLE ") + password_user + " LOGIN PASSWORD '" + password + "'");
}

PostgresServer::~PostgresServer() {
    if (pid_ > 0) {
        kill(pid_, SIGINT);  // fast shutdown
        wait_exit(pid_);
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

std::string PostgresServer::url(const std::string& name, const std::string& user) const {
    return "postgresql://" + user + "@127.0.0.1:" + std::to_string(port_) + "/" + name;
}

std::string PostgresServer::psql(const std::string& name, const std::string& sql) const {
    // One script file per call: tests may run psql from several threads at once.
    static std::atomic<int> calls{0};
    fs::path script =
        dir_ / ("psql-" + std::to_string(getpid()) + "-" + std::to_string(++calls) + ".sql");
    {
        std::ofstream out(script);
        out << sql << ";\n";
    }
    std::string command =
        (kBin / "psql").string() + " -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p " +
        std::to_string(port_) + " -U postgres -d " + name + " -f " + script.string() + " 2>&1";
    std::string output;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) throw std::runtime_error("cannot run psql");
    std::array<char, 4096> buffer{};
    while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe))
        output.append(buffer.data(), n);
    int status = pclose(pipe);
    std::error_code ignored;
    fs::remove(script, ignored);
    if (status != 0) throw std::runtime_error("psql failed: " + sql + ": " + output);
    while (!output.empty() && output.back() == '\n') output.pop_back();
    return output;
}

std::string PostgresServer::new_database() {
    std::string name = "ledger_" + std::to_string(getpid()) + "_" + std::to_string(++databases_);
    psql("postgres", "CREATE DATABASE " + name);
    psql(name, std::string("GRANT ALL ON SCHEMA public TO ") + password_user);
    return url(name);
}

}  // namespace testing
