#include "orders/pq_api.hpp"

#include "util/plugin.hpp"

namespace mps {

const PqApi& pq() {
    static const PqApi& api = *static_cast<const PqApi*>(
        plugin_table("mpsupport-pq.so", "mpsupport_pq_api", sizeof(PqApi)));
    return api;
}

}  // namespace mps
