#pragma once
// `mpsupport remind`: e-mail each reminder that is due, exactly once per order line, threshold
// and support end, even with concurrent runs or after a crash:
//  1. plan from the ledger (read only);
//  2. claim every planned reminder in one BEGIN IMMEDIATE transaction (a concurrent run waits
//     for the lock, then sees the claims and leaves them; claims of a dead run are taken over);
//  3. send each claimed reminder, then record it as sent (or failed, to retry next run) in its
//     own transaction, right after the server's answer.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "mail/mailer.hpp"
#include "orders/ledger.hpp"
#include "orders/remind_plan.hpp"
#include "util/error.hpp"

namespace mps {

class Progress;

struct RemindRequest {
    RemindRules rules;
    Date at;                 // run as if today were this day
    bool dry_run = false;    // plan and list only; write nothing, send nothing
    std::size_t limit = 0;   // at most this many e-mails (0: no limit)
    int max_per_minute = 0;  // pace the sending (0: as fast as the server takes them)
};

struct RemindDeps {
    Ledger& ledger;
    const Config& config;
    Mailer* mailer = nullptr;  // not used by a dry run
    std::function<std::chrono::system_clock::time_point()> now;
    std::function<void(std::chrono::milliseconds)> sleep;
    std::string owner;                                    // this run, see run_owner.hpp
    std::function<bool(const ReminderRecord&)> is_stale;  // may a claim be taken over?
    Progress* progress = nullptr;                         // mails sent (none: not reported)
};

struct RemindEntry {
    std::string reference;
    std::string module;
    std::string customer_email;
    std::string support_end;
    int days_left = 0;
    int threshold = 0;  // kExpiredThreshold for the expired notice
    std::string subject;
    // would-send (dry run), sent, failed, in-progress (claimed by another live run),
    // already-sent (done by another run meanwhile), deferred (--limit)
    std::string status;
    std::string detail;  // server answer or error
    std::string message_id;
};

struct RemindOutcome {
    std::vector<RemindEntry> entries;
    std::size_t sent = 0, failed = 0, would_send = 0, in_progress = 0, deferred = 0, covered = 0;
    std::optional<Error> stopped;  // why sending stopped early (unreachable or auth), if it did
};

// run_remind: plan, claim, send and record; see the top of this file.
RemindOutcome run_remind(const RemindRequest& request, RemindDeps& deps);

// remind_failure: the kind of failure a run ends with (SPEC.md exit codes): auth when sending
// stopped on the SMTP login, unreachable when any reminder failed, nothing when all went well.
std::optional<ErrorKind> remind_failure(const RemindOutcome& outcome);

}  // namespace mps
