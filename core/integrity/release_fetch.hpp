#pragma once
// `pristine fetch`: a vendor-signed release downloaded from [vendor] manifest_url, its detached
// Ed25519 signature checked against [vendor] public_key before anything is stored, then added
// to the pristine store like `pristine add`. The verified archive and its signature are kept in
// the store's archives/ folder, named by the archive's SHA-256.
//
// Entry point for verify and diagnose: ensure_pristine_release(store, module, version, settings).
#include <chrono>
#include <string>

#include "integrity/pristine_store.hpp"
#include "net/tls_options.hpp"
#include "util/progress.hpp"

namespace mps {

struct FetchSettings {
    std::string manifest_url;   // [vendor] manifest_url: template with {module} and {version}
    std::string public_key;     // [vendor] public_key: "ed25519:<base64>"
    long timeout_seconds = 30;  // each download
    TlsOptions tls;             // --insecure, MPSUPPORT_CA_BUNDLE
    std::chrono::system_clock::time_point now;
    Progress* progress = nullptr;  // bytes of the release archive as they arrive
};

// release_url: `url_template` with {module} and {version} replaced (percent-encoded).
// Error(usage) for a bad module name or version, or a template without both placeholders.
std::string release_url(const std::string& url_template, const std::string& module,
                        const std::string& version);

struct FetchResult {
    AddResult added;
    std::string url;             // where the archive came from
    std::string archive_sha256;  // digest of the verified archive
    bool downloaded = false;     // false: the release was already stored, nothing fetched
};

// fetch_release: download, verify, store. Errors: usage (2) without manifest_url or with the
// placeholder/invalid public key; not_found (6) when the archive is not there (HTTP 404/410);
// auth (5) for a missing, malformed or non-matching signature, or a signed archive of another
// release; unreachable (4) for network errors, HTTP 5xx and answers that are not a zip. On any
// error nothing is stored.
FetchResult fetch_release(const PristineStore& store, const std::string& module,
                          const std::string& version, const FetchSettings& settings);

// download_core_checksum_xml: PrestaShop's checksum list of a release from `url` (redirects
// followed; the caller parses it strictly). Errors: not_found (6) for HTTP 404/410 (no list
// for that release), unreachable (4) for network errors and any other status but 200.
std::string download_core_checksum_xml(const std::string& url, const FetchSettings& settings);

// ensure_pristine_release: fetch `module` `version` when it is missing and a manifest_url is
// configured; returns true when it is stored afterwards. Errors as fetch_release.
bool ensure_pristine_release(const PristineStore& store, const std::string& module,
                             const std::string& version, const FetchSettings& settings);

}  // namespace mps
