#include "util/progress.hpp"

namespace mps {

Progress& no_progress() {
    static Progress none;
    return none;
}

}  // namespace mps
