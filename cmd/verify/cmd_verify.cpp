// mpsupport verify DIR|file://...|sftp://...|ftp://...: binds flags, runs mps::verify_local or
// mps::verify_remote, renders the report.
#include <CLI/CLI.hpp>

#include "util/log.hpp"

#include <filesystem>

#include "commands.hpp"
#include "ftp_flags.hpp"
#include "integrity/verify.hpp"
#include "integrity/verify_all.hpp"
#include "pristine_fetch.hpp"
#include "remote/files_target.hpp"
#include "remote/verify_all_remote.hpp"
#include "remote/verify_remote.hpp"
#include "render.hpp"
#include "ssh_flags.hpp"
#include "util/parallel.hpp"

namespace mpscli {
namespace {

struct VerifyFlags {
    std::string target;
    mps::VerifyRequest request;
    bool no_fetch = false;
    bool all = false;  // --all: every module of the shop root
    SshFlags ssh;
    FtpFlags ftp;
};

mps::RemoteVerifyOptions remote_options(Context& ctx, const VerifyFlags& flags) {
    mps::RemoteVerifyOptions remote;
    remote.module = flags.request.module;
    remote.version = flags.request.version;
    remote.want_diffs = flags.request.want_diffs;
    remote.strict = flags.request.strict;
    remote.core = flags.request.core;
    remote.fetch_missing = release_fetcher(ctx, flags.no_fetch);
    remote.exec_hash = exec_hash_mode(flags.ssh);
    remote.progress = ctx.progress_reporter();
    return remote;
}

// run_ftp: verify over ftp:// or ftps://: no command runs there, so --exec-hash only cannot.
int run_ftp(Context& ctx, const VerifyFlags& flags, const mps::FtpUrl& url,
            const mps::PristineStore& store) {
    refuse_exec_hash_only(flags.ssh.exec_hash == "only");
    if (ssh_flags_given(flags.ssh) && flags.ssh.exec_hash == "auto")
        mps::log::warn("the SSH flags apply to sftp:// targets only; ignored for {}",
                       url.display());
    auto files = mps::FtpFiles::connect(ftp_options(ctx, flags.ftp, url));
    mps::RemoteVerifyOptions options = remote_options(ctx, flags);
    options.exec_hash = mps::ExecHash::never;
    if (flags.all)
        return emit_report(ctx, mps::verify_all_files(*files, url.path, url.display(), options,
                                                      store, ctx.config().policy));
    return emit_report(ctx, mps::verify_files(*files, url.path, url.display(), options, store,
                                              ctx.config().policy));
}

// use_store_profile: TARGET names a [stores.NAME] profile (no URL, no folder of that name
// here): verify its `files`, with its *_password_file / *_command keys (as `diagnose NAME`), and
// its module when it names exactly one and neither --module nor --all is given.
void use_store_profile(Context& ctx, VerifyFlags& flags) {
    if (flags.target.find("://") != std::string::npos ||
        flags.target.find('/') != std::string::npos)
        return;
    std::error_code ec;
    if (std::filesystem::exists(flags.target, ec)) return;
    const auto& stores = ctx.config().stores;
    auto profile = stores.find(flags.target);
    if (profile == stores.end()) return;
    if (profile->second.files.empty())
        throw mps::Error(mps::ErrorKind::usage, "store " + flags.target + " has no files to verify",
                         "set files (sftp://, ftp://, ftps:// or a folder) in [stores." +
                             flags.target + "] of " + ctx.paths().config_file.string());
    ctx.use_store(flags.target);
    if (flags.request.module.empty() && !flags.all && profile->second.modules.size() == 1)
        flags.request.module = profile->second.modules.front();
    flags.target = profile->second.files;
}

int run_verify(Context& ctx, VerifyFlags& flags) {
    use_store_profile(ctx, flags);
    mps::PristineStore store(ctx.paths().pristine_dir());
    const auto& policy = ctx.config().policy;
    std::optional<mps::FilesTarget> target;
    if (flags.target.find("://") != std::string::npos)
        target = mps::parse_files_target(flags.target);
    if (target && target->transport == mps::FilesTransport::ftp)
        return run_ftp(ctx, flags, target->ftp, store);
    if (ftp_flags_given(flags.ftp))
        mps::log::warn("--connections and --allow-plain-ftp apply to ftp:// targets only; ignored");
    if (target && target->transport == mps::FilesTransport::sftp) {
        mps::RemoteVerifyRequest remote;
        static_cast<mps::RemoteVerifyOptions&>(remote) = remote_options(ctx, flags);
        remote.url = target->sftp;
        remote.ssh = ssh_options(ctx, flags.ssh);
        if (flags.all) return emit_report(ctx, mps::verify_all_remote(remote, store, policy));
        return emit_report(ctx, mps::verify_remote(remote, store, policy));
    }
    if (ssh_flags_given(flags.ssh))
        mps::log::warn(
            "--exec-hash, --identity, --known-hosts, --accept-new-host-key, --ssh-client and "
            "--ssh-config "
            "apply to sftp:// targets only; ignored for {}",
            flags.target);
    // file:///srv/shop: a folder here, verified as one.
    flags.request.target = target ? target->path : flags.target;
    flags.request.fetch_missing = release_fetcher(ctx, flags.no_fetch);
    flags.request.threads = mps::default_thread_count();
    flags.request.progress = ctx.progress_reporter();
    if (flags.all) return emit_report(ctx, mps::verify_all_local(flags.request, store, policy));
    return emit_report(ctx, mps::verify_local(flags.request, store, policy));
}

}  // namespace

void add_verify_command(CLI::App& app, Context& ctx, Action& action) {
    auto flags = std::make_shared<VerifyFlags>();
    auto* sub =
        app.add_subcommand("verify", "Compare an installed module with its pristine release");
    sub->add_option("TARGET", flags->target,
                    "Installed module folder, shop root (with --module, --all and/or --core), "
                    "file:///folder, sftp://user@host[:port]/path, ftp:// / ftps://, or the "
                    "NAME of a [stores.NAME] profile (its files and password keys)")
        ->required();
    auto* module = sub->add_option("--module", flags->request.module,
                                   "Module name (needed when TARGET is a shop root)");
    sub->add_flag("--all", flags->all,
                  "Shop root only: verify every module under modules/ (those without a stored or "
                  "fetchable release are listed as skipped)")
        ->excludes(module);
    sub->add_option("--version", flags->request.version,
                    "Compare with this release instead of the installed version");
    sub->add_flag("--diff", flags->request.want_diffs, "Print unified diffs of changed text files");
    sub->add_flag("--strict", flags->request.strict,
                  "Any difference from the release is a finding (exit 3)");
    sub->add_flag(
        "--core", flags->request.core,
        "Shop root only: also compare PrestaShop's core files with its imported checksum list");
    sub->add_flag("--no-fetch", flags->no_fetch,
                  "Never download a missing pristine release from [vendor] manifest_url");
    add_ssh_flags(*sub, flags->ssh);
    add_ftp_flags(*sub, flags->ftp);
    sub->final_callback(
        [&ctx, &action, flags] { action = [&ctx, flags] { return run_verify(ctx, *flags); }; });
}

}  // namespace mpscli
