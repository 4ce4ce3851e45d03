#pragma once
// The ledger: orders, reminder state and tickets, in $XDG_DATA_HOME/mpsupport/ledger.sqlite
// (SQLite, WAL, schema versioned with PRAGMA user_version; a busy timeout makes concurrent runs
// wait for each other) or, for a team, in a shared PostgreSQL database ([ledger] url). Every
// write is one transaction.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "orders/order_line.hpp"

namespace mps {

// A reminder is owed once per order line, threshold (days before the end; -1 for the
// "expired" notice) and support end date (a new end, after buying extended support, owes
// new reminders).
struct ReminderKey {
    std::int64_t line_id = 0;
    int threshold = 0;
    std::string support_end;  // YYYY-MM-DD
    auto operator<=>(const ReminderKey&) const = default;
};

enum class ReminderState { claimed, sent, covered, failed };

// reminder_state_name: "claimed", "sent", "covered", "failed".
const char* reminder_state_name(ReminderState state);

struct ReminderRecord {
    ReminderKey key;
    ReminderState state = ReminderState::claimed;
    std::string owner;       // the run holding a claim: host:pid:start-time
    std::string claimed_at;  // ISO 8601 UTC
    std::string sent_at;
    std::string message_id;
    std::string error;  // last failure
    int attempts = 0;
};

struct ImportCounts {
    std::size_t inserted = 0;
    std::size_t updated = 0;
    std::size_t unchanged = 0;
    std::size_t removed = 0;            // lines withdrawn (their order is no longer valid)
    std::size_t reminders_removed = 0;  // reminder records of those lines
    std::vector<std::string> removed_references;  // the orders those lines belonged to
};

struct ClaimRequest {
    ReminderKey key;                   // the reminder to send
    std::vector<ReminderKey> covered;  // larger thresholds it makes unnecessary
};

enum class ClaimOutcome { claimed, done, busy };

// A ticket sent (or tried) by `ticket open`. No secret is ever part of it.
struct TicketRecord {
    std::int64_t id = 0;
    std::string sent_at;  // ISO 8601 UTC
    std::string channel;  // "form" or "email"
    std::string reference;
    std::string module;
    std::string summary;
    std::string customer_email;
    std::string outcome;     // "sent", "rejected", "failed"
    std::string detail;      // the shop's or server's answer, one line
    std::string reply_due;   // YYYY-MM-DD (sent tickets)
    std::string message_id;  // e-mail tickets
    std::string attachment;  // file name, when one was attached
};

// LineImport: one import into the ledger, a line at a time, in one transaction (see
// Ledger::begin_import): nothing is visible to others until commit(), and nothing stays when
// it is dropped before (an error, a bad row found late).
class LineImport {
  public:
    virtual ~LineImport();
    LineImport() = default;
    LineImport(const LineImport&) = delete;
    LineImport& operator=(const LineImport&) = delete;
    // add: insert `line`, or update the ledger's line with its key when a value changed. A key
    // must come at most once per import.
    virtual void add(const OrderLine& line) = 0;
    // expect_extensions: before the first add(), the extension_group() of every extension line
    // the import will add (sorted or not; extra groups do no harm). An engine may use it to
    // work out applied extensions as the lines come rather than after them; without it, or
    // when an extension line of another group comes, the result is the same, only slower.
    virtual void expect_extensions(std::vector<std::uint64_t> groups);
    // commit: build what a bulk load left for the end (indexes), recompute which purchase each
    // extension extends, and commit. The counts of the whole import.
    virtual ImportCounts commit() = 0;
};

// extension_group: a hash of the line's customer e-mail and module: the group of lines an
// extension line can extend (LineImport::expect_extensions).
std::uint64_t extension_group(const OrderLine& line);

// LedgerTarget: where the ledger is. An empty `url` is the local SQLite `file`; a
// postgresql:// URL is a shared PostgreSQL database ([ledger] url, MPSUPPORT_LEDGER_URL).
struct LedgerTarget {
    std::filesystem::path file;
    std::string url;
    // MPSUPPORT_LEDGER_PASSWORD, password_file or password_command; empty: libpq's own
    // (PGPASSWORD, ~/.pgpass).
    std::string password;
    int timeout_seconds = 30;  // connect timeout (--timeout)
};

// The ledger: one interface, two engines (SQLite, the default; PostgreSQL, shared by a team).
// Every command behaves the same on both.
class Ledger {
  public:
    // open: the SQLite ledger at `path`. Read-write creates the file (and migrates the schema);
    // read-only never writes, and a missing file reads as an empty ledger.
    static std::unique_ptr<Ledger> open(const std::filesystem::path& path, bool read_only);
    // open: the ledger of `target`: PostgreSQL when it has a url (never a fallback to the
    // file: unreachable is Error(unreachable) naming the host, a refused password
    // Error(auth), a password inside the URL Error(usage)), else the SQLite file.
    static std::unique_ptr<Ledger> open(const LedgerTarget& target, bool read_only);
    virtual ~Ledger();

