#include "remote/verify_all_remote.hpp"

#include <algorithm>

#include "files/remote_files.hpp"
#include "integrity/verify_all.hpp"
#include "remote/remote_shop.hpp"
#include "ssh/sftp_files.hpp"
#include "util/error.hpp"

namespace mps {

void require_remote_release(RemoteFiles& files, const std::string& modules_dir,
                            const std::string& module, const std::string& location,
                            const PristineStore& store, const ReleaseFetcher& fetch) {
    auto identity =
        fetch_small_files(files, remote_join(modules_dir, module), {module + ".php", "config.xml"});
    FileLookup lookup = [&](const std::string& name) -> std::optional<std::string> {
        if (auto it = identity.find(name); it != identity.end()) return it->second;
        return std::nullopt;
    };
    VerifiedModule found = identify_for_verify(lookup, module, module, "", location);
    require_release(store, found.id, fetch);
}

Report verify_all_files(RemoteFiles& files, const std::string& path, const std::string& where,
                        const RemoteVerifyOptions& options, const PristineStore& store,
                        const PolicyConfig& policy) {
    if (!options.module.empty() || !options.version.empty())
        throw Error(ErrorKind::usage,
                    "--all verifies every module: it takes no --module or --version",
                    "drop --module/--version, or drop --all to verify one module");
    std::string modules_dir = remote_join(path, "modules");
    auto kinds = stat_kinds(
        files, {path, modules_dir, remote_join(path, "classes"), remote_join(path, "config")});
    if (!kinds.count(path) || !kinds[path])
        throw Error(ErrorKind::not_found, where + " is not a folder on the server",
                    "give the path of the shop root");
    if (!kinds[modules_dir] ||
        (!kinds[remote_join(path, "classes")] && !kinds[remote_join(path, "config")]))
        throw Error(ErrorKind::usage, "--all needs a shop root: " + where + " is not one",
                    "give the folder that holds modules/, classes/ and config/");

    VerifyAllInput input;
    input.where = where;
    input.progress = options.progress;
    if (auto entries = list_remote_folder(files, modules_dir))
        for (const auto& entry : *entries)
            if (entry.attrs.is_dir()) input.modules.push_back(entry.path);
    std::sort(input.modules.begin(), input.modules.end());
    if (options.core) {
        RemoteVerifyOptions core = options;
        core.fetch_missing = {};
        Report shop = verify_files(files, path, where, core, store, policy);
        input.take_shop_checks(shop);
    }
    input.verify_one = [&](const std::string& module) {
        // Which release first, from the identity files alone: a module without one is skipped
        // before verify_files starts its run (an error thrown in the middle of a run would leave
        // requests in flight on the connection the next module uses).
        require_remote_release(files, modules_dir, module, where + "/modules/" + module, store,
                               options.fetch_missing);
        RemoteVerifyOptions one = options;
        one.module = module;
        one.core = false;
        return verify_files(files, path, where, one, store, policy);
    };
    Report report = verify_each_module(std::move(input));
    report.body["transport"] = {
        {"kind", files.kind()}, {"host", files.label()}, {"bytes", files.bytes_received()}};
    return report;
}

Report verify_all_remote(const RemoteVerifyRequest& request, const PristineStore& store,
                         const PolicyConfig& policy) {
    auto files = connect_sftp(request);
    return verify_all_files(*files, request.url.path, request.url.display(), request, store,
                            policy);
}

}  // namespace mps
