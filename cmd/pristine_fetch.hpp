#pragma once
// Signed release downloads from the command line's point of view: the settings from the
// config and global flags, shared by `pristine fetch` and the auto-fetch of `verify`.
#include "context.hpp"
#include "integrity/release_fetch.hpp"
#include "integrity/verify.hpp"

namespace CLI {
class App;
}

namespace mpscli {

// fetch_settings: [vendor] manifest_url and public_key, --timeout, the clock.
mps::FetchSettings fetch_settings(Context& ctx);

// release_fetcher: the auto-fetch for verify: unset when `no_fetch` or no manifest_url is
// configured (then a missing release is exit 6, as before).
mps::ReleaseFetcher release_fetcher(Context& ctx, bool no_fetch);

// add_pristine_trust_commands: keygen, sign, import-core and fetch under `pristine`.
void add_pristine_trust_commands(CLI::App& pristine, Context& ctx, std::function<int()>& action);

}  // namespace mpscli
