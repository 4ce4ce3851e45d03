#include "util/library_versions.hpp"

#include <libssh2.h>
#include <openssl/crypto.h>
#include <sqlite3.h>
#include <zlib.h>

#include "net/curl_global.hpp"

namespace mps {

std::vector<std::pair<std::string, std::string>> library_versions() {
    std::string openssl = OpenSSL_version(OPENSSL_VERSION);  // "OpenSSL 3.0.x 1 Jan 2024"
    if (openssl.rfind("OpenSSL ", 0) == 0) openssl = openssl.substr(8);
    if (auto space = openssl.find(' '); space != std::string::npos) openssl.resize(space);
    const char* ssh2 = libssh2_version(0);
    // The libraries loaded at run time (a Debian upgrade changes them without a rebuild).
    const curl_version_info_data* curl = net::curl_api().version_info(CURLVERSION_NOW);
    return {{"libcurl", curl && curl->version ? curl->version : LIBCURL_VERSION},
            {"libssh2", ssh2 ? ssh2 : ""},
            {"sqlite", sqlite3_libversion()},
            {"zlib", zlibVersion()},
            {"openssl", openssl}};
}

}  // namespace mps
