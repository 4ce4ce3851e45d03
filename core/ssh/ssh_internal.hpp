#pragma once
// Private to core/ssh: the libssh2 handles behind SshSession.
#include <libssh2.h>

#include <chrono>
#include <string>

#include "ssh/ssh_session.hpp"
#include "util/error.hpp"

namespace mps {

struct SshSession::Impl {
    int sock = -1;
    LIBSSH2_SESSION* session = nullptr;
    int timeout_ms = 30000;
    std::string label;
    std::string auth_method;
    std::string fingerprint;

    ~Impl();
    // last_error: libssh2's text for the last failure.
    std::string last_error() const;
    // fail: throw `kind` with `what` and libssh2's reason.
    [[noreturn]] void fail(ErrorKind kind, const std::string& what) const;
    // wait: block until the socket is ready in the directions libssh2 waits for, at most
    // until `deadline`; throws Error(unreachable) on timeout.
    void wait(std::chrono::steady_clock::time_point deadline) const;
    std::chrono::steady_clock::time_point deadline() const {
        return std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    }
};

}  // namespace mps
