#include "integrity/release_fetch.hpp"

#include "integrity/module_info.hpp"
#include "integrity/signature.hpp"
#include "net/http.hpp"
#include "net/url.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"
#include "util/sha256.hpp"

namespace fs = std::filesystem;

namespace mps {
namespace {

// TempFile: a file under the store's tmp/ removed whatever happens.
struct TempFile {
    fs::path path;
    ~TempFile() {
        std::error_code ec;
        if (!path.empty()) fs::remove(path, ec);
    }
};

// get_following_redirects: GET `request.url`, following up to `max_hops` redirects (any answer
// is checked afterwards: the signature for releases, the strict parser for checksum lists).
HttpResponse get_following_redirects(HttpRequest request, int max_hops = 5) {
    request.method = "GET";
    for (int hop = 0;; ++hop) {
        HttpResponse response = http_request(request);
        bool redirect = response.status == 301 || response.status == 302 ||
                        response.status == 303 || response.status == 307 || response.status == 308;
        if (!redirect || response.redirect_url.empty()) return response;
        if (hop >= max_hops)
            throw Error(ErrorKind::unreachable,
                        host_of(request.url) + " redirects more than " + std::to_string(max_hops) +
                            " times",
                        "check the URL");
        log::debug("{} redirects to {}", request.url, response.redirect_url);
        request.url = response.redirect_url;
    }
}

HttpResponse download(const FetchSettings& settings, const std::string& url,
                      std::string hint =
                          "check [vendor] manifest_url and the network, then try "
                          "again",
                      Progress* progress = nullptr) {
    HttpRequest request;
    request.progress = progress;
    request.url = url;
    request.timeout_seconds = settings.timeout_seconds;
    request.tls = settings.tls;
    request.hint = std::move(hint);
    return get_following_redirects(request);
}

bool looks_like_html(const HttpResponse& response) {
    return response.content_type.find("html") != std::string::npos ||
           response.body.find("<html") != std::string::npos ||
           response.body.find("<HTML") != std::string::npos ||
           response.body.find("<!DOCTYPE") != std::string::npos ||
           response.body.find("<!doctype") != std::string::npos;
}

void check_settings(const FetchSettings& settings) {
    if (settings.manifest_url.empty())
        throw Error(ErrorKind::usage,
                    "no [vendor] manifest_url is configured: nowhere to fetch releases from",
                    "set [vendor] manifest_url (a URL with {module} and {version}) in the config, "
                    "or add the "
                    "release with 'mpsupport pristine add RELEASE.zip'");
    if (is_placeholder_public_key(settings.public_key))
        throw Error(ErrorKind::usage,
                    "[vendor] public_key is not set (the placeholder verifies nothing)",
                    "set [vendor] public_key to the vendor's release-signing key (\"ed25519:...\") "
                    "in the config");
    if (!is_valid_public_key(settings.public_key))
        throw Error(ErrorKind::usage,
                    "[vendor] public_key is not an Ed25519 public key (\"ed25519:<base64>\")",
                    "copy the line the vendor publishes (printed by 'mpsupport pristine keygen')");
}

}  // namespace

std::string download_core_checksum_xml(const std::string& url, const FetchSettings& settings) {
    HttpResponse response = download(
        settings, url, "check the URL and the network, or download the file and import it");
    if (response.status == 404 || response.status == 410)
        throw Error(
            ErrorKind::not_found,
            "no checksum list at " + url + " (HTTP " + std::to_string(response.status) + ")",
            "PrestaShop does not publish a list for every release; check the version in "
            "the URL");
    if (response.status != 200)
        throw Error(ErrorKind::unreachable,
                    "HTTP " + std::to_string(response.status) + " for " + url,
                    "try again later, or download the file and import it");
    return std::move(response.body);
}

std::string release_url(const std::string& url_template, const std::string& module,
                        const std::string& version) {
    if (!is_valid_module_name(module))
        throw Error(ErrorKind::usage, "'" + module + "' is not a module name",
                    "use the module folder name");
    if (!is_valid_version(version))
        throw Error(ErrorKind::usage, "'" + version + "' is not a version",
                    "give a version such as 1.2.3");
    if (url_template.find("{module}") == std::string::npos ||
        url_template.find("{version}") == std::string::npos)
        throw Error(ErrorKind::usage,
                    "[vendor] manifest_url must hold {module} and {version}: " + url_template,
                    "for example https://vendor.example/releases/{module}/{module}-{version}.zip");
    if (url_template.rfind("https://", 0) != 0 && url_template.rfind("http://", 0) != 0)
        throw Error(ErrorKind::usage,
                    "[vendor] manifest_url is not an http(s) URL: " + url_template,
                    "use an https:// URL");
    std::string url;
    for (std::size_t i = 0; i < url_template.size();) {
        if (url_template.compare(i, 8, "{module}") == 0) {
            url += url_encode(module);
            i += 8;
        } else if (url_template.compare(i, 9, "{version}") == 0) {
            url += url_encode(version);
            i += 9;
        } else {
            url += url_template[i++];
        }
    }
    return url;
}

FetchResult fetch_release(const PristineStore& store, const std::string& module,
                          const std::string& version, const FetchSettings& settings) {
    check_settings(settings);
    FetchResult result;
    result.url = release_url(settings.manifest_url, module, version);
    if (auto stored = store.load(module, version)) {
        result.added = AddResult{AddOutcome::already_present, *stored, 0};
        return result;
    }
    std::string host = host_of(result.url);
    std::string sig_url = result.url + ".sig";

    HttpResponse zip;
    {
        ProgressTask task(settings.progress, "download " + module + " " + version, "");
        zip = download(settings, result.url,
                       "check [vendor] manifest_url and the network, then try again",
                       settings.progress);
    }
    if (zip.status == 404 || zip.status == 410)
        throw Error(ErrorKind::not_found,
                    "no release " + module + " " + version + " at " + result.url + " (HTTP " +
                        std::to_string(zip.status) + ")",
                    "check the module name and version, or ask the vendor whether this release is "
                    "published");
    if (zip.status != 200)
        throw Error(ErrorKind::unreachable,
                    host + " answered HTTP " + std::to_string(zip.status) + " for " + result.url,
                    zip.status >= 500 ? "the vendor's server has a problem: try again later"
                                      : "check [vendor] manifest_url");
    if (zip.body.compare(0, 4, "PK\x03\x04") != 0)
        throw Error(ErrorKind::unreachable,
                    host + " answered " +
                        (looks_like_html(zip) ? "an HTML page" : "something that is not a zip") +
                        " instead of the release archive at " + result.url,
                    "check [vendor] manifest_url; the server may show an error or login page");

    HttpResponse sig = download(settings, sig_url);
    if (sig.status == 404 || sig.status == 410)
        throw Error(ErrorKind::auth,
                    "the release " + result.url + " has no signature (HTTP " +
                        std::to_string(sig.status) + " for " + sig_url + "); nothing stored",
                    "an unsigned archive is never trusted: ask the vendor to publish " + sig_url);
    if (sig.status != 200)
        throw Error(ErrorKind::unreachable,
                    host + " answered HTTP " + std::to_string(sig.status) + " for " + sig_url,
                    sig.status >= 500 ? "the vendor's server has a problem: try again later"
                                      : "check [vendor] manifest_url");
    switch (check_signature(settings.public_key, zip.body, sig.body)) {
        case SignatureCheck::valid:
            break;
        case SignatureCheck::malformed:
            throw Error(
                ErrorKind::auth,
                sig_url + " is not a signature" + (looks_like_html(sig) ? " (an HTML page)" : "") +
                    "; nothing stored",
                "a release is stored only with a valid Ed25519 signature by [vendor] public_key");
        case SignatureCheck::mismatch:
            throw Error(ErrorKind::auth,
                        "bad signature: " + result.url +
                            " was altered or signed by another key than [vendor] public_key; "
                            "nothing stored",
                        "do not use this archive; tell the vendor (and check [vendor] public_key)");
    }
    result.archive_sha256 = sha256_hex(zip.body);
    log::info("{}: signature valid (archive sha256 {})", result.url, result.archive_sha256);

    // Verified: stage the archive and add it like `pristine add`.
    ensure_directory(store.root() / "tmp");
    TempFile staged{store.root() / "tmp" / ("fetch-" + unique_suffix() + ".zip")};
    write_file_atomic(staged.path, zip.body, 0600);
    AddOptions options;
    options.now = settings.now;
    options.expect_module = module;
    options.expect_version = version;
    options.source_label = result.url;
    result.added = PristineStore(store.root()).add(staged.path, options);
    result.downloaded = true;

    // Keep the verified archive and its signature, named by the archive's digest.
    fs::path cached = store.root() / "archives" / result.archive_sha256.substr(0, 2) /
                      (result.archive_sha256 + ".zip");
    std::error_code ec;
    if (!fs::exists(cached, ec)) {
        ensure_directory(cached.parent_path());
        write_file_atomic(fs::path(cached.string() + ".sig"), sig.body);
        fs::rename(staged.path, cached, ec);
        if (ec)
            log::warn("cannot keep the archive in {}: {}", cached.string(), ec.message());
        else
            staged.path.clear();
    }
    return result;
}

bool ensure_pristine_release(const PristineStore& store, const std::string& module,
                             const std::string& version, const FetchSettings& settings) {
    if (store.has(module, version)) return true;
    if (settings.manifest_url.empty()) return false;
    log::info("{} {} is not stored: fetching it from the vendor", module, version);
    fetch_release(store, module, version, settings);
    return store.has(module, version);
}

}  // namespace mps
