#pragma once
// Private to --jq (cmd/jq_filter.cpp): libjq, linked into the plugin lib/mpsupport/mpsupport-jq.so
// (see util/plugin.hpp) so that commands without --jq never load it and libonig.
// Calls go through jq(): `jq().jv_free(value)`. jv.h's inline jv_is_valid calls libjq itself:
// compare jq().jv_get_kind(value) with JV_KIND_INVALID instead.
extern "C" {
#include <jq.h>
#include <jv.h>
}

#include "util/plugin.hpp"

namespace mps {

// The libjq functions --jq calls; the members of JqApi carry the functions' own names.
#define MPS_JQ_FUNCTIONS(X)   \
    X(jq_compile)             \
    X(jq_init)                \
    X(jq_next)                \
    X(jq_set_error_cb)        \
    X(jq_start)               \
    X(jq_teardown)            \
    X(jv_copy)                \
    X(jv_dump_string)         \
    X(jv_free)                \
    X(jv_get_kind)            \
    X(jv_invalid_get_msg)     \
    X(jv_invalid_has_msg)     \
    X(jv_parse_sized)         \
    X(jv_string_length_bytes) \
    X(jv_string_value)

struct JqApi {
#define MPS_JQ_MEMBER(function) decltype(&::function) function;
    MPS_JQ_FUNCTIONS(MPS_JQ_MEMBER)
#undef MPS_JQ_MEMBER
};

// jq: libjq's functions, the plugin loaded on first use. Throws Error(internal) naming the
// plugin when it cannot load.
inline const JqApi& jq() {
    return loaded_plugin<JqApi>("mpsupport-jq.so", "mpsupport_jq_api");
}

}  // namespace mps
