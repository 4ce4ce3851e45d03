#pragma once
// ledger migrate: copy one ledger into another (a local SQLite ledger into a team's
// PostgreSQL), keeping the reminders already sent so that nobody is mailed twice.
#include <cstddef>
#include <string>

#include "orders/ledger.hpp"

namespace mps {

struct MigrateCounts {
    std::size_t lines = 0;             // order lines read from the source
    ImportCounts imported;             // what the target made of them
    std::size_t reminders = 0;         // reminder records read from the source
    std::size_t reminders_copied = 0;  // stored (the target had no record for the key)
    std::size_t tickets = 0;
    std::size_t tickets_copied = 0;
    std::size_t meta = 0;         // meta entries (e.g. the webservice sync cursor) read
    std::size_t meta_copied = 0;  // stored (the target had no value for the key)
};

// copy_ledger: every order line of `from` into `to` (one import: all or nothing), then every
// reminder record whose key the target lacks (line ids mapped through the line keys), every
// ticket the target lacks and every meta entry the target lacks (a value the target has is
// kept: its own sync cursor matches its own lines). Idempotent: running it again copies
// nothing new.
MigrateCounts copy_ledger(Ledger& from, Ledger& to, const std::string& now);

}  // namespace mps
