#include "context.hpp"

#include <sys/ioctl.h>
#include <termios.h>

#include <cstdlib>
#include <iostream>

#include "progress_line.hpp"

namespace mpscli {

Context::Context(std::ostream& out_stream, std::ostream& err_stream, std::istream& in_stream,
                 mps::Environment env, Terminal terminal,
                 std::function<std::chrono::system_clock::time_point()> clock)
    : out(out_stream),
      err(err_stream),
      in(in_stream),
      env_(std::move(env)),
      terminal_(terminal),
      clock_(std::move(clock)) {}

bool Context::color() const {
    return terminal_.stdout_tty && !terminal_.dumb && !globals.no_color && !globals.json &&
           !env_.get("NO_COLOR");
}

bool Context::can_prompt() const {
    if (globals.no_input || globals.json) return false;
    if (auto flag = env_.get("MPSUPPORT_NO_INPUT"); flag && *flag != "0") return false;
    return terminal_.stdin_tty && terminal_.stdout_tty;
}

bool Context::confirm(const std::string& question) {
    if (!can_prompt()) return false;
    err << question << " [y/N] " << std::flush;
    std::string answer;
    if (!std::getline(in, answer)) return false;
    return answer == "y" || answer == "Y" || answer == "yes";
}

std::optional<std::string> Context::ask_secret(const std::string& prompt) {
    if (!can_prompt()) return std::nullopt;
    // Worker threads ask too (diagnose's module lanes, for SSH passwords): one prompt at a time,
    // and no progress line in the middle of it.
    std::lock_guard<std::mutex> hold(err_lock_);
    err << prompt << std::flush;
    termios saved{};
    bool restore = tcgetattr(0, &saved) == 0;
    if (restore) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(0, TCSAFLUSH, &quiet);
    }
    std::string answer;
    bool got = static_cast<bool>(std::getline(in, answer));
    if (restore) tcsetattr(0, TCSAFLUSH, &saved);
    err << "\n";
    if (!got || answer.empty()) return std::nullopt;
    return answer;
}

const mps::Paths& Context::paths() {
    if (!paths_) {
        std::optional<std::filesystem::path> flag;
        if (globals.config_path) flag = *globals.config_path;
        paths_ = mps::resolve_paths(env_, flag);
    }
    return *paths_;
}

const mps::Config& Context::config() {
    if (!config_) config_ = mps::load_config(paths().config_file, paths().config_explicit);
    return *config_;
}

std::optional<std::string> Context::secret(mps::SecretKind kind) {
    std::lock_guard<std::mutex> hold(secret_lock_);
    auto it = resolved_.find(kind);
    if (it != resolved_.end()) return it->second;
    auto spec = mps::secret_spec(config(), kind, store_);
    auto value = mps::resolve_secret(env_, spec, config().source);
    resolved_[kind] = value;
    return value;
}

std::vector<std::string> Context::secrets() const {
    std::vector<std::string> out;
    for (const char* name :
         {"MPSUPPORT_SFTP_PASSWORD", "MPSUPPORT_FTP_PASSWORD", "MPSUPPORT_ADMIN_PASSWORD",
          "MPSUPPORT_SMTP_PASSWORD", "MPSUPPORT_WEBSERVICE_KEY", "MPSUPPORT_LEDGER_PASSWORD"})
        if (auto value = env_.get(name)) out.push_back(*value);
    std::lock_guard<std::mutex> hold(secret_lock_);
    for (const auto& [kind, value] : resolved_)
        if (value) out.push_back(*value);
    return out;
}

void Context::progress(const std::string& line) {
    if (globals.quiet || globals.json || !terminal_.stderr_tty) return;
    std::lock_guard<std::mutex> hold(err_lock_);
    err << line << "\n" << std::flush;
}

}  // namespace mpscli

namespace mpscli {

mps::Progress* Context::progress_reporter() {
    if (globals.quiet || globals.json || !terminal_.stderr_tty || terminal_.dumb) return nullptr;
    if (!progress_line_) {
        std::size_t width = 80;
        winsize size{};
        if (auto columns = env_.get("COLUMNS"); columns && !columns->empty())
            width = static_cast<std::size_t>(std::strtoul(columns->c_str(), nullptr, 10));
        else if (ioctl(2, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
            width = size.ws_col;
        progress_line_ = std::make_unique<ProgressLine>(err, width);
    }
    return progress_line_.get();
}

}  // namespace mpscli
