#include "ssh/sftp_client.hpp"

#include <deque>
#include <unordered_map>

#include "ssh/ssh_internal.hpp"
#include "util/log.hpp"

namespace mps {

namespace {

// Libssh2Transport: the "sftp" subsystem on a channel of a libssh2 session.
class Libssh2Transport : public SftpTransport {
  public:
    explicit Libssh2Transport(SshSession::Impl& session) : ssh_(session) {
        auto deadline = ssh_.deadline();
        while (!(channel_ = libssh2_channel_open_session(ssh_.session))) {
            if (libssh2_session_last_errno(ssh_.session) != LIBSSH2_ERROR_EAGAIN)
                ssh_.fail(ErrorKind::unreachable, "cannot open an SSH channel on " + ssh_.label);
            ssh_.wait(deadline);
        }
        int rc;
        while ((rc = libssh2_channel_subsystem(channel_, "sftp")) == LIBSSH2_ERROR_EAGAIN)
            ssh_.wait(deadline);
        if (rc != 0)
            ssh_.fail(ErrorKind::unreachable,
                      "the server " + ssh_.label + " refused the SFTP subsystem");
    }
    ~Libssh2Transport() override {
        if (channel_) libssh2_channel_free(channel_);
    }
    std::size_t write(const char* data, std::size_t size) override {
        ssize_t wrote = libssh2_channel_write(channel_, data, size);
        if (wrote == LIBSSH2_ERROR_EAGAIN) return 0;
        if (wrote < 0)
            ssh_.fail(ErrorKind::unreachable, "SFTP connection to " + ssh_.label + " broke");
        return static_cast<std::size_t>(wrote);
    }
    std::size_t read(char* buffer, std::size_t size) override {
        ssize_t got = libssh2_channel_read(channel_, buffer, size);
        if (got == LIBSSH2_ERROR_EAGAIN) return 0;
        if (got < 0)
            ssh_.fail(ErrorKind::unreachable, "SFTP connection to " + ssh_.label + " broke");
        if (got == 0 && libssh2_channel_eof(channel_))
            throw Error(ErrorKind::unreachable,
                        "the SFTP server on " + ssh_.label + " closed the connection",
                        "the server may limit sessions or have dropped us; try again");
        return static_cast<std::size_t>(got);
    }
    void wait(std::chrono::steady_clock::time_point deadline, bool) override {
        ssh_.wait(deadline);
    }
    std::chrono::milliseconds timeout() const override {
        return std::chrono::milliseconds(ssh_.timeout_ms);
    }
    const std::string& label() const override { return ssh_.label; }

  private:
    SshSession::Impl& ssh_;
    LIBSSH2_CHANNEL* channel_ = nullptr;
};

}  // namespace

std::unique_ptr<SftpTransport> SshSession::open_sftp() {
    return std::make_unique<Libssh2Transport>(*impl_);
}

struct SftpClient::Impl {
    std::unique_ptr<SftpTransport> transport;
    std::uint32_t next_id = 1;
    std::deque<std::string> waiting;  // packets not yet written (beyond max in flight)
    std::string outgoing;             // bytes being written, from out_pos on
    std::size_t out_pos = 0;
    std::string incoming;  // bytes read, not yet parsed
    std::unordered_map<std::uint32_t, Callback> pending;
    std::size_t written_unanswered = 0;

    // At most this many bytes move from `waiting` to `outgoing` at once; the rest waits for the
    // channel to take them.
    static constexpr std::size_t kMaxOutgoing = 1 << 20;

    explicit Impl(std::unique_ptr<SftpTransport> t) : transport(std::move(t)) {}

    const std::string& label() const { return transport->label(); }
    std::chrono::steady_clock::time_point deadline() const {
        return std::chrono::steady_clock::now() + transport->timeout();
    }
    void wait(std::chrono::steady_clock::time_point deadline) {
        transport->wait(deadline, out_pos < outgoing.size());
    }

