#include "net/curl_global.hpp"

#include <dlfcn.h>

#include <mutex>
#include <string>

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
        if (!missing.empty()) {
            failure = "libcurl.so.4 lacks " + missing;
            return;
        }
        api.global_init(CURL_GLOBAL_DEFAULT);
    });
    if (!failure.empty())
        throw Error(ErrorKind::internal, "cannot load libcurl: " + failure,
                    "install libcurl4 (Debian: apt-get install libcurl4)");
    return api;
}

}  // namespace mps::net
