#include "ssh/ssh_session.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <mutex>

#include "ssh/ssh_internal.hpp"
#include "util/base64.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"
#include "util/text.hpp"

namespace fs = std::filesystem;

namespace mps {

SshSession::Impl::~Impl() {
    if (session) {
        // Non-blocking, libssh2 may answer EAGAIN and keep the session (and leak it): close
        // blocking, but never wait long for a server that went away.
        libssh2_session_set_timeout(session, 2000);
        libssh2_session_set_blocking(session, 1);
        libssh2_session_disconnect(session, "mpsupport done");
        libssh2_session_free(session);
    }
    if (sock >= 0) ::close(sock);
}

std::string SshSession::Impl::last_error() const {
    char* message = nullptr;
    int length = 0;
    if (!session) return {};
    libssh2_session_last_error(session, &message, &length, 0);
    return message ? std::string(message, static_cast<std::size_t>(length)) : std::string();
}

void SshSession::Impl::fail(ErrorKind kind, const std::string& what) const {
    std::string reason = last_error();
    throw Error(kind, what + (reason.empty() ? "" : " (" + reason + ")"),
                kind == ErrorKind::unreachable
                    ? "check the host, port and network, or raise --timeout"
                    : "");
}

void SshSession::Impl::wait(std::chrono::steady_clock::time_point deadline) const {
    int directions = libssh2_session_block_directions(session);
    short events = 0;
    if (directions & LIBSSH2_SESSION_BLOCK_INBOUND) events |= POLLIN;
    if (directions & LIBSSH2_SESSION_BLOCK_OUTBOUND) events |= POLLOUT;
    if (events == 0) events = POLLIN;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            throw Error(
                ErrorKind::unreachable,
                label + " stopped answering (no data for " + std::to_string(timeout_ms / 1000) +
                    " s)",
                "the server or network may be overloaded; try again later or raise --timeout");
        // Keepalives while we wait, so NAT boxes and idle timeouts do not drop a long transfer.
        int seconds_to_next = 0;
        libssh2_keepalive_send(session, &seconds_to_next);
        pollfd fd{sock, events, 0};
        int ready = ::poll(&fd, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
        if (ready > 0 || (ready < 0 && errno != EINTR)) return;
    }
}

namespace {

std::once_flag libssh2_once;

// tcp_connect: a non-blocking socket connected to host:port within the timeout.
int tcp_connect(const std::string& host, int port, int timeout_ms, const std::string& label) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
    if (rc != 0)
        throw Error(ErrorKind::unreachable, "cannot resolve " + host + ": " + gai_strerror(rc),
                    "check the host name in the sftp:// address");
    std::string last = "no address";
    for (addrinfo* ai = found; ai; ai = ai->ai_next) {
        int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                          ai->ai_protocol);
        if (fd < 0) continue;
        if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            ::freeaddrinfo(found);
            return fd;
        }
        if (errno == EINPROGRESS) {
            pollfd p{fd, POLLOUT, 0};
            int ready = ::poll(&p, 1, timeout_ms);
            int error = 0;
            socklen_t size = sizeof error;
            if (ready > 0 && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) == 0 &&
                error == 0) {
                ::freeaddrinfo(found);
                return fd;
            }
            last = ready == 0 ? "timed out after " + std::to_string(timeout_ms / 1000) + " s"
                              : std::strerror(error);
        } else {
            last = std::strerror(errno);
        }
        ::close(fd);
    }
    ::freeaddrinfo(found);
    throw Error(ErrorKind::unreachable, "cannot connect to " + label + ": " + last,
                "check that the host and port are right and that SSH is reachable from here");
}

// ServerAlgorithms: what a server offers in its KEXINIT (RFC 4253 7.1).
struct ServerAlgorithms {
    std::vector<std::string> kex;
    std::vector<std::string> host_keys;
};

