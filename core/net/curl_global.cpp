#include "net/curl_global.hpp"

#include <curl/curl.h>

#include <mutex>

namespace mps::net {
void ensure_curl_initialized() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}
}  // namespace mps::net
