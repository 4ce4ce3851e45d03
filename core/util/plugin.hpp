#pragma once
// Plugins: libcurl (the network) and libpq (a PostgreSQL ledger) each pull in some thirty
// shared libraries (GnuTLS, Kerberos, LDAP, ...), libjq (--jq) two, whose loading was most of
// every command's start-up. They are linked (normally: dpkg-shlibdeps sees them) into small
// shared objects, lib/mpsupport/mpsupport-{curl,pq,jq}.so beside the binary's folder, loaded on
// first use only, as git keeps libcurl in git-remote-http. `expiry` loads none of them.
#include <cstddef>

namespace mps {

// plugin_table: the table that plugin `file` returns from its C function `symbol` (called with
// `table_size`, the size of the table this binary was built with; a plugin whose table has
// another size answers null). Looks in <binary's folder>/../lib/mpsupport, then in
// <binary's folder>/lib/mpsupport (the build tree). Loaded once per process, never unloaded.
// Throws Error(internal) naming the file and what to do when it is missing, cannot load (a
// missing library) or does not match.
const void* plugin_table(const char* file, const char* symbol, std::size_t table_size);

// loaded_plugin: plugin_table for a table of type Api, loaded once (the first call; a failed
// load throws and is tried again by the next call).
template <class Api>
const Api& loaded_plugin(const char* file, const char* symbol) {
    static const Api& api = *static_cast<const Api*>(plugin_table(file, symbol, sizeof(Api)));
    return api;
}

// MPS_PLUGIN_TABLE: in a plugin's source, the C function `symbol` that plugin_table calls,
// returning a table of type Api built from the X-macro list `functions` with `address`.
#define MPS_PLUGIN_TABLE(symbol, Api, functions, address)                                   \
    extern "C" __attribute__((visibility("default"))) const Api* symbol(std::size_t size) { \
        static const Api table = {functions(address)};                                      \
        return size == sizeof table ? &table : nullptr;                                     \
    }

}  // namespace mps
