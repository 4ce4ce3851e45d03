#include "net/smtp.hpp"

#include <cstring>

#include "net/curl_global.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace mps {

struct SmtpMailer::Impl {
    SmtpSettings settings;
    std::string host;
    bool loopback = false;
    CURL* curl = nullptr;
    ~Impl() {
        if (curl) net::curl_api().easy_cleanup(curl);
    }
};

namespace {

struct Upload {
    const std::string* data;
    std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
    auto* upload = static_cast<Upload*>(user);
    std::size_t n = std::min(size * count, upload->data->size() - upload->offset);
    std::memcpy(buffer, upload->data->data() + upload->offset, n);
    upload->offset += n;
    return n;
}

bool is_loopback(const std::string& host) {
    return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

}  // namespace

SmtpMailer::SmtpMailer(SmtpSettings settings) : impl_(std::make_unique<Impl>()) {
    const net::CurlApi& api = net::curl_api();
    impl_->settings = std::move(settings);
    const std::string& url = impl_->settings.url;
    bool smtps = url.rfind("smtps://", 0) == 0;
    if (!smtps && url.rfind("smtp://", 0) != 0)
        throw Error(ErrorKind::usage,
                    "vendor.smtp_url '" + url + "' is not an smtp:// or smtps:// URL",
                    "set [vendor] smtp_url, e.g. \"smtps://mail.example.com:465\" or "
                    "\"smtp://mail.example.com:587\"");
    CURLU* parsed = api.url();
    char* host = nullptr;
    if (api.url_set(parsed, CURLUPART_URL, url.c_str(), 0) != CURLUE_OK ||
        api.url_get(parsed, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
        api.url_cleanup(parsed);
        throw Error(ErrorKind::usage, "vendor.smtp_url '" + url + "' is not a valid URL",
                    "set [vendor] smtp_url, e.g. \"smtps://mail.example.com:465\"");
    }
    char* password = nullptr;
    if (api.url_get(parsed, CURLUPART_PASSWORD, &password, 0) == CURLUE_OK && password) {
        api.free(password);
        api.free(host);
        api.url_cleanup(parsed);
        throw Error(ErrorKind::usage, "vendor.smtp_url holds a password",
                    "remove it from the URL and set MPSUPPORT_SMTP_PASSWORD instead");
    }
    impl_->host = host;
    api.free(host);
    api.url_cleanup(parsed);
    impl_->loopback = is_loopback(impl_->host);
}

SmtpMailer::~SmtpMailer() = default;

SendResult SmtpMailer::send(const std::string& from, const std::string& to,
                            const std::string& message) {
    const net::CurlApi& api = net::curl_api();
    auto& s = impl_->settings;
    if (!impl_->curl) impl_->curl = api.easy_init();
    CURL* curl = impl_->curl;
    if (!curl) return {SendStatus::failed, "cannot start libcurl"};
    api.easy_reset(curl);
    char error[CURL_ERROR_SIZE] = {0};
    Upload upload{&message};
    std::string mail_from = "<" + from + ">";
    std::string rcpt = "<" + to + ">";
    curl_slist* recipients = api.slist_append(nullptr, rcpt.c_str());
    api.easy_setopt(curl, CURLOPT_URL, s.url.c_str());
    api.easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    api.easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    api.easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, std::min(s.timeout_seconds, 30L));
    api.easy_setopt(curl, CURLOPT_TIMEOUT, s.timeout_seconds);
    net::apply_tls(api, curl, s.tls);
    // smtp:// must upgrade with STARTTLS, except to a relay on this machine.
    if (s.url.rfind("smtp://", 0) == 0)
        api.easy_setopt(curl, CURLOPT_USE_SSL,
                        impl_->loopback ? static_cast<long>(CURLUSESSL_TRY)
                                        : static_cast<long>(CURLUSESSL_ALL));
    if (!s.user.empty()) {
        api.easy_setopt(curl, CURLOPT_USERNAME, s.user.c_str());
        api.easy_setopt(curl, CURLOPT_PASSWORD, s.password.c_str());
    }
    api.easy_setopt(curl, CURLOPT_MAIL_FROM, mail_from.c_str());
    api.easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
    api.easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    api.easy_setopt(curl, CURLOPT_READFUNCTION, read_upload);
    api.easy_setopt(curl, CURLOPT_READDATA, &upload);
    api.easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
    log::debug("smtp {}: sending {} bytes to {}", impl_->host, message.size(), to);
    CURLcode rc = api.easy_perform(curl);
    long response = 0;
    api.easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response);
    api.slist_free_all(recipients);
    if (rc == CURLE_OK) return {SendStatus::sent, "250"};
    std::string detail =
        "smtp " + impl_->host + ": " + (error[0] ? std::string(error) : api.easy_strerror(rc));
    if (response) detail += " (server answered " + std::to_string(response) + ")";
    switch (rc) {
        case CURLE_LOGIN_DENIED:
            return {SendStatus::auth_failed, detail};
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_CONNECT:
        case CURLE_OPERATION_TIMEDOUT:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_USE_SSL_FAILED:
        case CURLE_GOT_NOTHING:
            return {SendStatus::unreachable, detail};
        default:
            break;
    }
    if (response == 530 || response == 535) return {SendStatus::auth_failed, detail};
    if (response >= 500 && response < 600) return {SendStatus::rejected, detail};
    if (response >= 400 && response < 500) return {SendStatus::failed, detail};
    return {SendStatus::unreachable, detail};
}

}  // namespace mps
