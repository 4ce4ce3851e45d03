#include "util/jq_api.hpp"

#include "util/plugin.hpp"

namespace mps {

const JqApi& jq() {
    static const JqApi& api = *static_cast<const JqApi*>(
        plugin_table("mpsupport-jq.so", "mpsupport_jq_api", sizeof(JqApi)));
    return api;
}

}  // namespace mps
