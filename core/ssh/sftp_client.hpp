#pragma once
// A pipelined SFTP v3 client on one SSH channel. libssh2's own SFTP layer keeps a single
// open/read/readdir state per session, so it waits a round trip per request; speaking the
// protocol here lets hundreds of OPEN, READ and READDIR requests be in flight together, which
// is what makes a far-away shop fast (a 177-file module in a few round trips, not 177).
// The bytes travel over an SftpTransport: a libssh2 channel, or the pipes of a system `ssh -s`.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "ssh/sftp_wire.hpp"

namespace mps {

class SshConnection;

// SftpTransport: a non-blocking byte stream to an SFTP server.
class SftpTransport {
  public:
    virtual ~SftpTransport() = default;
    // write: as many bytes as go without blocking (0: none now). Error(unreachable) when broken.
    virtual std::size_t write(const char* data, std::size_t size) = 0;
    // read: the bytes there are now (0: none yet). Error(unreachable) at the end of the stream.
    virtual std::size_t read(char* buffer, std::size_t size) = 0;
    // wait: block until read (or, with `want_write`, write) may make progress, at most until
    // `deadline`; Error(unreachable) saying the server stopped answering when it passes.
    virtual void wait(std::chrono::steady_clock::time_point deadline, bool want_write) = 0;
    // timeout: how long the server may stay silent.
    virtual std::chrono::milliseconds timeout() const = 0;
    // label: "user@host:port" for messages.
    virtual const std::string& label() const = 0;
};

class SftpClient {
  public:
    struct Reply {
        sftp::Type type;
        sftp::Reader body;  // after the request id
    };
    using Callback = std::function<void(Reply&)>;

    // SftpClient: opens the "sftp" subsystem on `ssh` and negotiates version 3. Error(unreachable)
    // when the server has no SFTP.
    explicit SftpClient(SshConnection& ssh);
    // SftpClient: negotiates version 3 over an open transport.
    explicit SftpClient(std::unique_ptr<SftpTransport> transport);
    ~SftpClient();
    SftpClient(const SftpClient&) = delete;
    SftpClient& operator=(const SftpClient&) = delete;

    // send: queue a request of `type`; `fill` writes the fields after the id; `on_reply` runs
    // (inside run()) with the server's answer and may send further requests.
    void send(sftp::Type type, const std::function<void(sftp::Writer&)>& fill, Callback on_reply);

    // run: exchange packets until every request is answered. Throws Error(unreachable) when the
    // connection breaks or the server stops answering for the timeout.
    void run();

    // max_in_flight: requests written but not answered at once (default 1024).
    void set_max_in_flight(std::size_t n) { max_in_flight_ = n; }

    // take_handle: the handle of a HANDLE reply. A truncated one, or one longer than the 256
    // bytes SFTP allows, is a protocol error (Error(unreachable)).
    std::string take_handle(Reply& reply) const;
    // protocol_error: throw Error(unreachable) saying the server broke the protocol with `what`.
    [[noreturn]] void protocol_error(const std::string& what) const;

    std::uint64_t bytes_received() const { return bytes_received_; }
    // requests_sent, runs: how many requests were sent and run() was called (each run waits for
    // the last answer, so fewer runs means fewer round trips one after the other); logged at -vv.
    std::uint64_t requests_sent() const { return requests_sent_; }
    std::uint64_t runs() const { return runs_; }
    const std::string& label() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::size_t max_in_flight_ = 1024;
    std::uint64_t bytes_received_ = 0;
    std::uint64_t requests_sent_ = 0;
    std::uint64_t runs_ = 0;
};

}  // namespace mps
