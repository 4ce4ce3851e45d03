// The plugin lib/mpsupport/mpsupport-curl.so (see util/plugin.hpp): the only object linked with
// libcurl. Built apart from core; no C++ run time used (nothing to throw across the boundary).
#include <cstddef>

#include "net/curl_global.hpp"

extern "C" __attribute__((visibility("default"))) const mps::net::CurlApi* mpsupport_curl_api(
    std::size_t table_size) {
#define MPS_CURL_ADDRESS(member, function) &::function,
    static const mps::net::CurlApi table = {MPS_CURL_FUNCTIONS(MPS_CURL_ADDRESS)};
#undef MPS_CURL_ADDRESS
    return table_size == sizeof table ? &table : nullptr;
}
