#pragma once
// The one error type of mpsupport. Core code throws mps::Error with a kind; cmd/render.cpp
// (exit_code_for) is the only place that maps kinds to exit codes (SPEC.md "Exit codes").
#include <stdexcept>
#include <string>

namespace mps {

enum class ErrorKind {
    internal,     // a bug (exit 1)
    usage,        // bad flag, bad config, unreadable or malformed input (exit 2)
    finding,      // the tool worked and the answer is negative (exit 3)
    unreachable,  // remote could not be reached or answered wrongly (exit 4)
    auth,         // authentication or host-key verification failed (exit 5)
    not_found,    // order, module or pristine version unknown (exit 6)
};

// kind_name: stable lower-case name used in JSON error documents ("usage", "not-found"...).
const char* kind_name(ErrorKind kind);

class Error : public std::runtime_error {
  public:
    // message: one line naming the file/host and what went wrong; hint: what to do next.
    Error(ErrorKind kind, std::string message, std::string hint = {})
        : std::runtime_error(message), kind_(kind), hint_(std::move(hint)) {}

    ErrorKind kind() const { return kind_; }
    const std::string& hint() const { return hint_; }

  private:
    ErrorKind kind_;
    std::string hint_;
};

}  // namespace mps
