// The plugin lib/mpsupport/mpsupport-jq.so (see util/plugin.hpp): the only object linked with
// libjq. Built apart from core; no C++ run time used (nothing to throw across the boundary).
#include <cstddef>

#include "util/jq_api.hpp"
#include "util/plugin.hpp"

#define MPS_JQ_ADDRESS(function) &::function,
MPS_PLUGIN_TABLE(mpsupport_jq_api, mps::JqApi, MPS_JQ_FUNCTIONS, MPS_JQ_ADDRESS)
