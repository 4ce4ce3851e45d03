// The plugin lib/mpsupport/mpsupport-curl.so (see util/plugin.hpp): the only object linked with
// libcurl. Built apart from core; no C++ run time used (nothing to throw across the boundary).
#include <cstddef>

#include "net/curl_global.hpp"
#include "util/plugin.hpp"

#define MPS_CURL_ADDRESS(member, function) &::function,
MPS_PLUGIN_TABLE(mpsupport_curl_api, mps::net::CurlApi, MPS_CURL_FUNCTIONS, MPS_CURL_ADDRESS)