    // pump: one round of writing and reading; returns whether anything moved.
    bool pump(std::size_t max_in_flight, std::uint64_t& received,
              const std::function<void(std::string&)>& on_packet) {
        bool progress = false;
        if (out_pos == outgoing.size()) {
            outgoing.clear();
            out_pos = 0;
        }
        while (!waiting.empty() && written_unanswered < max_in_flight &&
               outgoing.size() - out_pos < kMaxOutgoing) {
            if (out_pos > 0) {  // drop what was written once, not after every write
                outgoing.erase(0, out_pos);
                out_pos = 0;
            }
            outgoing += waiting.front();
            waiting.pop_front();
            ++written_unanswered;
        }
        while (out_pos < outgoing.size()) {
            std::size_t wrote =
                transport->write(outgoing.data() + out_pos, outgoing.size() - out_pos);
            if (wrote == 0) break;
            out_pos += wrote;
            progress = true;
        }
        char buffer[65536];
        for (;;) {
            std::size_t got = transport->read(buffer, sizeof buffer);
            if (got == 0) break;
            incoming.append(buffer, got);
            received += got;
            progress = true;
            if (incoming.size() >= 4 * std::size_t(sftp::kMaxPacket))
                break;  // parse before reading on
        }
        std::size_t offset = 0;
        while (incoming.size() - offset >= 4) {
            sftp::Reader header(std::string_view(incoming).substr(offset, 4));
            std::uint32_t length = header.u32();
            if (length == 0 || length > sftp::kMaxPacket)
                throw Error(ErrorKind::unreachable,
                            "the SFTP server on " + label() + " sent a malformed packet",
                            "the account may print text on login (.bashrc) or the server is not "
                            "OpenSSH-compatible");
            if (incoming.size() - offset < 4 + length) break;
            std::string packet = incoming.substr(offset + 4, length);
            offset += 4 + length;
            on_packet(packet);
        }
        incoming.erase(0, offset);
        return progress;
    }
};

SftpClient::SftpClient(SshConnection& ssh) : SftpClient(ssh.open_sftp()) {}

SftpClient::SftpClient(std::unique_ptr<SftpTransport> transport)
    : impl_(std::make_unique<Impl>(std::move(transport))) {
    const std::string& label = impl_->label();
    auto deadline = impl_->deadline();
    // INIT carries no request id; VERSION answers it.
    impl_->outgoing = sftp::Writer(sftp::INIT, std::nullopt).u32(3).finish();
    bool answered = false;
    impl_->written_unanswered = 1;
    while (!answered) {
        bool progress = impl_->pump(max_in_flight_, bytes_received_, [&](std::string& packet) {
            sftp::Reader reader(packet);
            if (reader.u8() != sftp::VERSION)
                throw Error(ErrorKind::unreachable,
                            "the SFTP server on " + label + " did not answer INIT");
            std::uint32_t version = reader.u32();
            if (version < 3)
                throw Error(ErrorKind::unreachable,
                            "the SFTP server on " + label + " speaks version " +
                                std::to_string(version) + "; version 3 is needed");
            answered = true;
        });
        if (!progress && !answered) impl_->wait(deadline);
        if (progress) deadline = impl_->deadline();
    }
    impl_->written_unanswered = 0;
}

SftpClient::~SftpClient() = default;

const std::string& SftpClient::label() const {
    return impl_->label();
}

void SftpClient::protocol_error(const std::string& what) const {
    throw Error(ErrorKind::unreachable,
                "the SFTP server on " + impl_->label() + " broke the protocol: " + what,
                "the server is not a working SFTP server; ask the host to check it");
}

std::string SftpClient::take_handle(Reply& reply) const {
    std::string handle = reply.body.str();
    if (reply.body.failed()) protocol_error("a HANDLE reply whose length runs past its packet");
    if (handle.empty() || handle.size() > sftp::kMaxHandle)
        protocol_error("a handle of " + std::to_string(handle.size()) +
                       " bytes (SFTP allows 1 to " + std::to_string(sftp::kMaxHandle) + ")");
    return handle;
}

void SftpClient::send(sftp::Type type, const std::function<void(sftp::Writer&)>& fill,
                      Callback on_reply) {
    std::uint32_t id = impl_->next_id++;
    sftp::Writer writer(type, id);
    fill(writer);
    impl_->waiting.push_back(writer.finish());
    impl_->pending.emplace(id, std::move(on_reply));
    ++requests_sent_;
}

void SftpClient::run() {
    ++runs_;
    auto deadline = impl_->deadline();
    while (!impl_->pending.empty()) {
        bool progress = impl_->pump(max_in_flight_, bytes_received_, [&](std::string& packet) {
            sftp::Reader reader(packet);
            auto type = static_cast<sftp::Type>(reader.u8());
            std::uint32_t id = reader.u32();
            auto it = impl_->pending.find(id);
            if (reader.failed() || it == impl_->pending.end())
                throw Error(ErrorKind::unreachable, "the SFTP server on " + impl_->label() +
                                                        " answered a request never made");
            Callback callback = std::move(it->second);
            impl_->pending.erase(it);
            --impl_->written_unanswered;
            Reply reply{type, reader};
            callback(reply);
        });
        if (progress) {
            deadline = impl_->deadline();
        } else if (!impl_->pending.empty()) {
            impl_->wait(deadline);
        }
    }
}

}  // namespace mps