// probe_server_algorithms: after a failed key exchange, the server's key exchange and host key
// algorithms, read from its KEXINIT on a second connection on which only a version line is
// sent. Names with odd characters are dropped, lists cut at 40; nullopt when anything is off.
std::optional<ServerAlgorithms> probe_server_algorithms(const SshOptions& o, int timeout_ms,
                                                        const std::string& label) {
    int fd = -1;
    try {
        fd = tcp_connect(o.host, o.port, timeout_ms, label);
    } catch (const Error&) {
        return std::nullopt;
    }
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    const std::string version = "SSH-2.0-mpsupport_probe\r\n";
    if (::send(fd, version.data(), version.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(version.size()))
        return std::nullopt;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    std::string in;
    auto fill = [&](std::size_t want) {  // read until `in` holds `want` bytes
        while (in.size() < want) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            pollfd p{fd, POLLIN, 0};
            if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0)
                return false;
            char buffer[4096];
            ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
            if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;
            if (got <= 0 || in.size() + static_cast<std::size_t>(got) > 65536) return false;
            in.append(buffer, static_cast<std::size_t>(got));
        }
        return true;
    };
    // Lines before the version line are allowed (RFC 4253 4.2).
    for (;;) {
        auto newline = in.find('\n');
        if (newline == std::string::npos) {
            if (in.size() > 8192 || !fill(in.size() + 1)) return std::nullopt;
            continue;
        }
        bool is_version = in.compare(0, 4, "SSH-") == 0;
        in.erase(0, newline + 1);
        if (is_version) break;
    }
    auto be32 = [](std::string_view b) {
        return (std::uint32_t(std::uint8_t(b[0])) << 24) |
               (std::uint32_t(std::uint8_t(b[1])) << 16) |
               (std::uint32_t(std::uint8_t(b[2])) << 8) | std::uint32_t(std::uint8_t(b[3]));
    };
    if (!fill(5)) return std::nullopt;
    std::uint32_t length = be32(in);
    std::uint8_t padding = static_cast<std::uint8_t>(in[4]);
    if (length < 2 || length > 35000 || padding >= length - 1 || !fill(4 + length))
        return std::nullopt;
    std::string_view payload(in.data() + 5, length - 1 - padding);
    if (payload.size() < 17 || payload[0] != 20) return std::nullopt;  // SSH_MSG_KEXINIT
    std::size_t at = 17;  // after the type and the 16-byte cookie
    auto name_list = [&](std::vector<std::string>& out) {
        if (payload.size() - at < 4) return false;
        std::uint32_t size = be32(payload.substr(at));
        at += 4;
        if (size > payload.size() - at) return false;
        for (std::string_view name : split(std::string(payload.substr(at, size)), ',')) {
            bool plain = !name.empty() && name.size() <= 64;
            for (char c : name)
                plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '@' ||
                                  c == '.' || c == '-' || c == '_' || c == '+');
            if (plain && out.size() < 40) out.emplace_back(name);
        }
        at += size;
        return true;
    };
    ServerAlgorithms offered;
    if (!name_list(offered.kex) || !name_list(offered.host_keys)) return std::nullopt;
    return offered;
}

// supported_algorithms: what this libssh2 can do for `method` (LIBSSH2_METHOD_*).
std::vector<std::string> supported_algorithms(LIBSSH2_SESSION* session, int method) {
    const char** algorithms = nullptr;
    int count = libssh2_session_supported_algs(session, method, &algorithms);
    if (count <= 0 || !algorithms) return {};
    std::vector<std::string> out(algorithms, algorithms + count);
    libssh2_free(session, algorithms);
    return out;
}

