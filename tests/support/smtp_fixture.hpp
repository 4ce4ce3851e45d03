#pragma once
// The SMTP server of the remind, ticket and ledger CLI tests (tests/fixtures/smtp_server.py,
// Debian python3-aiosmtpd) on a free loopback port, and what it received; and two mpsupport
// runs started at once (two cron hosts).
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace testing {

// SmtpServer: accepts user "mailer" with `password`, keeps each message as
// mail_dir/mail/<recipient>/<n>.eml (see the fixture for the recipients that misbehave).
struct SmtpServer {
    SmtpServer(std::filesystem::path dir, const std::string& password);
    std::filesystem::path mail_dir;
    int port;
    ServerProcess process;
    // messages: what `recipient` received, in order.
    std::vector<std::string> messages(const std::string& recipient) const;
    std::size_t total_messages() const;
};

// Concurrent: the exit codes and outputs (stdout and stderr) of two runs started at once.
struct Concurrent {
    int code_a = -1;
    int code_b = -1;
    std::string out_a;
    std::string out_b;
};

// run_concurrently: `args` in `home_a` and `home_b` (each with its environment) at once; the
// outputs are kept in each home (a.out, b.out).
Concurrent run_concurrently(const std::vector<std::string>& args,
                            const std::filesystem::path& home_a,
                            const std::map<std::string, std::string>& env_a,
                            const std::filesystem::path& home_b,
                            const std::map<std::string, std::string>& env_b);

}  // namespace testing
