// The plugin lib/mpsupport/mpsupport-pq.so (see util/plugin.hpp): the only object linked with
// libpq. Built apart from core; no C++ run time used (nothing to throw across the boundary).
#include <cstddef>

#include "orders/pq_api.hpp"

extern "C" __attribute__((visibility("default"))) const mps::PqApi* mpsupport_pq_api(
    std::size_t table_size) {
#define MPS_PQ_ADDRESS(function) &::function,
    static const mps::PqApi table = {MPS_PQ_FUNCTIONS(MPS_PQ_ADDRESS)};
#undef MPS_PQ_ADDRESS
    return table_size == sizeof table ? &table : nullptr;
}
