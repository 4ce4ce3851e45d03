// mpsupport diagnose [STORE]: storefront, admin, files and logs checks at once, doctor output,
// and the support bundle.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <sstream>

#include "commands.hpp"
#include "diagnose/diagnose.hpp"
#include "diagnose_bundle.hpp"
#include "ftp_flags.hpp"
#include "net/url.hpp"
#include "pristine_fetch.hpp"
#include "render.hpp"
#include "ssh_flags.hpp"
#include "util/fs.hpp"
#include "util/iso_time.hpp"
#include "util/text.hpp"

namespace mpscli {
namespace {

struct DiagnoseFlags {
    std::string store;
    std::string url;
    std::string admin;
    std::string files;
    std::vector<std::string> modules;
    bool all_modules = false;
    std::vector<std::string> only;
    std::string bundle;
    std::string order;
    std::string admin_email;
    int log_tail_kib = 256;
    bool list_checks = false;
    bool no_fetch = false;
    SshFlags ssh;
    FtpFlags ftp;
};

int list_checks(Context& ctx) {
    if (ctx.globals.json) {
        nlohmann::json checks = nlohmann::json::array();
        for (const auto& info : mps::check_catalog()) {
            nlohmann::json needs = nlohmann::json::array();
            for (auto need : info.needs) needs.push_back(mps::need_name(need));
            checks.push_back({{"id", info.id},
                              {"group", info.group},
                              {"needs", needs},
                              {"depends_on", info.depends_on},
                              {"summary", info.summary}});
        }
        return emit_json(ctx, {{"schema", "mpsupport.diagnose-checks/1"}, {"checks", checks}});
    }
    std::size_t width = 0;
    for (const auto& info : mps::check_catalog()) width = std::max(width, info.id.size());
    for (const auto& info : mps::check_catalog()) {
        std::string id = info.id;
        id.resize(width + 2, ' ');
        ctx.out << id << info.summary << "\n";
    }
    return 0;
}

// request_from: flags over the store profile's fields.
mps::DiagnoseRequest request_from(Context& ctx, const DiagnoseFlags& flags) {
    mps::DiagnoseRequest request;
    const auto& config = ctx.config();
    mps::StoreConfig profile;
    if (!flags.store.empty()) {
        profile = mps::find_store(config, flags.store, ctx.paths().config_file.string());
        request.store = flags.store;
        ctx.use_store(flags.store);  // its *_password_file / *_command keys
    }
    request.url = flags.url.empty() ? profile.url : flags.url;
    request.admin_url = flags.admin.empty() ? profile.admin_url : flags.admin;
    std::string files = flags.files.empty() ? profile.files : flags.files;
    if (!files.empty()) request.files = mps::parse_files_target(files);
    request.modules = flags.modules.empty() ? profile.modules : flags.modules;
    request.all_modules = flags.all_modules;
    if (request.all_modules) request.modules.clear();
    if (request.all_modules && !request.files)
        throw mps::Error(mps::ErrorKind::usage, "--all-modules needs the shop's files",
                         "give --files sftp://user@host/path/to/shop, ftp://... or the shop's "
                         "folder (or files in the store profile)");
    request.order = flags.order.empty() ? profile.order : flags.order;
    if (!request.url.empty()) mps::require_http_url(request.url, "--url");
    if (!request.admin_url.empty()) mps::require_http_url(request.admin_url, "--admin");
    if (request.url.empty() && request.admin_url.empty() && !request.files)
        throw mps::Error(mps::ErrorKind::usage,
                         "nothing to diagnose: no store URL, admin URL or files",
                         "give STORE (a [stores.NAME] profile) or --url, --admin and/or --files");
    request.selection = mps::CheckSelection::parse(flags.only);
    request.exec_hash = exec_hash_mode(flags.ssh);
    if (request.files && request.files->transport == mps::FilesTransport::sftp)
        request.ssh = ssh_options(ctx, flags.ssh);
    if (request.files && request.files->transport == mps::FilesTransport::ftp) {
        refuse_exec_hash_only(request.exec_hash == mps::ExecHash::only);
        request.exec_hash = mps::ExecHash::never;
        request.ftp = ftp_options(ctx, flags.ftp, request.files->ftp);
    }
    request.tls = ctx.tls();
    request.timeout_seconds = ctx.globals.timeout;
    request.now = ctx.now();
    request.want_bundle = !flags.bundle.empty();
    request.log_tail_bytes = static_cast<std::size_t>(flags.log_tail_kib) * 1024;
    request.fetch_missing = release_fetcher(ctx, flags.no_fetch);
    request.progress = ctx.progress_reporter();
    auto password = ctx.env().get("MPSUPPORT_ADMIN_PASSWORD");
    if (!flags.admin_email.empty()) password = ctx.secret(mps::SecretKind::admin_password);
    if (password && flags.admin_email.empty())
        throw mps::Error(mps::ErrorKind::usage,
                         "MPSUPPORT_ADMIN_PASSWORD is set but --admin-email is not",
                         "give --admin-email with the employee's e-mail to check the login, or "
                         "unset the variable");
    if (!flags.admin_email.empty()) {
        if (!password)
            password = ctx.ask_secret("Back-office password for " + flags.admin_email + ": ");
        if (!password)
            throw mps::Error(mps::ErrorKind::usage,
                             "--admin-email needs the password in MPSUPPORT_ADMIN_PASSWORD",
                             "export MPSUPPORT_ADMIN_PASSWORD, or set the store's "
                             "admin_password_command or admin_password_file (it is never "
                             "printed or stored)");
        request.admin = mps::AdminCredentials{flags.admin_email, *password};
    }
    return request;
}

// render_to_string: the report as `emit_report` prints it, without colours, for the bundle.
std::string render_to_string(Context& ctx, const mps::Report& report, bool json) {
    std::ostringstream out;
    std::ostringstream err;
    std::istringstream in;
    Context plain(out, err, in, ctx.env(), Terminal{}, [&ctx] { return ctx.now(); });
    plain.globals.json = json;
    plain.globals.no_color = true;
    emit_report(plain, report);
    return out.str();
}

// diagnose_with_bundle: the run, and the bundle written when flags.bundle is set.
mps::DiagnoseResult diagnose_with_bundle(Context& ctx, const DiagnoseFlags& flags) {
    mps::DiagnoseRequest request = request_from(ctx, flags);
    std::optional<std::filesystem::path> bundle;
    if (!flags.bundle.empty()) bundle = mps::bundle_path(flags.bundle, request.order);
    mps::PristineStore store(ctx.paths().pristine_dir());
    if (ctx.terminal().stderr_tty && !ctx.globals.quiet && !ctx.globals.json)
        ctx.err << "diagnose: checking " << (request.url.empty() ? "" : "storefront ")
                << (request.admin_url.empty() ? "" : "admin ") << (request.files ? "files " : "")
                << "at once...\n";
    mps::DiagnoseResult result = mps::run_diagnose(request, store, ctx.config().policy);
    std::vector<std::string> secrets = ctx.secrets();               // environment and configuration
    if (request.admin) secrets.push_back(request.admin->password);  // also when typed at the prompt
    if (bundle) {
        result.report.body["bundle"] = bundle->string();
        result.report.details.push_back("Bundle: " + bundle->string());
        mps::Masker masker;
        for (const auto& secret : secrets) masker.add_secret(secret);
        // Masked value by value before rendering: a secret with '"' or '\' is found as it is.
        mps::Report masked = mps::mask_report(result.report, masker);
        auto members = mps::bundle_members(result, render_to_string(ctx, masked, true),
                                           render_to_string(ctx, masked, false), masker);
        mps::write_bundle(*bundle, members, mps::iso_utc(ctx.now()));
    }
    // Whatever a remote echoed (a back office quoting the password), no secret is printed.
    mps::redact_report(result.report, secrets);
    return result;
}

int run_diagnose(Context& ctx, const DiagnoseFlags& flags) {
    if (flags.list_checks) return list_checks(ctx);
    return emit_report(ctx, diagnose_with_bundle(ctx, flags).report);
}

}  // namespace

DiagnoseBundle diagnose_bundle_for_ticket(Context& ctx, const TicketDiagnose& what) {
    DiagnoseFlags flags;
    flags.store = what.store;
    flags.url = what.url;
    flags.admin = what.admin;
    if (!what.module.empty()) flags.modules = {what.module};
    flags.order = what.order;
    std::filesystem::path dir = ctx.paths().data_dir / "bundles";
    mps::ensure_directory(dir);
    std::string stamp = mps::iso_utc(ctx.now());
    stamp.erase(
        std::remove_if(stamp.begin(), stamp.end(), [](char c) { return c == '-' || c == ':'; }),
        stamp.end());
    flags.bundle = (dir / ("diagnose-" + stamp + ".zip")).string();
    mps::DiagnoseResult result = diagnose_with_bundle(ctx, flags);
    DiagnoseBundle out{result.report.body.value("bundle", flags.bundle), result.report.verdict};
    if (!ctx.globals.quiet)
        ctx.err << "diagnose: " << mps::printable(out.verdict)
                << "\n  bundle: " << mps::printable(out.path.string()) << "\n";
    return out;
}

void add_diagnose_command(CLI::App& app, Context& ctx, Action& action) {
    auto flags = std::make_shared<DiagnoseFlags>();
    auto* sub = app.add_subcommand("diagnose",
                                   "Check a shop's storefront, back office, module files and logs");
    sub->add_option("STORE", flags->store,
                    "A [stores.NAME] profile of the config (flags override its fields)");
    sub->add_option("--url", flags->url, "Storefront URL (https://shop.example/)");
    sub->add_option("--admin", flags->admin, "Back-office URL (https://shop.example/admin123abc/)");
    sub->add_option("--files,--sftp", flags->files,
                    "Shop root: sftp://, ftp:// or ftps://user@host[:port]/path, or a folder here "
                    "(--sftp: its old name)");
    auto* module = sub->add_option("--module", flags->modules, "Module to check (repeatable)");
    sub->add_flag("--all-modules", flags->all_modules,
                  "Check every module folder under the shop's modules/ (--files); those without "
                  "a stored or fetchable release are skipped")
        ->excludes(module);
    sub->add_option("--only", flags->only,
                    "Run only these groups or check ids (storefront,admin,files,logs,core or ids)");
    sub->add_option("--bundle", flags->bundle, "Write a support bundle (.zip) for a ticket");
    sub->add_option("--order", flags->order,
                    "Order reference (prefixes the bundle name; default: the profile's order)");
    sub->add_option(
        "--admin-email", flags->admin_email,
        "Check that this employee can log in (password from MPSUPPORT_ADMIN_PASSWORD; read only)");
    sub->add_option("--log-tail", flags->log_tail_kib,
                    "KiB read from the end of each recent log file (default 256)")
        ->check(CLI::Range(1, 16384));
    sub->add_flag("--list-checks", flags->list_checks, "List every check id and what it looks at");
    sub->add_flag("--no-fetch", flags->no_fetch,
                  "Never download a missing pristine release (default: fetch it, signed, when "
                  "[vendor] manifest_url is set)");
    add_ssh_flags(*sub, flags->ssh);
    add_ftp_flags(*sub, flags->ftp);
    sub->final_callback(
        [&ctx, &action, flags] { action = [&ctx, flags] { return run_diagnose(ctx, *flags); }; });
}

}  // namespace mpscli
