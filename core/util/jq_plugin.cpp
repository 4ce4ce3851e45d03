// The plugin lib/mpsupport/mpsupport-jq.so (see util/plugin.hpp): the only object linked with
// libjq. Built apart from core; no C++ run time used (nothing to throw across the boundary).
#include <cstddef>

#include "util/jq_api.hpp"

extern "C" __attribute__((visibility("default"))) const mps::JqApi* mpsupport_jq_api(
    std::size_t table_size) {
#define MPS_JQ_ADDRESS(function) &::function,
    static const mps::JqApi table = {MPS_JQ_FUNCTIONS(MPS_JQ_ADDRESS)};
#undef MPS_JQ_ADDRESS
    return table_size == sizeof table ? &table : nullptr;
}
