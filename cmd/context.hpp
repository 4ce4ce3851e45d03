#pragma once
// What every command gets: parsed global flags, the IO streams and terminal state, the
// environment, the clock, and the configuration (loaded on first use).
#include <chrono>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/secrets.hpp"
#include "net/tls_options.hpp"
#include "util/environment.hpp"
#include "util/paths.hpp"
#include "util/progress.hpp"

namespace mpscli {

struct GlobalOptions {
    std::optional<std::string> config_path;  // --config
    bool json = false;                       // --json
    bool no_color = false;                   // --no-color
    bool quiet = false;                      // -q
    int verbosity = 0;                       // -v, -vv
    std::string log_file;                    // --log-file
    bool no_input = false;                   // --no-input
    int timeout = 30;                        // --timeout: seconds for any network wait
    bool insecure = false;                   // --insecure: no TLS verification
    std::string jq;                          // --jq EXPR (implies json)
};

struct Terminal {
    bool stdin_tty = false;
    bool stdout_tty = false;
    bool stderr_tty = false;
    bool dumb = false;  // TERM=dumb
};

class Context {
  public:
    Context(std::ostream& out, std::ostream& err, std::istream& in, mps::Environment env,
            Terminal terminal, std::function<std::chrono::system_clock::time_point()> clock);

    GlobalOptions globals;
    std::ostream& out;  // data: reports, JSON
    std::ostream& err;  // diagnostics, prompts, progress
    std::istream& in;

    const mps::Environment& env() const { return env_; }
    const Terminal& terminal() const { return terminal_; }
    std::chrono::system_clock::time_point now() const { return clock_(); }

    // color: ANSI colours on stdout (a terminal, TERM not dumb, no --no-color or NO_COLOR).
    bool color() const;
    // can_prompt: questions may be asked (stdin and stdout are terminals, no --no-input,
    // no MPSUPPORT_NO_INPUT=1).
    bool can_prompt() const;
    // confirm: ask a yes/no question on stderr when prompting is allowed; false otherwise.
    bool confirm(const std::string& question);
    // ask_secret: read a line from the terminal without echo (passwords); nothing when
    // prompting is not allowed or the user gives an empty answer. Thread-safe (one prompt at a
    // time).
    std::optional<std::string> ask_secret(const std::string& prompt);

    // progress: a line of progress on stderr, from any thread (diagnose's module lanes call
    // back from workers): whole lines, one at a time; nothing when quiet, in JSON mode or when
    // stderr is not a terminal.
    void progress(const std::string& line);
    // progress_reporter: the mps::Progress to pass into core: one redrawn line on stderr
    // (cmd/progress_line.hpp) when stderr is a terminal and TERM is not dumb, without --json
    // and -q; else nullptr (nothing is reported).
    mps::Progress* progress_reporter();

    // tls: how TLS peers are verified (--insecure, MPSUPPORT_CA_BUNDLE and friends).
    mps::TlsOptions tls() const { return mps::tls_options_from(env_, globals.insecure); }

    const mps::Paths& paths();
    const mps::Config& config();

    // secret: one of the run's secrets (SPEC.md "Configuration"): its environment variable,
    // else the configuration's *_file or *_command key (for the store secrets, those of the
    // profile given to use_store); resolved once, on first use, and remembered so that secrets()
    // masks it. Error(usage) naming the key when the file or the command fails.
    std::optional<std::string> secret(mps::SecretKind kind);
    // use_store: the [stores.NAME] profile whose *_password_file / *_command keys secret() reads.
    void use_store(const std::string& name) { store_ = name; }
    // secrets: every secret value of this run (set in the environment, or resolved by secret()),
    // for masking whatever is printed, logged or bundled.
    std::vector<std::string> secrets() const;

  private:
    mps::Environment env_;
    Terminal terminal_;
    std::function<std::chrono::system_clock::time_point()> clock_;
    std::optional<mps::Paths> paths_;
    std::optional<mps::Config> config_;
    std::string store_;                                               // use_store()
    std::map<mps::SecretKind, std::optional<std::string>> resolved_;  // secret()
    mutable std::mutex secret_lock_;
    std::mutex err_lock_;  // progress() and ask_secret() from worker threads
    std::unique_ptr<mps::Progress> progress_line_;
};

}  // namespace mpscli
