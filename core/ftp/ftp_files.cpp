#include "ftp/ftp_files.hpp"

#include <sys/select.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <random>
#include <set>
#include <thread>
#include <unordered_map>

#include "ftp/ftp_hash.hpp"
#include "ftp/ftp_listing.hpp"
#include "net/curl_global.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

namespace mps {

using Clock = std::chrono::steady_clock;

std::string ftp_url_path(const std::string& path, bool folder) {
    std::string p = path;
    if (p == "." || p == "./") p.clear();
    while (p.size() >= 2 && p.substr(0, 2) == "./") p.erase(0, 2);
    std::string out;
    std::size_t start = 0;
    if (!p.empty() && p.front() == '/') {
        out = "%2F";
        start = 1;
    }
    static const char* hex = "0123456789ABCDEF";
    for (std::size_t i = start; i < p.size(); ++i) {
        auto c = static_cast<unsigned char>(p[i]);
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    if (folder && !out.empty() && out.back() != '/' && out != "%2F") out += '/';
    if (folder && out == "%2F") out += '/';
    return out;
}

namespace {

constexpr std::size_t kMaxListingBytes = 64u << 20;
// A STAT listing's lines are kept as strings: a smaller cap (a larger folder is listed over a
// data connection).
constexpr std::size_t kMaxControlListingBytes = 8u << 20;

// A request's outcome: ok, a failure of that file or folder only, or "try again later".
struct Outcome {
    CURLcode code = CURLE_OK;
    long response = 0;      // the last FTP reply code
    std::string last_line;  // the last reply line (no secrets: the server's words)
    std::string error;      // libcurl's error text
    bool ok() const { return code == CURLE_OK; }
};

bool busy_reply(const Outcome& o) {
    if (o.response == 421) return true;
    std::string l = to_lower(o.last_line);
    return (l.rfind("421", 0) == 0) || l.find("too many") != std::string::npos ||
           l.find("maximum number of clients") != std::string::npos;
}

// per_resource: a failure that concerns the one file or folder asked for, not the connection.
bool per_resource(CURLcode code) {
    switch (code) {
        case CURLE_REMOTE_ACCESS_DENIED:
        case CURLE_FTP_COULDNT_RETR_FILE:
        case CURLE_REMOTE_FILE_NOT_FOUND:
        case CURLE_QUOTE_ERROR:
        case CURLE_BAD_DOWNLOAD_RESUME:
        case CURLE_WRITE_ERROR:
        case CURLE_FTP_COULDNT_USE_REST:
        case CURLE_FTP_COULDNT_SET_TYPE:
        case CURLE_URL_MALFORMAT:
        case CURLE_PARTIAL_FILE:
        case CURLE_RANGE_ERROR:
            return true;
        default:
            return false;
    }
}

std::string reason(const Outcome& o) {
    std::string why = !o.last_line.empty() && o.response >= 400 ? o.last_line : o.error;
    if (why.empty()) why = "FTP error " + std::to_string(static_cast<int>(o.code));
    return printable_remote_name(why);
}

}  // namespace

struct Request {
    std::string path;  // remote path (absolute or relative to the login folder)
    bool folder = false;
    bool login = false;      // the login probe (FEAT)
    bool hash = false;       // HASH of `path` on the control connection (no data connection)
    bool sent_opts = false;  // the request also selected SHA-256 (OPTS HASH)
    bool stat = false;       // a folder listed with STAT on the control connection
    std::string nonce;       // STAT: the path the echoing command names (see StatListing)
    StatListing stat_reply;  // STAT: the reply, parsed once in finish()
    std::uint64_t offset = 0;
    std::function<bool(std::string_view)> on_data;  // false: stop (CURLE_WRITE_ERROR)
    std::function<void(const Outcome&)> on_done;
    std::vector<std::string> lines;  // reply lines (kept for the login probe, HASH and STAT)
    std::size_t line_bytes = 0;
    Outcome outcome;
    int retries = 0;
    Clock::time_point not_before{};
    char error[CURL_ERROR_SIZE] = {};
};

// Slot: one control connection. Each has its own multi handle (so its own connection cache of
// one) and its own easy handle (so its own TLS session cache): the data connections of a request
// then resume the TLS session of that very control connection, as ProFTPD and vsftpd require.
// One multi handle for all would let an easy handle offer the session of another connection.
struct Slot {
    CURLM* multi = nullptr;
    CURL* easy = nullptr;
    std::unique_ptr<Request> request;    // in flight, or null
    bool retired = false;                // refused by the server (421): not used again
    struct curl_slist* quote = nullptr;  // the commands of the request in flight (HASH)
    bool sha256_selected = false;        // OPTS HASH SHA-256 done on this connection
    bool fresh = false;                  // the next request opens a new connection
};

struct FtpFiles::Impl {
    FtpOptions options;
    const net::CurlApi* api = nullptr;
    bool logged_in = false;
    bool mlsd = false;
    bool tls = false;
    HashFeature hash;             // what FEAT says of HASH
    bool hash_usable = false;     // HASH SHA-256 offered (and paths need no CWD: MLSD servers)
    bool stat_usable = false;     // folders listed with STAT (MLSD servers, until one fails it)
    std::size_t stat_listed = 0;  // folders listed with STAT
    std::size_t hashed = 0;       // files whose digest the server gave
    std::size_t requests = 0;
    std::uint64_t bytes = 0;
    std::deque<std::unique_ptr<Request>> waiting;
    std::vector<Slot> slots;
    struct curl_slist* feat = nullptr;

    explicit Impl(FtpOptions o) : options(std::move(o)) {
        options.connections = std::clamp(options.connections, 1, 64);
        if (options.timeout_seconds <= 0) options.timeout_seconds = 30;
    }
    ~Impl() {
        if (!api) return;
        for (auto& slot : slots) close(slot);
        if (feat) api->slist_free_all(feat);
    }

    void close(Slot& slot) {
        if (slot.request) api->multi_remove_handle(slot.multi, slot.easy);
        slot.request.reset();
        if (slot.easy) api->easy_cleanup(slot.easy);
        if (slot.multi) api->multi_cleanup(slot.multi);
        if (slot.quote) api->slist_free_all(slot.quote);
        slot.easy = nullptr;
        slot.multi = nullptr;
        slot.quote = nullptr;
    }

    int limit() const {
        int n = 0;
        for (const auto& slot : slots) n += slot.retired ? 0 : 1;
        return slots.empty() ? options.connections : n;
    }

    std::string where() const {
        std::string host =
            options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
        return host + ":" + std::to_string(options.port);
    }
    std::string label() const { return options.user + "@" + where(); }

    void init() {
        if (api) return;
        api = &net::curl_api();
        feat = api->slist_append(nullptr, "FEAT");
        slots.resize(static_cast<std::size_t>(options.connections));
        for (auto& slot : slots) {
            slot.multi = api->multi_init();
            slot.easy = api->easy_init();
            if (!slot.multi || !slot.easy)
                throw Error(ErrorKind::internal, "libcurl: cannot make transfer handles");
            api->multi_setopt(slot.multi, CURLMOPT_MAXCONNECTS, 1L);
            api->multi_setopt(slot.multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, 1L);
        }
    }

    static std::size_t write_cb(char* data, std::size_t size, std::size_t count, void* user) {
        auto* request = static_cast<Request*>(user);
        std::size_t n = size * count;
        if (request->on_data && !request->on_data(std::string_view(data, n))) return 0;
        return n;
    }
    static std::size_t header_cb(char* data, std::size_t size, std::size_t count, void* user) {
        auto* request = static_cast<Request*>(user);
        std::size_t n = size * count;
        std::string line(data, n);
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
        request->outcome.last_line = line.substr(0, 300);
        if ((request->login || request->hash) && request->lines.size() < 200)
            request->lines.push_back(line);
        if (request->stat) {
            // A listing too long to keep fails the request (then listed over a data connection).
            request->line_bytes += line.size() + 1;
            if (request->line_bytes > kMaxControlListingBytes) return 0;
            request->lines.push_back(line);
        }
        return n;
    }

    std::string url_for(const Request& request) const {
        std::string host =
            options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
        return std::string(options.implicit_tls ? "ftps://" : "ftp://") + host + ":" +
               std::to_string(options.port) + "/" +
               (request.login || request.hash || request.stat
                    ? std::string()
                    : ftp_url_path(request.path, request.folder));
    }

    void start(Slot& slot, std::unique_ptr<Request> request) {
        CURL* easy = slot.easy;
        api->easy_reset(easy);  // keeps the connection and the TLS session cache
        ++requests;
        request->outcome = Outcome{};
        request->error[0] = 0;
        Request* r = request.get();
        std::string url = url_for(*r);
        api->easy_setopt(easy, CURLOPT_URL, url.c_str());
        api->easy_setopt(easy, CURLOPT_USERNAME, options.user.c_str());
        api->easy_setopt(easy, CURLOPT_PASSWORD, options.password.c_str());
        api->easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
        api->easy_setopt(easy, CURLOPT_ERRORBUFFER, r->error);
        api->easy_setopt(easy, CURLOPT_USE_SSL,
                         options.allow_plain && !options.implicit_tls
                             ? static_cast<long>(CURLUSESSL_TRY)
                             : static_cast<long>(CURLUSESSL_ALL));
        api->easy_setopt(easy, CURLOPT_FTPSSLAUTH, static_cast<long>(CURLFTPAUTH_TLS));
        net::apply_tls(*api, easy, options.tls);
        long t = options.timeout_seconds;
        api->easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, t);
        api->easy_setopt(easy, CURLOPT_SERVER_RESPONSE_TIMEOUT, t);
        api->easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
        api->easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, t);
        // MLSD servers get full paths (no CWD round trips); LIST servers a CWD to the folder
        // (vsftpd answers a LIST of a missing folder with an empty listing, a CWD with 550).
        api->easy_setopt(easy, CURLOPT_FTP_FILEMETHOD,
                         mlsd ? static_cast<long>(CURLFTPMETHOD_NOCWD)
                              : static_cast<long>(CURLFTPMETHOD_SINGLECWD));
        api->easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Impl::write_cb);
        api->easy_setopt(easy, CURLOPT_WRITEDATA, r);
        api->easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Impl::header_cb);
        api->easy_setopt(easy, CURLOPT_HEADERDATA, r);
        if (slot.fresh) {
            api->easy_setopt(easy, CURLOPT_FRESH_CONNECT, 1L);
            slot.fresh = false;
            slot.sha256_selected = false;
        }
        if (r->login) {
            api->easy_setopt(easy, CURLOPT_NOBODY, 1L);
            api->easy_setopt(easy, CURLOPT_QUOTE, feat);
        } else if (r->hash) {
            // No transfer: the commands alone, on the login folder's URL ('*': a refusal is
            // an answer to read, not a failed request).
            if (slot.quote) api->slist_free_all(slot.quote);
            slot.quote = nullptr;
            r->sent_opts = !slot.sha256_selected && !hash.sha256_selected;
            if (r->sent_opts) slot.quote = api->slist_append(slot.quote, "*OPTS HASH SHA-256");
            slot.quote = api->slist_append(slot.quote, ("*HASH " + r->path).c_str());
            api->easy_setopt(easy, CURLOPT_NOBODY, 1L);
            api->easy_setopt(easy, CURLOPT_QUOTE, slot.quote);
        } else if (r->stat) {
            if (slot.quote) api->slist_free_all(slot.quote);
            slot.quote = api->slist_append(nullptr, ("*STAT " + r->path).c_str());
            slot.quote = api->slist_append(slot.quote, ("*MDTM " + r->nonce).c_str());
            api->easy_setopt(easy, CURLOPT_NOBODY, 1L);
            api->easy_setopt(easy, CURLOPT_QUOTE, slot.quote);
        } else if (r->folder) {
            api->easy_setopt(easy, CURLOPT_CUSTOMREQUEST, mlsd ? "MLSD" : "LIST -a");
        } else if (r->offset > 0) {
            api->easy_setopt(easy, CURLOPT_RESUME_FROM_LARGE, static_cast<curl_off_t>(r->offset));
        }
        if (api->multi_add_handle(slot.multi, easy) != CURLM_OK)
            throw Error(ErrorKind::internal, "libcurl: cannot add a transfer");
        slot.request = std::move(request);
    }

    void finish(Slot& slot, CURLcode code) {
        std::unique_ptr<Request> request = std::move(slot.request);
        api->multi_remove_handle(slot.multi, slot.easy);
        long response = 0;
        api->easy_getinfo(slot.easy, CURLINFO_RESPONSE_CODE, &response);
        request->outcome.code = code;
        request->outcome.response = response;
        request->outcome.error = request->error[0] ? request->error : api->easy_strerror(code);
        if (code != CURLE_OK && busy_reply(request->outcome)) {
            // The server has fewer connections for us than we use: give this one up (while
            // another is left) and ask again later.
            if (limit() > 1) {
                slot.retired = true;
                api->easy_cleanup(slot.easy);
                api->multi_cleanup(slot.multi);
                slot.easy = nullptr;
                slot.multi = nullptr;
            }
            if (++request->retries > 40)
                throw Error(ErrorKind::unreachable,
                            "the FTP server on " + where() +
                                " keeps refusing connections: " + reason(request->outcome),
                            "try again later, or with --connections 1");
            request->not_before =
                Clock::now() + std::chrono::milliseconds(100 * std::min(request->retries, 10));
            waiting.push_front(std::move(request));
            return;
        }
        if (request->login) {
            // FEAT refused (a quote error) still means logged in; anything else is fatal.
            if (code != CURLE_OK && code != CURLE_QUOTE_ERROR) {
                if (code == CURLE_REMOTE_ACCESS_DENIED) request->outcome.code = CURLE_LOGIN_DENIED;
                throw connection_error(*request);
            }
            absorb_login(*request);
            return;
        }
        // A refusal of that file or folder (550...) is its error, whatever libcurl made of it
        // (a RETR refused after EPSV comes back as a "weird PASV reply").
        bool refused = response == 450 || response == 451 || response == 550 || response == 553;
        if (code != CURLE_OK && !per_resource(code) && !refused) throw connection_error(*request);
        if (request->hash) absorb_hash_reply(slot, *request);
        if (request->stat) absorb_stat_reply(slot, *request);
        request->on_done(request->outcome);
    }

    Error connection_error(const Request& request) const {
        const Outcome& o = request.outcome;
        switch (o.code) {
            case CURLE_USE_SSL_FAILED:
                return Error(ErrorKind::auth,
                             "the FTP server on " + where() + " does not offer TLS (AUTH TLS)",
                             "ask the host for FTP with TLS; --allow-plain-ftp proceeds over "
                             "clear-text FTP (the password crosses the network unencrypted)");
            case CURLE_LOGIN_DENIED:
                return Error(ErrorKind::auth,
                             "the FTP server on " + where() + " refused the login of " +
                                 options.user + ": " + reason(o),
                             "check the user and MPSUPPORT_FTP_PASSWORD");
            case CURLE_OPERATION_TIMEDOUT:
                return Error(ErrorKind::unreachable,
                             "the FTP server on " + where() + " did not answer for " +
                                 std::to_string(options.timeout_seconds) + " s",
                             "check the host and port, or raise --timeout");
            case CURLE_PEER_FAILED_VERIFICATION:
            case CURLE_SSL_CACERT_BADFILE:
            case CURLE_SSL_CONNECT_ERROR:
            case CURLE_SSL_CERTPROBLEM:
                return Error(ErrorKind::unreachable,
                             "TLS with the FTP server on " + where() + " failed: " + reason(o),
                             "check the server's certificate (MPSUPPORT_CA_BUNDLE names a CA to "
                             "trust; --insecure skips the check)");
            default:
                return Error(ErrorKind::unreachable,
                             "cannot use the FTP server on " + where() + ": " + reason(o),
                             "check the host, the port and that FTP is open there");
        }
    }

    // absorb_hash_reply: what a HASH answer says of the connection and the server.
    void absorb_hash_reply(Slot& slot, const Request& request) {
        std::string algorithm = hash_reply_algorithm(request.lines);
        if (algorithm == "SHA-256") slot.sha256_selected = true;
        int code = final_reply_code(request.lines);
        // Not understood, or still another algorithm after OPTS: files are read instead.
        if (code == 500 || code == 502 || code == 504 ||
            (request.sent_opts && !algorithm.empty() && algorithm != "SHA-256"))
            hash_usable = false;
    }

    // absorb_stat_reply: a STAT reply that is not a padded listing (or no answer at all) ends
    // STAT listings; one that may have been cut short leaves unread lines on that connection,
    // so the slot's next request opens a new one.
    void absorb_stat_reply(Slot& slot, Request& request) {
        request.stat_reply = stat_listing(request.lines, request.nonce);
        const StatListing& reply = request.stat_reply;
        if (!reply.well_formed) slot.fresh = true;
        if (!request.outcome.ok() || !reply.well_formed ||
            (reply.code != 212 && reply.code != 450 && reply.code != 550))
            stat_usable = false;
    }

    void absorb_login(const Request& request) {
        logged_in = true;
        bool in_feat = false;
        for (const auto& line : request.lines) {
            if (line.rfind("234", 0) == 0) tls = true;
            if (line.rfind("211-", 0) == 0) in_feat = true;
            if (in_feat && line.size() > 1 && line[0] == ' ') {
                std::string feature = to_lower(line.substr(1));
                if (feature.rfind("mlst", 0) == 0) mlsd = true;
            }
        }
        if (options.implicit_tls) tls = true;
        hash = hash_feature(request.lines);
        // HASH paths are sent as they are: only where no request changes the folder (MLSD).
        hash_usable = hash.sha256 && mlsd;
        stat_usable = mlsd && options.stat_listings;
    }

    // ensure_login: the login probe, run alone before anything else.
    void ensure_login() {
        init();
        if (logged_in) return;
        auto probe = std::make_unique<Request>();
        probe->login = true;
        std::deque<std::unique_ptr<Request>> queued;
        queued.swap(waiting);
        waiting.push_back(std::move(probe));
        try {
            pump();
        } catch (...) {
            for (auto& r : queued) waiting.push_back(std::move(r));
            throw;
        }
        for (auto& r : queued) waiting.push_back(std::move(r));
    }

    // wait: until a busy slot's socket is ready or curl's timer is due (at most 100 ms).
    void wait() {
        fd_set readable, writable, failed;
        FD_ZERO(&readable);
        FD_ZERO(&writable);
        FD_ZERO(&failed);
        int max_fd = -1;
        long timeout = 100;
        for (auto& slot : slots) {
            if (!slot.request) continue;
            int fd = -1;
            api->multi_fdset(slot.multi, &readable, &writable, &failed, &fd);
            max_fd = std::max(max_fd, fd);
            long t = -1;
            api->multi_timeout(slot.multi, &t);
            if (t >= 0) timeout = std::min(timeout, t);
        }
        if (timeout == 0) return;
        if (max_fd < 0 || max_fd >= FD_SETSIZE) {
            // No socket yet (resolving, connecting) or one select cannot watch: a short nap.
            std::this_thread::sleep_for(std::chrono::milliseconds(std::min(timeout, 10L)));
            return;
        }
        timeval tv{timeout / 1000, static_cast<suseconds_t>((timeout % 1000) * 1000)};
        ::select(max_fd + 1, &readable, &writable, &failed, &tv);
    }

    // pump: run until nothing is waiting or in flight.
    void pump() {
        try {
            for (;;) {
                auto now = Clock::now();
                Clock::time_point next_due = Clock::time_point::max();
                bool busy = false;
                for (auto& slot : slots) {
                    if (slot.retired) continue;
                    if (!slot.request) {
                        for (auto it = waiting.begin(); it != waiting.end(); ++it) {
                            if ((*it)->not_before <= now) {
                                auto request = std::move(*it);
                                waiting.erase(it);
                                start(slot, std::move(request));
                                break;
                            }
                        }
                    }
                    busy = busy || slot.request != nullptr;
                }
                if (!busy && waiting.empty()) return;
                if (!busy) {
                    for (auto& r : waiting) next_due = std::min(next_due, r->not_before);
                    auto pause = std::chrono::duration_cast<std::chrono::milliseconds>(
                        next_due - Clock::now());
                    if (pause.count() > 0)
                        std::this_thread::sleep_for(
                            std::min(pause, std::chrono::milliseconds(1000)));
                    continue;
                }
                for (auto& slot : slots) {
                    if (!slot.request) continue;
                    int running = 0;
                    api->multi_perform(slot.multi, &running);
                    int left = 0;
                    while (CURLMsg* message = api->multi_info_read(slot.multi, &left))
                        if (message->msg == CURLMSG_DONE && slot.request) {
                            finish(slot, message->data.result);
                            break;
                        }
                }
                bool still = false;
                for (auto& slot : slots) still = still || slot.request != nullptr;
                if (still) wait();
            }
        } catch (...) {
            for (auto& slot : slots)
                if (slot.request) {
                    api->multi_remove_handle(slot.multi, slot.easy);
                    slot.request.reset();
                }
            waiting.clear();
            throw;
        }
    }

    void submit(std::unique_ptr<Request> request) { waiting.push_back(std::move(request)); }

    // next_nonce: a path no server has (".mpsupport-" and 128 random bits, then a counter), for
    // the command that closes a STAT listing.
    std::string next_nonce() {
        if (nonce_prefix.empty()) {
            std::random_device random;
            char hex[33];
            for (int i = 0; i < 4; ++i) std::snprintf(hex + 8 * i, 9, "%08x", random());
            nonce_prefix = std::string(".mpsupport-") + hex + "-";
        }
        return nonce_prefix + std::to_string(++nonces);
    }
    std::string nonce_prefix;
    std::size_t nonces = 0;
};

