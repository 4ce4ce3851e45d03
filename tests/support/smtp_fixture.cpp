#include "smtp_fixture.hpp"

namespace fs = std::filesystem;

namespace testing {

SmtpServer::SmtpServer(fs::path dir, const std::string& password)
    : mail_dir(std::move(dir)),
      port(free_port()),
      process({"/usr/bin/python3", MPSUPPORT_FIXTURES "/smtp_server.py", std::to_string(port),
               mail_dir.string()},
              port, {{"SMTP_TEST_PASSWORD", password}}) {}

std::vector<std::string> SmtpServer::messages(const std::string& recipient) const {
    std::vector<std::string> out;
    for (int n = 1;; ++n) {
        fs::path file = mail_dir / "mail" / recipient / (std::to_string(n) + ".eml");
        if (!fs::exists(file)) break;
        out.push_back(slurp(file));
    }
    return out;
}

std::size_t SmtpServer::total_messages() const {
    return count_files(mail_dir / "mail");
}

Concurrent run_concurrently(const std::vector<std::string>& args, const fs::path& home_a,
                            const std::map<std::string, std::string>& env_a, const fs::path& home_b,
                            const std::map<std::string, std::string>& env_b) {
    int a = start_mpsupport(args, home_a, env_a, home_a / "a.out");
    int b = start_mpsupport(args, home_b, env_b, home_b / "b.out");
    Concurrent result;
    result.code_a = wait_mpsupport(a);
    result.code_b = wait_mpsupport(b);
    result.out_a = slurp(home_a / "a.out");
    result.out_b = slurp(home_b / "b.out");
    return result;
}

}  // namespace testing
