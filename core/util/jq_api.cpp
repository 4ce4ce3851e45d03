#include "util/jq_api.hpp"

// jv.h defines `static int jv_is_valid(jv)`, which unoptimised builds emit in every file that
// includes it, calling libjq's jv_get_kind: the binary does not link libjq, so that one name is
// defined here, through the plugin. Hidden: the plugin's table still takes libjq's own.
extern "C" __attribute__((visibility("hidden"))) jv_kind jv_get_kind(jv value) {
    return mps::jq().jv_get_kind(value);
}