namespace {

long long now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// folder_request: one listing of `path`; `done` gets its entries, or nothing and a reason.
// Listed with STAT on the control connection where that works (see StatListing), else (and
// after a STAT reply that is no listing) over a data connection with MLSD or LIST.
using FolderDone = std::function<void(std::optional<FtpListingText>, const std::string&)>;
std::unique_ptr<Request> folder_request(FtpFiles::Impl& impl, const std::string& path,
                                        FolderDone done, bool may_stat = true);

std::unique_ptr<Request> stat_folder_request(FtpFiles::Impl& impl, const std::string& path,
                                             FolderDone done) {
    auto request = std::make_unique<Request>();
    request->path = path;
    request->stat = true;
    request->nonce = impl.next_nonce();
    Request* r = request.get();
    FtpFiles::Impl* self = &impl;
    request->on_done = [self, r, path, done = std::move(done)](const Outcome& o) mutable {
        const StatListing& reply = r->stat_reply;  // parsed by absorb_stat_reply
        if (o.ok() && reply.well_formed && reply.code == 212) {
            FtpListingText text = parse_ftp_listing(reply.text, false, now_seconds());
            // ProFTPD answers STAT of a folder it cannot read with an empty listing, and of a
            // readable one with its "." entry: without it, the folder is listed again.
            bool dot = std::any_of(text.entries.begin(), text.entries.end(),
                                   [](const FtpListEntry& e) { return e.name == "."; });
            if (dot) {
                ++self->stat_listed;
                self->bytes += reply.text.size();
                return done(std::move(text), {});
            }
            // If the data connection lists it, this server's STAT hides what MLSD shows.
            return self->submit(folder_request(
                *self, path,
                [self, done = std::move(done)](std::optional<FtpListingText> listed,
                                               const std::string& why) {
                    if (listed) self->stat_usable = false;
                    done(std::move(listed), why);
                },
                false));
        }
        if (o.ok() && reply.well_formed && (reply.code == 450 || reply.code == 550))
            return done(std::nullopt, reply.last_line.substr(0, 300));
        // Not a folder's listing (a file, a refusal we cannot read, a cut reply): ask again
        // over a data connection, which says what it is.
        self->submit(folder_request(*self, path, std::move(done)));
    };
    return request;
}

std::unique_ptr<Request> folder_request(FtpFiles::Impl& impl, const std::string& path,
                                        FolderDone done, bool may_stat) {
    // STAT takes a path as its argument's text: no line breaks, nothing an ls would read as
    // an option.
    if (may_stat && impl.stat_usable && path.find_first_of("\r\n") == std::string::npos &&
        !path.empty() && path[0] != '-')
        return stat_folder_request(impl, path, std::move(done));
    auto request = std::make_unique<Request>();
    request->path = path;
    request->folder = true;
    auto body = std::make_shared<std::string>();
    FtpFiles::Impl* self = &impl;
    request->on_data = [body, self](std::string_view data) {
        self->bytes += data.size();
        if (body->size() + data.size() > kMaxListingBytes) return false;
        body->append(data);
        return true;
    };
    // Requests start after the login, which tells MLSD or LIST: parse as it was asked.
    request->on_done = [body, self, done = std::move(done)](const Outcome& o) {
        bool mlsd = self->mlsd;
        if (!o.ok())
            return done(std::nullopt,
                        o.code == CURLE_WRITE_ERROR ? std::string("listing too long") : reason(o));
        done(parse_ftp_listing(*body, mlsd, now_seconds()), {});
    };
    return request;
}

struct FtpListing final : TreeListing {
    FtpFiles::Impl* impl = nullptr;
    std::string root;
    ListLimits limits;
    TreeEvents events;
    RemoteListing listing;
    std::optional<std::string> root_error;
    std::size_t seen = 0;
    std::size_t outstanding = 0;
    bool finished = false;
    std::shared_ptr<bool> alive = std::make_shared<bool>(true);

