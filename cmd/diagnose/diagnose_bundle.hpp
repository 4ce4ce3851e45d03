#pragma once
// `ticket open|draft --diagnose`: run diagnose for the ticket's store and module and write its
// bundle, so the ticket carries it (defined in cmd_diagnose.cpp, next to the command).
#include <filesystem>
#include <string>

#include "context.hpp"

namespace mpscli {

struct TicketDiagnose {
    std::string store;  // a [stores.NAME] profile (its sftp is used), may be empty
    std::string url;
    std::string admin;
    std::string module;
    std::string order;
};

struct DiagnoseBundle {
    std::filesystem::path path;  // $XDG_DATA_HOME/mpsupport/bundles/REF-diagnose-<time>.zip
    std::string verdict;
};

// diagnose_bundle_for_ticket: runs every check diagnose can with what the ticket knows, writes
// the bundle, and says on stderr what it found. Usage errors as diagnose's.
DiagnoseBundle diagnose_bundle_for_ticket(Context& ctx, const TicketDiagnose& what);

}  // namespace mpscli