    // engine: "sqlite" or "postgresql"; where: the file or the URL (never a password).
    virtual const char* engine() const = 0;
    virtual std::string where() const = 0;

    // import_lines: in one transaction, delete the lines with the keys of `withdrawn` (lines of
    // orders the shop no longer counts: cancelled, refunded, unpaid) with their reminders,
    // insert new lines and update changed ones (keyed by reference, module and
    // extended_months), then recompute which purchase each extension extends. A key must not
    // be both in `lines` and in `withdrawn`. `source` is "csv" or "webservice"; `now` an ISO
    // 8601 time.
    ImportCounts import_lines(const std::vector<OrderLine>& lines, const std::string& source,
                              const std::string& now, const std::vector<OrderLine>& withdrawn = {});
    // begin_import: import_lines a line at a time (LineImport::add), for imports too large to
    // hold in memory: the transaction starts now (and withdrawn lines are deleted), the lines
    // come one by one, commit() ends it. The Ledger must outlive the LineImport.
    virtual std::unique_ptr<LineImport> begin_import(
        const std::string& source, const std::string& now,
        const std::vector<OrderLine>& withdrawn = {}) = 0;

    // order: the lines of order `reference` (empty when unknown).
    virtual std::vector<OrderLine> order(const std::string& reference) = 0;
    // customer_module: every line of `email` for `module`.
    virtual std::vector<OrderLine> customer_module(const std::string& email,
                                                   const std::string& module) = 0;
    // purchases_between: module purchases (not extension lines) made from `from` to `to`
    // inclusive, oldest first.
    virtual std::vector<OrderLine> purchases_between(const Date& from, const Date& to) = 0;
    // purchases_for_window: module purchases without extended support made in `plain`, plus
    // those with extended support made in `extended` (both inclusive): the candidates whose
    // support can end in a window (see remind_plan.hpp, candidate_ranges).
    virtual std::vector<OrderLine> purchases_for_window(const std::pair<Date, Date>& plain,
                                                        const std::pair<Date, Date>& extended) = 0;
    // for_each_line: every line, ordered by purchase time and reference.
    virtual void for_each_line(const std::function<void(const OrderLine&)>& visit) = 0;
    virtual std::int64_t line_count() = 0;

    // reminders_of_line: the reminder records of one order line.
    virtual std::vector<ReminderRecord> reminders_of_line(std::int64_t line_id) = 0;
    // reminders_ending_between: records whose support_end is in [from, to], by key.
    virtual std::map<ReminderKey, ReminderRecord> reminders_ending_between(const Date& from,
                                                                           const Date& to) = 0;

    // claim: in one transaction, claim each request for `owner`: absent or failed records,
    // and claims whose owner `is_stale` (its lease expired), become claimed (and their covered
    // keys are recorded as covered); sent or covered ones are done; claims of a live run are
    // busy. Two runs (on any machines) never both get `claimed` for one key.
    virtual std::vector<ClaimOutcome> claim(
        const std::vector<ClaimRequest>& requests, const std::string& owner, const std::string& now,
        const std::function<bool(const ReminderRecord&)>& is_stale) = 0;
    // mark_sent / mark_failed: record the result of a claimed reminder (one transaction each).
    // False when `owner` no longer holds the claim.
    virtual bool mark_sent(const ReminderKey& key, const std::string& owner,
                           const std::string& message_id, const std::string& now) = 0;
    virtual bool mark_failed(const ReminderKey& key, const std::string& owner,
                             const std::string& error) = 0;

    // meta / set_meta: small named values (e.g. the webservice sync cursor); "" when unset.
    virtual std::string meta(const std::string& key) = 0;
    virtual void set_meta(const std::string& key, const std::string& value) = 0;
    // all_meta: every meta entry, by key (for `ledger migrate`).
    virtual std::map<std::string, std::string> all_meta() = 0;

    // add_ticket: record a ticket (one transaction); returns its id.
    virtual std::int64_t add_ticket(const TicketRecord& ticket) = 0;
    // tickets: every recorded ticket, oldest first.
    virtual std::vector<TicketRecord> tickets() = 0;

    // schema_version: the migrations applied (SQLite: PRAGMA user_version).
    virtual int schema_version() = 0;
    // all_reminders: every reminder record (for `ledger migrate`).
    virtual std::vector<ReminderRecord> all_reminders() = 0;
    // put_reminder: store `record` as it is unless the key already has one (for `ledger
    // migrate`); true when stored.
    virtual bool put_reminder(const ReminderRecord& record) = 0;
};

// open_postgres_ledger: the PostgreSQL engine (ledger_postgres.cpp).
std::unique_ptr<Ledger> open_postgres_ledger(const LedgerTarget& target, bool read_only);

// check_ledger_url: Error(usage) unless `url` is a postgresql:// (or postgres://) URL without
// a password; returns it without a trailing slash.
std::string check_ledger_url(const std::string& url);

}  // namespace mps