    ~FtpListing() override { *alive = false; }

    void open(const std::string& relative, int depth) {
        ++outstanding;
        std::string path = relative.empty() ? root : remote_join(root, relative);
        impl->submit(
            folder_request(*impl, path,
                           [this, alive = alive, relative, depth](
                               std::optional<FtpListingText> text, const std::string& why) {
                               if (!*alive) return;
                               absorb(relative, depth, text, why);
                               if (--outstanding == 0 && !finished) {
                                   finished = true;
                                   if (events.on_done) events.on_done();
                               }
                           }));
    }

    void absorb(const std::string& relative, int depth, const std::optional<FtpListingText>& text,
                const std::string& why) {
        if (!text) {
            if (relative.empty())
                root_error = why;
            else
                listing.unreadable.push_back(relative + ": " + why);
            return;
        }
        for (const auto& entry : text->entries) {
            if (entry.name == "." || entry.name == "..") continue;  // LIST -a shows them
            if (listing.truncated) return;
            if (++seen > limits.max_entries) {
                listing.truncated = true;
                return;
            }
            std::string prefix = relative.empty() ? "" : relative + "/";
            if (!acceptable_remote_name(entry.name)) {
                listing.refused.push_back(prefix + printable_remote_name(entry.name));
                continue;
            }
            std::string child = prefix + entry.name;
            if (entry.attrs.is_dir()) {
                if (depth + 1 > limits.max_depth)
                    listing.unreadable.push_back(child + ": nested too deeply");
                else
                    open(child, depth + 1);
            } else if (entry.attrs.is_regular() || entry.attrs.is_link()) {
                listing.files.push_back(RemoteEntry{child, entry.attrs});
                if (events.on_file) events.on_file(listing.files.back());
            }
        }
    }