// negotiation_failure: the unreachable error for a key exchange libssh2 could not agree on,
// naming what the server offers when a second look at its KEXINIT tells.
Error negotiation_failure(const SshSession::Impl& impl, const SshOptions& o) {
    std::string what =
        "SSH handshake with " + impl.label +
        " failed: libssh2 (the built-in SSH client) cannot negotiate with this server";
    std::string detail =
        "no key exchange or host key algorithm in common (" + impl.last_error() +
        "); a host with only RSA host keys offered as rsa-sha2-256/512 is the usual cause: "
        "libssh2 1.10 verifies RSA host keys only as ssh-rsa";
    if (auto offered = probe_server_algorithms(o, impl.timeout_ms, impl.label)) {
        auto in_common = [](const std::vector<std::string>& a, const std::vector<std::string>& b) {
            for (const auto& x : a)
                if (std::find(b.begin(), b.end(), x) != b.end()) return true;
            return false;
        };
        auto host_keys = supported_algorithms(impl.session, LIBSSH2_METHOD_HOSTKEY);
        std::vector<std::string> plain_keys;  // for the message: certificates aside
        for (const auto& a : host_keys)
            if (a.find("-cert-") == std::string::npos) plain_keys.push_back(a);
        auto kex = supported_algorithms(impl.session, LIBSSH2_METHOD_KEX);
        bool rsa_sha2 =
            std::any_of(offered->host_keys.begin(), offered->host_keys.end(),
                        [](const std::string& a) { return a.rfind("rsa-sha2-", 0) == 0; });
        std::vector<std::string> real_kex;  // without markers (ext-info-s, kex-strict-s-v00@...)
        for (const auto& a : offered->kex)
            if (a.rfind("ext-info-", 0) != 0 && a.rfind("kex-strict-", 0) != 0)
                real_kex.push_back(a);
        if (!in_common(offered->host_keys, host_keys))
            detail = "it offers the host key algorithms " + join(offered->host_keys, ",") +
                     ", none of which libssh2 1.10 can verify (it knows " + join(plain_keys, ",") +
                     ")" +
                     (rsa_sha2 ? "; it verifies RSA host keys only as ssh-rsa (SHA-1), which "
                                 "OpenSSH 8.8 and later no longer offer"
                               : "");
        else if (!in_common(offered->kex, kex))
            detail = "it offers the key exchanges " + join(real_kex, ",") +
                     ", none of which libssh2 1.10 supports";
    }
    return Error(ErrorKind::unreachable, what + ": " + detail,
                 "run again with --ssh-client openssh to connect through the system's OpenSSH "
                 "client");
}

// run: call `step` until it stops answering EAGAIN.
template <typename Step>
int run(const SshSession::Impl& impl, Step step) {
    auto deadline = impl.deadline();
    for (;;) {
        int rc = step();
        if (rc != LIBSSH2_ERROR_EAGAIN) return rc;
        impl.wait(deadline);
    }
}

// is_rsa_key: private keys libssh2 1.10 can only sign with ssh-rsa (SHA-1), which
// OpenSSH 8.8 and later refuse.
bool is_rsa_key(const fs::path& key) {
    std::string text;
    try {
        text = read_file(key);
    } catch (const Error&) {
        return false;
    }
    if (text.find("BEGIN RSA PRIVATE KEY") != std::string::npos) return true;
    auto begin = text.find("-----BEGIN OPENSSH PRIVATE KEY-----");
    auto end = text.find("-----END OPENSSH PRIVATE KEY-----");
    if (begin == std::string::npos || end == std::string::npos) return false;
    std::string body;
    for (char c : text.substr(begin + 35, end - begin - 35))
        if (!std::isspace(static_cast<unsigned char>(c))) body += c;
    auto decoded = base64_decode(body);
    return decoded && decoded->substr(0, 200).find("ssh-rsa") != std::string::npos;
}

// read_known_hosts: the text of the known_hosts file, empty when there is none.
std::string read_known_hosts(const SshOptions& o) {
    std::error_code ec;
    return fs::exists(o.known_hosts, ec) ? read_file(o.known_hosts) : std::string();
}

// prefer_recorded_host_keys: offer first the host-key algorithms whose key types known_hosts
// records for this host, as OpenSSH does; otherwise libssh2 negotiates its own order (ecdsa
// first) and a host known by its ed25519 key would send an ecdsa key we never recorded.
void prefer_recorded_host_keys(SshSession::Impl& impl, const SshOptions& o,
                               const std::string& known_hosts) {
    std::vector<std::string> supported = supported_algorithms(impl.session, LIBSSH2_METHOD_HOSTKEY);
    if (supported.empty()) return;
    std::string preference =
        host_key_preference(recorded_key_types(known_hosts, o.host, o.port), supported);
    if (libssh2_session_method_pref(impl.session, LIBSSH2_METHOD_HOSTKEY, preference.c_str()) != 0)
        impl.fail(ErrorKind::internal, "libssh2 refused the host key preference " + preference);
    log::debug("host key algorithms offered to {}: {}", impl.label, preference);
}

