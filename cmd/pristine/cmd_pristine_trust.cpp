// mpsupport pristine keygen|sign|fetch|import-core: the vendor as the root of trust for
// pristine releases, and PrestaShop's core checksum lists.
#include <CLI/CLI.hpp>

#include <ostream>

#include "integrity/core_checksums.hpp"
#include "integrity/signature.hpp"
#include "pristine_fetch.hpp"
#include "render.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/iso_time.hpp"
#include "util/text.hpp"

namespace fs = std::filesystem;

namespace mpscli {
namespace {

std::string default_key_file(Context& ctx) {
    return (ctx.paths().data_dir / "keys" / "release-signing.key").string();
}

int run_keygen(Context& ctx, std::string key_file) {
    if (key_file.empty()) key_file = default_key_file(ctx);
    mps::NewSigningKey key = mps::write_new_signing_key(key_file);
    if (ctx.globals.json)
        return emit_json(ctx, {{"schema", "mpsupport.pristine/1"},
                               {"action", "keygen"},
                               {"private_key_file", key.private_file.string()},
                               {"public_key_file", key.public_file.string()},
                               {"public_key", key.public_key}});
    ctx.out << "wrote a new Ed25519 release-signing key\n"
            << "  private key  " << key.private_file.string()
            << "  (mode 0600: keep it secret, back it up)\n"
            << "  public key   " << key.public_file.string() << "\n\n"
            << "Publish the public key; customers pin it in their config:\n\n"
            << "  [vendor]\n  public_key = \"" << key.public_key << "\"\n";
    return 0;
}

int run_sign(Context& ctx, const std::string& archive, std::string key_file) {
    if (key_file.empty()) key_file = default_key_file(ctx);
    std::error_code ec;
    if (!fs::is_regular_file(archive, ec))
        throw mps::Error(mps::ErrorKind::usage, "cannot read " + archive + ": not a file",
                         "give the release .zip to sign");
    std::string bytes = mps::read_file(archive);
    if (bytes.compare(0, 4, "PK\x03\x04") != 0)
        throw mps::Error(mps::ErrorKind::usage, archive + " is not a zip archive",
                         "sign the release .zip itself");
    std::string signature = mps::sign_bytes(key_file, bytes);
    std::string public_key = mps::public_key_of_file(key_file);
    if (mps::check_signature(public_key, bytes, signature) != mps::SignatureCheck::valid)
        throw mps::Error(mps::ErrorKind::internal, "the signature just made does not verify");
    std::string sig_file = archive + ".sig";
    mps::write_file_atomic(sig_file, signature);
    if (ctx.globals.json)
        return emit_json(ctx, {{"schema", "mpsupport.pristine/1"},
                               {"action", "sign"},
                               {"archive", archive},
                               {"signature_file", sig_file},
                               {"public_key", public_key}});
    ctx.out << "signed " << archive << " -> " << sig_file << " (key " << public_key << ")\n";
    return 0;
}

struct ImportCoreFlags {
    std::string file;
    std::string url;
};

int run_import_core(Context& ctx, const ImportCoreFlags& flags) {
    if (flags.file.empty() == flags.url.empty())
        throw mps::Error(mps::ErrorKind::usage,
                         "pristine import-core needs a FILE.xml or --url URL (one of them)",
                         "for example: mpsupport pristine import-core --url "
                         "https://api.prestashop.com/xml/md5-8/8.2.0.xml");
    std::string xml, origin;
    if (!flags.file.empty()) {
        origin = flags.file;
        std::error_code ec;
        if (!fs::is_regular_file(flags.file, ec))
            throw mps::Error(mps::ErrorKind::usage, "cannot read " + flags.file + ": not a file",
                             "give PrestaShop's checksum XML for the release");
        if (fs::file_size(flags.file, ec) > mps::CoreXmlLimits{}.max_bytes)
            throw mps::Error(mps::ErrorKind::usage,
                             flags.file + " is too large for a checksum list",
                             "give PrestaShop's checksum XML for the release");
        xml = mps::read_file(flags.file);
    } else {
        origin = flags.url;
        xml = mps::download_core_checksum_xml(flags.url, fetch_settings(ctx));
    }
    mps::CoreChecksumList list = mps::parse_core_checksum_xml(xml, origin);
    list.source = origin;
    list.imported_at = mps::iso_utc(ctx.now());
    mps::PristineStore store(ctx.paths().pristine_dir());
    mps::CoreListStore lists(store.core_lists_dir());
    mps::CoreImportOutcome outcome = lists.save(list);
    const char* name = outcome == mps::CoreImportOutcome::added      ? "added"
                       : outcome == mps::CoreImportOutcome::replaced ? "replaced"
                                                                     : "unchanged";
    if (ctx.globals.json)
        return emit_json(
            ctx, {{"schema", "mpsupport.pristine/1"},
                  {"action", "import-core"},
                  {"outcome", name},
                  {"core_list",
                   {{"version", list.version}, {"files", list.files.size()}, {"source", origin}}}});
    if (outcome == mps::CoreImportOutcome::unchanged)
        ctx.out << "the checksum list of PrestaShop " << list.version
                << " is already stored; nothing changed\n";
    else
        ctx.out << name << " the checksum list of PrestaShop " << list.version << ": "
                << list.files.size() << " files (from " << origin << ")\n";
    return 0;
}

int run_fetch(Context& ctx, const std::string& module, const std::string& version) {
    mps::PristineStore store(ctx.paths().pristine_dir());
    mps::FetchResult result = mps::fetch_release(store, module, version, fetch_settings(ctx));
    const auto& m = result.added.manifest;
    const char* outcome = !result.downloaded                                  ? "already-present"
                          : result.added.outcome == mps::AddOutcome::replaced ? "replaced"
                                                                              : "added";
    if (ctx.globals.json) {
        nlohmann::json doc = {{"schema", "mpsupport.pristine/1"},
                              {"action", "fetch"},
                              {"outcome", outcome},
                              {"url", result.url},
                              {"release",
                               {{"module", m.module},
                                {"version", m.version},
                                {"files", m.files.size()},
                                {"digest", m.digest},
                                {"source", m.source}}}};
        if (result.downloaded) {
            doc["archive_sha256"] = result.archive_sha256;
            doc["signature"] = "valid";
        }
        return emit_json(ctx, doc);
    }
    if (!result.downloaded)
        ctx.out << m.module << " " << m.version << " is already stored; nothing fetched\n";
    else
        ctx.out << "fetched " << m.module << " " << m.version << " from " << result.url
                << ": signature valid, " << m.files.size() << " files stored\n";
    return 0;
}

}  // namespace

mps::FetchSettings fetch_settings(Context& ctx) {
    mps::FetchSettings settings;
    settings.manifest_url = ctx.config().vendor.manifest_url;
    settings.public_key = ctx.config().vendor.public_key;
    settings.timeout_seconds = ctx.globals.timeout;
    settings.tls = ctx.tls();
    settings.now = ctx.now();
    settings.progress = ctx.progress_reporter();
    return settings;
}

mps::ReleaseFetcher release_fetcher(Context& ctx, bool no_fetch) {
    if (no_fetch || ctx.config().vendor.manifest_url.empty()) return {};
    // Runs in diagnose's worker threads: it holds copies of what it needs and reports through
    // the thread-safe progress line (its download task), or Context::progress without one.
    auto settings = fetch_settings(ctx);
    auto pristine_dir = ctx.paths().pristine_dir();
    return [&ctx, settings, pristine_dir](const std::string& module, const std::string& version) {
        mps::PristineStore store(pristine_dir);
        if (!settings.progress)
            ctx.progress("fetching " + mps::printable(module) + " " + mps::printable(version) +
                         " from the vendor...");
        mps::ensure_pristine_release(store, module, version, settings);
    };
}

void add_pristine_trust_commands(CLI::App& pristine, Context& ctx, std::function<int()>& action) {
    auto keygen_key = std::make_shared<std::string>();
    auto* keygen =
        pristine.add_subcommand("keygen", "Vendor: write a new Ed25519 release-signing key pair");
    keygen->add_option(
        "--key", *keygen_key,
        "Private key file to create (default: $XDG_DATA_HOME/mpsupport/keys/release-signing.key)");
    keygen->final_callback([&ctx, &action, keygen_key] {
        action = [&ctx, keygen_key] { return run_keygen(ctx, *keygen_key); };
    });

    auto sign = std::make_shared<std::pair<std::string, std::string>>();
    auto* sign_cmd =
        pristine.add_subcommand("sign", "Vendor: write RELEASE.zip.sig, a detached signature");
    sign_cmd->add_option("RELEASE", sign->first, "Release .zip to sign")->required();
    sign_cmd->add_option("--key", sign->second,
                         "Private key file (default: the one pristine keygen writes)");
    sign_cmd->final_callback([&ctx, &action, sign] {
        action = [&ctx, sign] { return run_sign(ctx, sign->first, sign->second); };
    });

    auto fetch = std::make_shared<std::pair<std::string, std::string>>();
    auto* fetch_cmd =
        pristine.add_subcommand("fetch", "Download a signed release from [vendor] manifest_url");
    fetch_cmd->add_option("MODULE", fetch->first, "Module name")->required();
    fetch_cmd->add_option("VERSION", fetch->second, "Version")->required();
    fetch_cmd->final_callback([&ctx, &action, fetch] {
        action = [&ctx, fetch] { return run_fetch(ctx, fetch->first, fetch->second); };
    });

    auto core = std::make_shared<ImportCoreFlags>();
    auto* core_cmd = pristine.add_subcommand("import-core",
                                             "Import PrestaShop's checksum list of its core files");
    core_cmd->add_option("FILE", core->file, "Checksum XML (PrestaShop's /xml/md5 format)");
    core_cmd->add_option("--url", core->url, "Download the checksum XML from this URL instead");
    core_cmd->final_callback(
        [&ctx, &action, core] { action = [&ctx, core] { return run_import_core(ctx, *core); }; });
}

}  // namespace mpscli