    RemoteListing take() override {
        if (root_error)
            throw Error(ErrorKind::not_found,
                        "cannot list " + root + " on " + impl->label() + ": " + *root_error,
                        "check the path and that this FTP account may read it");
        return std::move(listing);
    }
};

struct FtpReads final : FileReads {
    struct State {
        FtpFiles::Impl* impl = nullptr;
        std::string root;
        FileSink sink;
        std::size_t max_open = 128;
        std::size_t pending = 0;
        std::size_t in_flight = 0;
        std::deque<RemoteEntry> queued;
    };
    std::shared_ptr<State> state = std::make_shared<State>();

    static void pump(const std::shared_ptr<State>& s) {
        while (s->in_flight < s->max_open && !s->queued.empty()) {
            RemoteEntry entry = std::move(s->queued.front());
            s->queued.pop_front();
            ++s->in_flight;
            if (hash_first(*s, entry))
                ask_digest(s, std::move(entry));
            else
                fetch(s, std::move(entry));
        }
    }

    // hash_first: ask the server for the digest before reading (whole files the sink may not
    // need, on a server with HASH SHA-256, names that fit on a command line).
    static bool hash_first(const State& s, const RemoteEntry& entry) {
        return s.impl->hash_usable && s.sink.wants_content && entry.offset == 0 &&
               entry.path.find_first_of("\r\n") == std::string::npos &&
               s.root.find_first_of("\r\n") == std::string::npos;
    }

