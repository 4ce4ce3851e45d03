#include "util/error.hpp"

namespace mps {

const char* kind_name(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::internal:
            return "internal";
        case ErrorKind::usage:
            return "usage";
        case ErrorKind::finding:
            return "finding";
        case ErrorKind::unreachable:
            return "unreachable";
        case ErrorKind::auth:
            return "auth";
        case ErrorKind::not_found:
            return "not-found";
    }
    return "internal";
}

}  // namespace mps
