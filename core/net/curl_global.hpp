#pragma once
// Private to core/net: libcurl, linked normally (the Debian package declares it through
// dpkg-shlibdeps); calls go through curl_api(), which initialises it once on first use.
#include <curl/curl.h>

#include "net/tls_options.hpp"

namespace mps::net {

struct CurlApi {
    decltype(&::curl_global_init) global_init;
    decltype(&::curl_easy_init) easy_init;
    decltype(&::curl_easy_cleanup) easy_cleanup;
    decltype(&::curl_easy_reset) easy_reset;
    decltype(&::curl_easy_setopt) easy_setopt;
    decltype(&::curl_easy_perform) easy_perform;
    decltype(&::curl_easy_getinfo) easy_getinfo;
    decltype(&::curl_easy_strerror) easy_strerror;
    decltype(&::curl_slist_append) slist_append;
    decltype(&::curl_slist_free_all) slist_free_all;
    decltype(&::curl_url) url;
    decltype(&::curl_url_set) url_set;
    decltype(&::curl_url_get) url_get;
    decltype(&::curl_url_cleanup) url_cleanup;
    decltype(&::curl_free) free;
    decltype(&::curl_mime_init) mime_init;
    decltype(&::curl_mime_addpart) mime_addpart;
    decltype(&::curl_mime_name) mime_name;
    decltype(&::curl_mime_data) mime_data;
    decltype(&::curl_mime_filename) mime_filename;
    decltype(&::curl_mime_type) mime_type;
    decltype(&::curl_mime_free) mime_free;
    // curl_multi (the FTP client keeps several transfers in flight)
    decltype(&::curl_multi_init) multi_init;
    decltype(&::curl_multi_cleanup) multi_cleanup;
    decltype(&::curl_multi_setopt) multi_setopt;
    decltype(&::curl_multi_add_handle) multi_add_handle;
    decltype(&::curl_multi_remove_handle) multi_remove_handle;
    decltype(&::curl_multi_perform) multi_perform;
    decltype(&::curl_multi_poll) multi_poll;
    decltype(&::curl_multi_info_read) multi_info_read;
    decltype(&::curl_multi_fdset) multi_fdset;
    decltype(&::curl_multi_timeout) multi_timeout;
};

// curl_api: libcurl's functions, globally initialised once per process (on first use).
// Throws Error(internal) when curl_global_init fails.
const CurlApi& curl_api();

// apply_tls: certificate verification (or not, with --insecure) and the CA bundle to trust.
void apply_tls(const CurlApi& api, CURL* curl, const TlsOptions& tls);

}  // namespace mps::net
