#include "report/report.hpp"

namespace mps {

const char* status_name(Status status) {
    switch (status) {
        case Status::pass:
            return "pass";
        case Status::info:
            return "info";
        case Status::warn:
            return "warn";
        case Status::fail:
            return "fail";
        case Status::skip:
            return "skip";
    }
    return "fail";
}

std::optional<ErrorKind> deciding_outcome(const std::vector<Check>& checks) {
    static constexpr ErrorKind precedence[] = {ErrorKind::finding, ErrorKind::auth,
                                               ErrorKind::unreachable, ErrorKind::not_found};
    for (ErrorKind kind : precedence)
        for (const auto& check : checks)
            if (check.status == Status::fail && check.outcome == kind) return kind;
    return std::nullopt;
}

}  // namespace mps
