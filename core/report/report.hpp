#pragma once
// The result model every command renders: doctor-style checks plus a verdict (SPEC.md "Output").
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "util/error.hpp"

namespace mps {

enum class Status { pass, info, warn, fail, skip };

// status_name: "pass", "info", "warn", "fail", "skip".
const char* status_name(Status status);

struct Check {
    std::string id;  // stable id, e.g. "files.integrity"
    Status status = Status::pass;
    std::string message;  // one line
    std::string hint;     // what to do; empty when nothing
    nlohmann::json data = nlohmann::json::object();
    // For a failed check: which kind of negative answer it is (a finding, or that the
    // remote was unreachable, refused us, or did not know the thing).
    ErrorKind outcome = ErrorKind::finding;
};

struct Report {
    std::string schema;  // "mpsupport.<command>/1"
    std::string title;   // first text line, e.g. "ps_facetedsearch 3.4.1 in /srv/shop"
    std::vector<Check> checks;
    std::string verdict;                             // one summary line
    nlohmann::json body = nlohmann::json::object();  // command-specific JSON fields
    // Detail lines printed between the checks and the verdict in text mode.
    std::vector<std::string> details;
};

// deciding_outcome: when several checks failed, the kind that decides the exit code: the first
// of finding, auth, unreachable, not_found that applies (SPEC.md "Exit codes"); none when no
// check failed.
std::optional<ErrorKind> deciding_outcome(const std::vector<Check>& checks);

}  // namespace mps