    static void done_one(const std::shared_ptr<State>& s) {
        --s->in_flight;
        --s->pending;
        pump(s);
    }

    static void ask_digest(const std::shared_ptr<State>& s, RemoteEntry entry) {
        auto request = std::make_unique<Request>();
        request->hash = true;
        request->path = remote_join(s->root, entry.path);
        Request* r = request.get();
        request->on_done = [s, r, entry](const Outcome& o) {
            std::optional<std::string> sha;
            if (o.ok()) sha = hash_reply_digest(r->lines, entry.attrs.size);
            if (!sha || s->sink.wants_content(entry, *sha)) return fetch(s, entry);
            ++s->impl->hashed;
            FetchedFile file;
            file.complete = false;
            file.size = entry.attrs.size.value_or(0);
            file.sha256 = std::move(*sha);
            file.digest_from_server = true;
            s->sink.on_file(entry, file);
            done_one(s);
        };
        s->impl->submit(std::move(request));
    }

    static void fetch(const std::shared_ptr<State>& s, RemoteEntry entry) {
        auto request = std::make_unique<Request>();
        request->path = remote_join(s->root, entry.path);
        request->offset = entry.offset;
        auto file = std::make_shared<FileAccumulator>(entry);
        FtpFiles::Impl* impl = s->impl;
        request->on_data = [file, impl](std::string_view data) {
            impl->bytes += data.size();
            return file->append(data);
        };
        request->on_done = [s, file, entry](const Outcome& o) {
            if (!file->error().empty())
                s->sink.on_error(entry, file->error());
            else if (!o.ok())
                s->sink.on_error(entry, reason(o));
            else {
                FetchedFile done = file->finish();
                s->sink.on_file(entry, done);
            }
            done_one(s);
        };
        s->impl->submit(std::move(request));
    }

