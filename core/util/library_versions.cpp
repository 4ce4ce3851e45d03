#include "util/library_versions.hpp"

#include <archive.h>
#include <curl/curlver.h>
#include <libssh2.h>
#include <openssl/crypto.h>
#include <sqlite3.h>

namespace mps {

std::vector<std::pair<std::string, std::string>> library_versions() {
    std::string archive = archive_version_string();  // "libarchive 3.6.2"
    if (archive.rfind("libarchive ", 0) == 0) archive = archive.substr(11);
    std::string openssl = OpenSSL_version(OPENSSL_VERSION);  // "OpenSSL 3.0.x 1 Jan 2024"
    if (openssl.rfind("OpenSSL ", 0) == 0) openssl = openssl.substr(8);
    if (auto space = openssl.find(' '); space != std::string::npos) openssl.resize(space);
    const char* ssh2 = libssh2_version(0);
    return {{"libcurl", LIBCURL_VERSION},
            {"libssh2", ssh2 ? ssh2 : ""},
            {"sqlite", sqlite3_libversion()},
            {"libarchive", archive},
            {"openssl", openssl}};
}

}  // namespace mps
