#include "net/curl_global.hpp"

#include <string>

#include "util/environment.hpp"
#include "util/error.hpp"
#include "util/plugin.hpp"

namespace mps::net {

const CurlApi& curl_api() {
    // Loaded on first use (util/plugin.hpp); curl_global_init runs once, before any handle.
    static const CurlApi& api = []() -> const CurlApi& {
        const auto& table = loaded_plugin<CurlApi>("mpsupport-curl.so", "mpsupport_curl_api");
        if (CURLcode code = table.global_init(CURL_GLOBAL_DEFAULT); code != CURLE_OK)
            throw Error(ErrorKind::internal,
                        std::string("cannot initialise libcurl: ") + table.easy_strerror(code));
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