void verify_host_key(SshSession::Impl& impl, const SshOptions& o, const std::string& text) {
    std::size_t length = 0;
    int type = 0;
    const char* raw = libssh2_session_hostkey(impl.session, &length, &type);
    if (!raw) impl.fail(ErrorKind::unreachable, "no host key from " + impl.label);
    HostKey key = host_key_from_blob(std::string(raw, length));
    impl.fingerprint = fingerprint_sha256(key);
    HostKeyCheck check = check_known_hosts(text, o.known_hosts.string(), o.host, o.port, key);
    const std::string name = known_hosts_name(o.host, o.port);
    switch (check.status) {
        case HostKeyStatus::known:
            log::debug("host key of {} matches {} ({})", name, o.known_hosts.string(),
                       impl.fingerprint);
            return;
        case HostKeyStatus::changed:
            throw Error(
                ErrorKind::auth,
                std::string(check.revoked ? "REVOKED" : "CHANGED") + " HOST KEY for " + name +
                    ": the server sent " + key.type + " " + impl.fingerprint + ", but " +
                    check.where + " records " +
                    (check.revoked ? "it as revoked"
                                   : "another key (" + join(check.known_types, ", ") + ")") +
                    "; someone may be intercepting the connection",
                "ask the shop's host whether the server was reinstalled; only then remove the old "
                "entry with "
                "ssh-keygen -R '" +
                    name + "' -f " + o.known_hosts.string());
        case HostKeyStatus::unknown:
            // A host recorded only with other key types: the server offered none of them (they
            // came first in our list), and OpenSSH calls the key unknown for its type too.
            if (!o.accept_new_host_key && !check.known_types.empty())
                throw Error(
                    ErrorKind::auth,
                    "host key of type " + key.type + " for " + name + " not in " +
                        o.known_hosts.string() + " (it holds " + join(check.known_types, ", ") +
                        "): the server sent " + key.type + " " + impl.fingerprint +
                        " and offered none of the recorded types that libssh2 can use",
                    "compare the fingerprint with the one the shop's host gives you, then run "
                    "again with --accept-new-host-key to record it, or use --ssh-client "
                    "openssh");
            if (!o.accept_new_host_key)
                throw Error(ErrorKind::auth,
                            "unknown host key for " + name + ": " + key.type + " " +
                                impl.fingerprint + " (not in " + o.known_hosts.string() + ")",
                            "compare the fingerprint with the one the shop's host gives you, then "
                            "run again with "
                            "--accept-new-host-key to record it");
            append_known_host(o.known_hosts, o.host, o.port, key);
            log::warn("recorded new host key for {} in {}: {} {}", name, o.known_hosts.string(),
                      key.type, impl.fingerprint);
            return;
    }
}

bool try_agent(SshSession::Impl& impl, const std::string& user, std::vector<std::string>& tried) {
    LIBSSH2_AGENT* agent = libssh2_agent_init(impl.session);
    if (!agent) return false;
    bool ok = false;
    if (libssh2_agent_connect(agent) == 0 && libssh2_agent_list_identities(agent) == 0) {
        libssh2_agent_publickey* identity = nullptr;
        int count = 0;
        while (!ok && libssh2_agent_get_identity(agent, &identity, identity) == 0) {
            ++count;
            int rc =
                run(impl, [&] { return libssh2_agent_userauth(agent, user.c_str(), identity); });
            if (rc == 0) {
                ok = true;
                impl.auth_method =
                    std::string("agent key ") + (identity->comment ? identity->comment : "");
            }
        }
        tried.push_back("ssh-agent (" + std::to_string(count) + " key" + (count == 1 ? "" : "s") +
                        ")");
        libssh2_agent_disconnect(agent);
    }
    libssh2_agent_free(agent);
    return ok;
}

