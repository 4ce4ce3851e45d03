#pragma once
// Private to core/net: libcurl, linked into the plugin lib/mpsupport/mpsupport-curl.so (see
// util/plugin.hpp); calls go through curl_api(), which loads the plugin and initialises libcurl
// once, on first use.
#include <curl/curl.h>

#include "net/tls_options.hpp"

namespace mps::net {

// The libcurl functions mpsupport calls, as (member, function) pairs: the plugin fills the
// table with them (net/curl_plugin.cpp), call sites use the members.
#define MPS_CURL_FUNCTIONS(X)                        \
    X(global_init, curl_global_init)                 \
    X(easy_init, curl_easy_init)                     \
    X(easy_cleanup, curl_easy_cleanup)               \
    X(easy_reset, curl_easy_reset)                   \
    X(easy_setopt, curl_easy_setopt)                 \
    X(easy_perform, curl_easy_perform)               \
    X(easy_getinfo, curl_easy_getinfo)               \
    X(easy_strerror, curl_easy_strerror)             \
    X(slist_append, curl_slist_append)               \
    X(slist_free_all, curl_slist_free_all)           \
    X(url, curl_url)                                 \
    X(url_set, curl_url_set)                         \
    X(url_get, curl_url_get)                         \
    X(url_cleanup, curl_url_cleanup)                 \
    X(free, curl_free)                               \
    X(mime_init, curl_mime_init)                     \
    X(mime_addpart, curl_mime_addpart)               \
    X(mime_name, curl_mime_name)                     \
    X(mime_data, curl_mime_data)                     \
    X(mime_filename, curl_mime_filename)             \
    X(mime_type, curl_mime_type)                     \
    X(mime_free, curl_mime_free)                     \
    X(multi_init, curl_multi_init)                   \
    X(multi_cleanup, curl_multi_cleanup)             \
    X(multi_setopt, curl_multi_setopt)               \
    X(multi_add_handle, curl_multi_add_handle)       \
    X(multi_remove_handle, curl_multi_remove_handle) \
    X(multi_perform, curl_multi_perform)             \
    X(multi_poll, curl_multi_poll)                   \
    X(multi_info_read, curl_multi_info_read)         \
    X(multi_fdset, curl_multi_fdset)                 \
    X(multi_timeout, curl_multi_timeout)             \
    X(version_info, curl_version_info)

struct CurlApi {
#define MPS_CURL_MEMBER(member, function) decltype(&::function) member;
    MPS_CURL_FUNCTIONS(MPS_CURL_MEMBER)
#undef MPS_CURL_MEMBER
};

// curl_api: libcurl's functions, loaded and globally initialised once per process (on first
// use). Throws Error(internal) when the plugin cannot load or curl_global_init fails.
const CurlApi& curl_api();

// apply_tls: certificate verification (or not, with --insecure) and the CA bundle to trust.
void apply_tls(const CurlApi& api, CURL* curl, const TlsOptions& tls);

}  // namespace mps::net