    void add(RemoteEntry file) override {
        ++state->pending;
        state->queued.push_back(std::move(file));
        pump(state);
    }
    std::size_t pending() const override { return state->pending; }
};

std::string parent_of(const std::string& path, std::string& name) {
    std::string p = path;
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    auto slash = p.rfind('/');
    if (slash == std::string::npos) {
        name = p;
        return ".";
    }
    name = p.substr(slash + 1);
    return slash == 0 ? "/" : p.substr(0, slash);
}

}  // namespace

FtpFiles::FtpFiles(FtpOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
FtpFiles::~FtpFiles() = default;

std::unique_ptr<FtpFiles> FtpFiles::connect(const FtpOptions& options) {
    auto files = std::make_unique<FtpFiles>(options);
    files->impl_->ensure_login();
    return files;
}

std::string FtpFiles::label() const {
    return impl_->label();
}

std::string FtpFiles::connect_message() const {
    std::string how = impl_->options.implicit_tls ? "implicit TLS (ftps)"
                      : impl_->tls                ? "explicit TLS (AUTH TLS)"
                                                  : "plain FTP without TLS (password and files "
                                                    "crossed the network unencrypted)";
    std::string cert = !impl_->tls                   ? ""
                       : impl_->options.tls.insecure ? ", certificate NOT verified (--insecure)"
                                                     : ", certificate verified";
    return "logged in as " + impl_->options.user + " on " + impl_->where() + " over " + how + cert +
           "; listings with " +
           (impl_->stat_usable ? "STAT"
            : impl_->mlsd      ? "MLSD"
                               : "LIST") +
           ", up to " + std::to_string(impl_->options.connections) + " connections";
}

bool FtpFiles::uses_mlsd() const {
    return impl_->mlsd;
}
bool FtpFiles::uses_tls() const {
    return impl_->tls;
}
std::size_t FtpFiles::requests() const {
    return impl_->requests;
}
std::size_t FtpFiles::listed_with_stat() const {
    return impl_->stat_listed;
}
bool FtpFiles::hashes_on_server() const {
    return impl_->hash_usable;
}
std::size_t FtpFiles::hashed_on_server() const {
    return impl_->hashed;
}
int FtpFiles::connection_limit() const {
    return impl_->limit();
}
std::uint64_t FtpFiles::bytes_received() const {
    return impl_->bytes;
}

void FtpFiles::stat(const std::string& path, bool follow,
                    std::function<void(std::optional<FileAttributes>)> done) {
    impl_->init();
    Impl* impl = impl_.get();
    std::string p = path.empty() ? "." : path;
    if (p == "." || p == "/" || p == "./") {
        impl->submit(folder_request(*impl, p,
                                    [done](std::optional<FtpListingText> text, const std::string&) {
                                        if (!text) return done(std::nullopt);
                                        FileAttributes attrs;
                                        attrs.permissions = S_IFDIR | 0755;
                                        done(attrs);
                                    }));
        return;
    }
    std::string name;
    std::string parent = parent_of(p, name);
    impl->submit(folder_request(
        *impl, parent,
        [impl, p, name, follow, done](std::optional<FtpListingText> text, const std::string&) {
            if (!text) return done(std::nullopt);
            for (const auto& entry : text->entries) {
                if (entry.name != name || name == "." || name == "..") continue;
                if (!follow || !entry.attrs.is_link()) return done(entry.attrs);
                // A link, followed: a folder when it lists as one, else a file.
                impl->submit(folder_request(
                    *impl, p, [done](std::optional<FtpListingText> inner, const std::string&) {
                        FileAttributes attrs;
                        attrs.permissions = inner ? (S_IFDIR | 0755) : (S_IFREG | 0644);
                        done(attrs);
                    }));
                return;
            }
            done(std::nullopt);
        }));
}

std::unique_ptr<TreeListing> FtpFiles::list(const std::string& root, ListLimits limits,
                                            TreeEvents events) {
    impl_->init();
    auto listing = std::make_unique<FtpListing>();
    listing->impl = impl_.get();
    listing->root = root.empty() ? "." : root;
    listing->limits = limits;
    listing->events = std::move(events);
    listing->open("", 0);
    return listing;
}

std::unique_ptr<FileReads> FtpFiles::read(const std::string& root, std::vector<RemoteEntry> files,
                                          FileSink sink, std::size_t max_open) {
    impl_->init();
    auto reads = std::make_unique<FtpReads>();
    reads->state->impl = impl_.get();
    reads->state->root = root;
    reads->state->sink = std::move(sink);
    reads->state->max_open = std::max<std::size_t>(1, max_open);
    for (auto& file : files) reads->add(std::move(file));
    return reads;
}

void FtpFiles::run() {
    impl_->ensure_login();
    impl_->pump();
}

}  // namespace mps
