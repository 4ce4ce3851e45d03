#include "net/curl_global.hpp"

#include <dlfcn.h>

#include <mutex>
#include <string>

#include "util/environment.hpp"
#include "util/error.hpp"

namespace mps::net {
namespace {

template <typename T>
void load(void* library, const char* name, T& out, std::string& missing) {
    out = reinterpret_cast<T>(dlsym(library, name));
    if (!out) missing += std::string(missing.empty() ? "" : ", ") + name;
}

}  // namespace

const CurlApi& curl_api() {
    static CurlApi api{};
    static std::string failure;
    static std::once_flag once;
    std::call_once(once, [] {
        void* library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
        if (!library) {
            const char* why = dlerror();
            failure = why ? why : "dlopen failed";
            return;
        }
        std::string missing;
        load(library, "curl_global_init", api.global_init, missing);
        load(library, "curl_easy_init", api.easy_init, missing);
        load(library, "curl_easy_cleanup", api.easy_cleanup, missing);
        load(library, "curl_easy_reset", api.easy_reset, missing);
        load(library, "curl_easy_setopt", api.easy_setopt, missing);
        load(library, "curl_easy_perform", api.easy_perform, missing);
        load(library, "curl_easy_getinfo", api.easy_getinfo, missing);
        load(library, "curl_easy_strerror", api.easy_strerror, missing);
        load(library, "curl_slist_append", api.slist_append, missing);
        load(library, "curl_slist_free_all", api.slist_free_all, missing);
        load(library, "curl_url", api.url, missing);
        load(library, "curl_url_set", api.url_set, missing);
        load(library, "curl_url_get", api.url_get, missing);
        load(library, "curl_url_cleanup", api.url_cleanup, missing);
        load(library, "curl_free", api.free, missing);
        load(library, "curl_mime_init", api.mime_init, missing);
        load(library, "curl_mime_addpart", api.mime_addpart, missing);
        load(library, "curl_mime_name", api.mime_name, missing);
        load(library, "curl_mime_data", api.mime_data, missing);
        load(library, "curl_mime_filename", api.mime_filename, missing);
        load(library, "curl_mime_type", api.mime_type, missing);
        load(library, "curl_mime_free", api.mime_free, missing);
        load(library, "curl_multi_init", api.multi_init, missing);
        load(library, "curl_multi_cleanup", api.multi_cleanup, missing);
        load(library, "curl_multi_setopt", api.multi_setopt, missing);
        load(library, "curl_multi_add_handle", api.multi_add_handle, missing);
        load(library, "curl_multi_remove_handle", api.multi_remove_handle, missing);
        load(library, "curl_multi_perform", api.multi_perform, missing);
        load(library, "curl_multi_poll", api.multi_poll, missing);
        load(library, "curl_multi_info_read", api.multi_info_read, missing);
        load(library, "curl_multi_fdset", api.multi_fdset, missing);
        load(library, "curl_multi_timeout", api.multi_timeout, missing);
        if (!missing.empty()) {
            failure = "libcurl.so.4 lacks " + missing;
            return;
        }
        api.global_init(CURL_GLOBAL_DEFAULT);
    });
    if (!failure.empty())
        throw Error(ErrorKind::usage, "cannot load libcurl: " + failure,
                    "install libcurl4 (Debian: apt-get install libcurl4)");
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
