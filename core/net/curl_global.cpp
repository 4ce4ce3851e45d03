#include "net/curl_global.hpp"

#include <string>

#include "util/environment.hpp"
#include "util/error.hpp"

namespace mps::net {

const CurlApi& curl_api() {
    // libcurl is linked normally (so that dpkg-shlibdeps sees it); the table keeps the call
    // sites unchanged and curl_global_init runs once, on first use.
    static const CurlApi api = [] {
        CurlApi table{};
        table.global_init = &::curl_global_init;
        table.easy_init = &::curl_easy_init;
        table.easy_cleanup = &::curl_easy_cleanup;
        table.easy_reset = &::curl_easy_reset;
        table.easy_setopt = &::curl_easy_setopt;
        table.easy_perform = &::curl_easy_perform;
        table.easy_getinfo = &::curl_easy_getinfo;
        table.easy_strerror = &::curl_easy_strerror;
        table.slist_append = &::curl_slist_append;
        table.slist_free_all = &::curl_slist_free_all;
        table.url = &::curl_url;
        table.url_set = &::curl_url_set;
        table.url_get = &::curl_url_get;
        table.url_cleanup = &::curl_url_cleanup;
        table.free = &::curl_free;
        table.mime_init = &::curl_mime_init;
        table.mime_addpart = &::curl_mime_addpart;
        table.mime_name = &::curl_mime_name;
        table.mime_data = &::curl_mime_data;
        table.mime_filename = &::curl_mime_filename;
        table.mime_type = &::curl_mime_type;
        table.mime_free = &::curl_mime_free;
        table.multi_init = &::curl_multi_init;
        table.multi_cleanup = &::curl_multi_cleanup;
        table.multi_setopt = &::curl_multi_setopt;
        table.multi_add_handle = &::curl_multi_add_handle;
        table.multi_remove_handle = &::curl_multi_remove_handle;
        table.multi_perform = &::curl_multi_perform;
        table.multi_poll = &::curl_multi_poll;
        table.multi_info_read = &::curl_multi_info_read;
        table.multi_fdset = &::curl_multi_fdset;
        table.multi_timeout = &::curl_multi_timeout;
        if (CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT); code != CURLE_OK)
            throw Error(ErrorKind::internal,
                        std::string("cannot initialise libcurl: ") + curl_easy_strerror(code));
        return table;
    }();
    return api;
}

void apply_tls(const CurlApi& api, CURL* curl, const TlsOptions& tls) {
    if (tls.insecure) {
        api.easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
        api.easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
    } else {
        api.easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
        api.easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    }
    if (!tls.ca_file.empty()) api.easy_setopt(curl, CURLOPT_CAINFO, tls.ca_file.c_str());
}

}  // namespace mps::net

namespace mps {

TlsOptions tls_options_from(const Environment& env, bool insecure) {
    TlsOptions tls;
    tls.insecure = insecure;
    for (const char* name : {"MPSUPPORT_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"})
        if (auto value = env.get(name)) {
            tls.ca_file = *value;
            break;
        }
    return tls;
}

}  // namespace mps
