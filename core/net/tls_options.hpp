#pragma once
// How TLS peers are verified, for every libcurl transfer (HTTP and SMTP).
#include <string>

namespace mps {

class Environment;

struct TlsOptions {
    bool insecure =
        false;  // --insecure: no certificate or host-name verification (reported loudly)
    std::string
        ca_file;  // a CA bundle to trust instead of the system's (SSL_CERT_FILE, CURL_CA_BUNDLE)
};

// tls_options_from: `insecure` plus the CA bundle named by MPSUPPORT_CA_BUNDLE, CURL_CA_BUNDLE
// or SSL_CERT_FILE (first set wins), as curl(1) and OpenSSL users expect.
TlsOptions tls_options_from(const Environment& env, bool insecure);

}  // namespace mps