void authenticate(SshSession::Impl& impl, const SshOptions& o, const std::string& user) {
    std::string methods;
    const char* list = nullptr;
    auto deadline = impl.deadline();
    while (!(list = libssh2_userauth_list(impl.session, user.c_str(),
                                          static_cast<unsigned>(user.size())))) {
        if (libssh2_userauth_authenticated(impl.session)) {
            impl.auth_method = "none";
            return;
        }
        if (libssh2_session_last_errno(impl.session) != LIBSSH2_ERROR_EAGAIN)
            impl.fail(ErrorKind::unreachable, "cannot start authentication with " + impl.label);
        impl.wait(deadline);
    }
    methods = list;
    std::vector<std::string> tried;
    std::vector<std::string> notes;
    bool publickey = methods.find("publickey") != std::string::npos;
    if (publickey && o.use_agent && std::getenv("SSH_AUTH_SOCK") && try_agent(impl, user, tried))
        return;
    if (publickey) {
        for (const auto& key : o.identities) {
            int rc = run(impl, [&] {
                return libssh2_userauth_publickey_fromfile_ex(impl.session, user.c_str(),
                                                              static_cast<unsigned>(user.size()),
                                                              nullptr, key.c_str(), nullptr);
            });
            if (rc == 0) {
                impl.auth_method = "key " + key.string();
                return;
            }
            std::string reason = impl.last_error();
            tried.push_back("key " + key.string());
            log::debug("key {} refused by {}: {}", key.string(), impl.label, reason);
            if (rc == LIBSSH2_ERROR_FILE || reason.find("passphrase") != std::string::npos ||
                reason.find("Unable to extract public key") != std::string::npos)
                notes.push_back(key.string() +
                                " could not be read (passphrase-protected keys must be loaded into "
                                "ssh-agent)");
            else if (is_rsa_key(key))
                notes.push_back(
                    key.string() +
                    " is an RSA key: libssh2 signs RSA with SHA-1 (ssh-rsa), which "
                    "OpenSSH 8.8 and later refuse; use an ed25519 or ecdsa key, or a password");
        }
    }
    if (methods.find("password") != std::string::npos) {
        std::optional<std::string> password = o.password;
        if (!password && o.ask_password)
            password = o.ask_password(user + "@" + o.host + "'s password: ");
        if (password) {
            int rc = run(impl, [&] {
                return libssh2_userauth_password_ex(
                    impl.session, user.c_str(), static_cast<unsigned>(user.size()),
                    password->c_str(), static_cast<unsigned>(password->size()), nullptr);
            });
            tried.push_back("password");
            if (rc == 0) {
                impl.auth_method = "password";
                return;
            }
            notes.push_back("the password was refused");
        } else {
            notes.push_back("the server accepts passwords: set MPSUPPORT_SFTP_PASSWORD");
        }
    }
    std::string hint =
        notes.empty()
            ? "add your public key to the server's authorized_keys, or use --identity FILE"
            : join(notes, "; ");
    throw Error(
        ErrorKind::auth,
        "authentication to " + impl.label + " failed (server accepts: " + methods +
            "; tried: " + (tried.empty() ? std::string("nothing usable") : join(tried, ", ")) + ")",
        hint);
}

}  // namespace

