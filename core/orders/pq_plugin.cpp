// The plugin lib/mpsupport/mpsupport-pq.so (see util/plugin.hpp): the only object linked with
// libpq. Built apart from core; no C++ run time used (nothing to throw across the boundary).
#include <cstddef>

#include "orders/pq_api.hpp"
#include "util/plugin.hpp"

#define MPS_PQ_ADDRESS(function) &::function,
MPS_PLUGIN_TABLE(mpsupport_pq_api, mps::PqApi, MPS_PQ_FUNCTIONS, MPS_PQ_ADDRESS)
