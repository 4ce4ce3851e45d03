#pragma once
// A pipelined SFTP v3 client on one SSH channel. libssh2's own SFTP layer keeps a single
// open/read/readdir state per session, so it waits a round trip per request; speaking the
// protocol here lets hundreds of OPEN, READ and READDIR requests be in flight together, which
// is what makes a far-away shop fast (a 177-file module in a few round trips, not 177).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "ssh/sftp_wire.hpp"

namespace mps {

class SshSession;

class SftpClient {
  public:
    struct Reply {
        sftp::Type type;
        sftp::Reader body;  // after the request id
    };
    using Callback = std::function<void(Reply&)>;

    // SftpClient: opens the "sftp" subsystem on `ssh` and negotiates version 3. Error(unreachable)
    // when the server has no SFTP.
    explicit SftpClient(SshSession& ssh);
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