SshSession::SshSession(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SshSession::~SshSession() = default;

std::unique_ptr<SshSession> SshSession::connect(const SshOptions& o) {
    std::call_once(libssh2_once, [] { libssh2_init(0); });
    std::string user = o.user;
    if (user.empty()) {
        const char* env_user = std::getenv("USER");
        user = env_user ? env_user : "root";
    }
    auto impl = std::make_unique<Impl>();
    impl->timeout_ms = std::max(1, o.timeout_seconds) * 1000;
    impl->label = user + "@" + known_hosts_name(o.host, o.port);
    impl->sock = tcp_connect(o.host, o.port, impl->timeout_ms, impl->label);
    impl->session = libssh2_session_init();
    if (!impl->session) throw Error(ErrorKind::internal, "libssh2 could not create a session");
    libssh2_session_set_blocking(impl->session, 0);
    const std::string known_hosts = read_known_hosts(o);
    prefer_recorded_host_keys(*impl, o, known_hosts);
    int rc = run(*impl, [&] { return libssh2_session_handshake(impl->session, impl->sock); });
    if (rc == LIBSSH2_ERROR_KEX_FAILURE || rc == LIBSSH2_ERROR_METHOD_NOT_SUPPORTED)
        throw negotiation_failure(*impl, o);
    if (rc != 0)
        impl->fail(ErrorKind::unreachable, "SSH handshake with " + impl->label + " failed");
    verify_host_key(*impl, o, known_hosts);
    authenticate(*impl, o, user);
    libssh2_keepalive_config(impl->session, 0, 15);
    log::info("connected to {} ({}; host key {})", impl->label, impl->auth_method,
              impl->fingerprint);
    return std::unique_ptr<SshSession>(new SshSession(std::move(impl)));
}

const std::string& SshSession::label() const {
    return impl_->label;
}
const std::string& SshSession::auth_method() const {
    return impl_->auth_method;
}
const std::string& SshSession::host_key_fingerprint() const {
    return impl_->fingerprint;
}

std::optional<ExecResult> SshSession::exec(const std::string& command, std::size_t max_output) {
    Impl& impl = *impl_;
    LIBSSH2_CHANNEL* channel = nullptr;
    auto deadline = impl.deadline();
    while (!(channel = libssh2_channel_open_session(impl.session))) {
        if (libssh2_session_last_errno(impl.session) != LIBSSH2_ERROR_EAGAIN) return std::nullopt;
        impl.wait(deadline);
    }
    struct Closer {
        LIBSSH2_CHANNEL* channel;
        ~Closer() { libssh2_channel_free(channel); }
    } closer{channel};
    int rc = run(impl, [&] { return libssh2_channel_exec(channel, command.c_str()); });
    if (rc != 0) return std::nullopt;
    run(impl, [&] { return libssh2_channel_send_eof(channel); });
    ExecResult result;
    char buffer[32768];
    deadline = impl.deadline();
    for (;;) {
        bool progress = false;
        for (int stream : {0, 1}) {
            ssize_t got = libssh2_channel_read_ex(channel, stream, buffer, sizeof buffer);
            if (got > 0) {
                std::string& target = stream == 0 ? result.out : result.err;
                std::size_t room = max_output > target.size() ? max_output - target.size() : 0;
                target.append(buffer, std::min<std::size_t>(room, static_cast<std::size_t>(got)));
                if (static_cast<std::size_t>(got) > room) result.truncated = true;
                progress = true;
            } else if (got < 0 && got != LIBSSH2_ERROR_EAGAIN) {
                impl.fail(ErrorKind::unreachable,
                          "connection to " + impl.label + " broke while running a command");
            }
        }
        if (result.truncated) break;  // output past the limit: stop reading, never wait for an end
        if (libssh2_channel_eof(channel) && !progress) break;
        if (progress) {
            deadline = impl.deadline();
        } else {
            impl.wait(deadline);
        }
    }
    if (result.truncated) {
        // Close without waiting for the command: it may never end. A server that does not
        // confirm soon is left to libssh2_channel_free.
        auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        try {
            while (libssh2_channel_close(channel) == LIBSSH2_ERROR_EAGAIN) impl.wait(until);
        } catch (const Error&) {
            log::debug("{} did not confirm closing a command's channel", impl.label);
        }
        log::info("output of a command on {} passed {} bytes; stopped reading it", impl.label,
                  max_output);
        return result;
    }
    run(impl, [&] { return libssh2_channel_close(channel); });
    run(impl, [&] { return libssh2_channel_wait_closed(channel); });
    result.exit_status = libssh2_channel_get_exit_status(channel);
    return result;
}

std::vector<fs::path> default_identities(const fs::path& home) {
    std::vector<fs::path> out;
    for (const char* name : {"id_ed25519", "id_ecdsa", "id_rsa"}) {
        std::error_code ec;
        fs::path key = home / ".ssh" / name;
        if (fs::is_regular_file(key, ec)) out.push_back(key);
    }
    return out;
}

}  // namespace mps
