#include "orders/ledger.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <string_view>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "orders/detail/sqlite.hpp"
#include "orders/detail/sqlite_ledger.hpp"
#include "orders/support_window.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"
#include "util/postgres_url.hpp"

namespace fs = std::filesystem;

namespace mps {
namespace {

// Migrations: entry i brings the schema from version i to i + 1. Never edit a released one.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE order_lines (
    id INTEGER PRIMARY KEY,
    reference TEXT NOT NULL,
    module TEXT NOT NULL,
    extended_months INTEGER NOT NULL DEFAULT 0,
    purchased_at TEXT NOT NULL,
    purchase_date TEXT NOT NULL,
    customer_email TEXT NOT NULL,
    customer_name TEXT NOT NULL DEFAULT '',
    applied_extension_months INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
CREATE UNIQUE INDEX order_lines_key ON order_lines (reference, module, extended_months);
CREATE INDEX order_lines_purchases ON order_lines (purchase_date) WHERE extended_months = 0;
CREATE INDEX order_lines_customer ON order_lines (customer_email, module);
CREATE TABLE reminders (
    line_id INTEGER NOT NULL REFERENCES order_lines (id),
    threshold INTEGER NOT NULL,
    support_end TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('claimed', 'sent', 'covered', 'failed')),
    owner TEXT,
    claimed_at TEXT,
    sent_at TEXT,
    message_id TEXT,
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (line_id, threshold, support_end)
) WITHOUT ROWID;
CREATE INDEX reminders_end ON reminders (support_end);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
)sql",
    // 2: purchases with extended support, by date (the reminder window reads them apart).
    R"sql(
CREATE INDEX order_lines_extended ON order_lines (purchase_date) WHERE extended_months = 0 AND applied_extension_months > 0;
)sql",
    // 3: tickets sent by `ticket open` (ledger_tickets.cpp).
    R"sql(
CREATE TABLE tickets (
    id INTEGER PRIMARY KEY,
    sent_at TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('form', 'email')),
    reference TEXT NOT NULL,
    module TEXT NOT NULL,
    summary TEXT NOT NULL,
    customer_email TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    reply_due TEXT NOT NULL DEFAULT '',
    message_id TEXT NOT NULL DEFAULT '',
    attachment TEXT NOT NULL DEFAULT ''
);
CREATE INDEX tickets_reference ON tickets (reference);
)sql",
};
constexpr int kSchemaVersion = static_cast<int>(std::size(kMigrations));
// The oldest schema a read-only open reads as it is: the migrations after it only add tables
// (3: tickets, which read as none until a write migrates the file).
constexpr int kReadableFrom = 2;
// The wait for another run holding the ledger (SPEC.md, mpsupport-remind(1): 60 s).
constexpr int kBusyTimeoutMs = 60000;

// The indexes of order_lines as the migrations create them; a bulk load into an empty ledger
// drops them and builds them once after the rows (keep in step with the latest migration).
constexpr const char* kSecondaryIndexes =
    "CREATE UNIQUE INDEX order_lines_key ON order_lines (reference, module, extended_months);"
    "CREATE INDEX order_lines_purchases ON order_lines (purchase_date) WHERE extended_months = 0;"
    "CREATE INDEX order_lines_customer ON order_lines (customer_email, module);"
    "CREATE INDEX order_lines_extended ON order_lines (purchase_date) WHERE extended_months = 0 "
    "AND "
    "applied_extension_months > 0;";

constexpr const char* kLineColumns =
    "id, reference, module, extended_months, purchased_at, purchase_date, customer_email, "
    "customer_name, "
    "applied_extension_months";

OrderLine read_line(const sqlite::Statement& s) {
    OrderLine line;
    line.id = s.integer(0);
    line.reference = s.text(1);
    line.module = s.text(2);
    line.extended_months = static_cast<int>(s.integer(3));
    line.purchased_at = s.text(4);
    line.purchase_date = parse_date(s.text(5)).value_or(Date{});
    line.customer_email = s.text(6);
    line.customer_name = s.text(7);
    line.applied_extension_months = static_cast<int>(s.integer(8));
    return line;
}

ReminderState state_from(const std::string& text) {
    if (text == "sent") return ReminderState::sent;
    if (text == "covered") return ReminderState::covered;
    if (text == "failed") return ReminderState::failed;
    return ReminderState::claimed;
}

constexpr const char* kReminderColumns =
    "line_id, threshold, support_end, state, coalesce(owner, ''), coalesce(claimed_at, ''), "
    "coalesce(sent_at, ''), "
    "coalesce(message_id, ''), coalesce(error, ''), attempts";

ReminderRecord read_reminder(const sqlite::Statement& s) {
    ReminderRecord r;
    r.key = {s.integer(0), static_cast<int>(s.integer(1)), s.text(2)};
    r.state = state_from(s.text(3));
    r.owner = s.text(4);
    r.claimed_at = s.text(5);
    r.sent_at = s.text(6);
    r.message_id = s.text(7);
    r.error = s.text(8);
    r.attempts = static_cast<int>(s.integer(9));
    return r;
}

void migrate(sqlite::Database& db) {
    int version = static_cast<int>(db.scalar("PRAGMA user_version"));
    if (version == kSchemaVersion) return;
    sqlite::Transaction tx(db);
    version = static_cast<int>(db.scalar("PRAGMA user_version"));  // another run may have migrated
    if (version > kSchemaVersion)
        throw Error(ErrorKind::usage,
                    "ledger " + db.path().string() + " has schema version " +
                        std::to_string(version) + ", newer than this mpsupport knows (" +
                        std::to_string(kSchemaVersion) + ")",
                    "upgrade mpsupport");
    for (int v = version; v < kSchemaVersion; ++v) {
        log::info("ledger {}: migrating schema {} -> {}", db.path().string(), v, v + 1);
        db.exec(kMigrations[v]);
    }
    db.exec("PRAGMA user_version = " + std::to_string(kSchemaVersion));
    tx.commit();
}

}  // namespace

const char* reminder_state_name(ReminderState state) {
    switch (state) {
        case ReminderState::claimed:
            return "claimed";
        case ReminderState::sent:
            return "sent";
        case ReminderState::covered:
            return "covered";
        case ReminderState::failed:
            return "failed";
    }
    return "claimed";
}

SqliteLedger::SqliteLedger(std::unique_ptr<sqlite::Database> db) : db_(std::move(db)) {}
SqliteLedger::~SqliteLedger() = default;
Ledger::~Ledger() = default;
LineImport::~LineImport() = default;

void LineImport::expect_extensions(std::vector<std::uint64_t> /*groups*/) {}

std::uint64_t extension_group(const OrderLine& line) {
    // No allocation: it runs for every line of an import. A collision only costs memory.
    std::hash<std::string_view> hash;
    return hash(line.customer_email) * 0x9e3779b97f4a7c15ULL ^ hash(line.module);
}

std::string SqliteLedger::where() const {
    return db_->path().string();
}

namespace {
// open_sqlite: one try at Ledger::open (see there); busy errors are retried by the caller.
std::unique_ptr<Ledger> open_sqlite(const fs::path& path, bool read_only) {
    std::error_code ec;
    if (read_only && !fs::exists(path, ec)) {
        auto db = std::make_unique<sqlite::Database>(":memory:", false, 0);
        migrate(*db);
        return std::unique_ptr<Ledger>(new SqliteLedger(std::move(db)));
    }
    if (!read_only) ensure_directory(path.parent_path());
    // The busy timeout is set as the connection opens, before any statement touches the file.
    auto db = std::make_unique<sqlite::Database>(path, read_only, kBusyTimeoutMs);
    if (!read_only) {
        if (db->scalar("PRAGMA user_version") == 0)
            db->exec("PRAGMA page_size = 8192");  // before WAL and tables
        // WAL: readers never block the writer; one writer at a time, others wait (busy timeout).
        if (db->scalar_text("PRAGMA journal_mode") != "wal")
            db->scalar_text("PRAGMA journal_mode = WAL");
        db->exec("PRAGMA foreign_keys = ON");
        migrate(*db);
    } else {
        int version = static_cast<int>(db->scalar("PRAGMA user_version"));
        if (version > kSchemaVersion)
            throw Error(ErrorKind::usage,
                        "ledger " + path.string() + " is newer than this mpsupport knows",
                        "upgrade mpsupport");
        if (version < kSchemaVersion) {
            // Never written by a command that migrates (or older): read it as empty rather than
            // write.
            if (version >= kReadableFrom)
                return std::unique_ptr<Ledger>(new SqliteLedger(std::move(db)));
            if (version > 0)
                throw Error(ErrorKind::usage, "ledger " + path.string() + " has an old schema",
                            "run 'mpsupport orders import', 'mpsupport remind' or 'mpsupport "
                            "ticket open' once to migrate it");
            auto empty = std::make_unique<sqlite::Database>(":memory:", false, 0);
            migrate(*empty);
            return std::unique_ptr<Ledger>(new SqliteLedger(std::move(empty)));
        }
    }
    return std::unique_ptr<Ledger>(new SqliteLedger(std::move(db)));
}

}  // namespace

std::unique_ptr<Ledger> Ledger::open(const fs::path& path, bool read_only) {
    // Two runs opening a brand-new ledger at once race on its creation (page size, the switch
    // to WAL, the first migration): some of these steps report SQLITE_BUSY without waiting for
    // the busy timeout. Retry the whole open until the promised 60 s have passed.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
    for (int attempt = 1;; ++attempt) {
        try {
            return open_sqlite(path, read_only);
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::unreachable || std::chrono::steady_clock::now() > deadline)
                throw;
            log::debug("ledger {}: busy while opening (try {}), retrying", path.string(), attempt);
            std::this_thread::sleep_for(std::chrono::milliseconds(std::min(5 * attempt, 100)));
        }
    }
}

std::unique_ptr<Ledger> Ledger::open(const LedgerTarget& target, bool read_only) {
    if (!target.url.empty()) return open_postgres_ledger(target, read_only);
    return open(target.file, read_only);
}

std::string check_ledger_url(const std::string& url) {
    auto fail = [&](const std::string& why, const std::string& hint) -> std::string {
        throw Error(ErrorKind::usage, "ledger url: " + why, hint);
    };
    bool postgres = url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
    if (!postgres && url.find("://") == std::string::npos && !url.empty())
        fail("'" + url + "' is not a postgresql:// URL",
             "write it as postgresql://USER@HOST:PORT/DBNAME");
    if (!postgres)
        fail("only postgresql:// URLs are supported",
             "write it as postgresql://USER@HOST:PORT/DBNAME");
    if (postgres_url_has_password(url))
        fail(
            "the URL contains a password (it would show in the config file, the environment and "
            "process lists)",
            "remove it from the URL and use PGPASSWORD, ~/.pgpass or MPSUPPORT_LEDGER_PASSWORD");
    std::string out = url;
    while (out.size() > 1 && out.back() == '/') out.pop_back();
    return out;
}

std::vector<ReminderRecord> SqliteLedger::all_reminders() {
    sqlite::Statement s(*db_, std::string("SELECT ") + kReminderColumns +
                                  " FROM reminders ORDER BY line_id, support_end, threshold");
    std::vector<ReminderRecord> out;
    while (s.step()) out.push_back(read_reminder(s));
    return out;
}

bool SqliteLedger::put_reminder(const ReminderRecord& r) {
    sqlite::Statement s(*db_, R"sql(
INSERT INTO reminders (line_id, threshold, support_end, state, owner, claimed_at, sent_at, message_id, error, attempts)
VALUES (?1, ?2, ?3, ?4, nullif(?5, ''), nullif(?6, ''), nullif(?7, ''), nullif(?8, ''), nullif(?9, ''), ?10)
ON CONFLICT (line_id, threshold, support_end) DO NOTHING)sql");
    s.bind(1, r.key.line_id).bind(2, std::int64_t{r.key.threshold}).bind(3, r.key.support_end);
    s.bind(4, reminder_state_name(r.state)).bind(5, r.owner).bind(6, r.claimed_at);
    s.bind(7, r.sent_at).bind(8, r.message_id).bind(9, r.error).bind(10, std::int64_t{r.attempts});
    s.step();
    return db_->changes() == 1;
}

std::string SqliteLedger::meta(const std::string& key) {
    sqlite::Statement s(*db_, "SELECT value FROM meta WHERE key = ?1");
    s.bind(1, key);
    return s.step() ? s.text(0) : std::string();
}

void SqliteLedger::set_meta(const std::string& key, const std::string& value) {
    sqlite::Transaction tx(*db_);
    sqlite::Statement s(
        *db_,
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2");
    s.bind(1, key).bind(2, value);
    s.step();
    tx.commit();
}

std::map<std::string, std::string> SqliteLedger::all_meta() {
    std::map<std::string, std::string> out;
    sqlite::Statement s(*db_, "SELECT key, value FROM meta");
    while (s.step()) out.emplace(s.text(0), s.text(1));
    return out;
}

int SqliteLedger::schema_version() {
    return static_cast<int>(db_->scalar("PRAGMA user_version"));
}

void SqliteLedger::remove_lines(const std::vector<OrderLine>& withdrawn, ImportCounts& counts) {
    sqlite::Statement find(
        *db_,
        "SELECT id FROM order_lines WHERE reference = ?1 AND module = ?2 AND extended_months = ?3");
    sqlite::Statement forget(*db_, "DELETE FROM reminders WHERE line_id = ?1");
    sqlite::Statement remove(*db_, "DELETE FROM order_lines WHERE id = ?1");
    for (const auto& line : withdrawn) {
        find.bind_static(1, line.reference)
            .bind_static(2, line.module)
            .bind(3, std::int64_t{line.extended_months});
        std::optional<std::int64_t> id;
        if (find.step()) id = find.integer(0);
        find.reset();
        if (!id) continue;
        forget.bind(1, *id);
        forget.step();
        counts.reminders_removed += static_cast<std::size_t>(db_->changes());
        forget.reset();
        remove.bind(1, *id);
        remove.step();
        remove.reset();
        ++counts.removed;
        if (std::find(counts.removed_references.begin(), counts.removed_references.end(),
                      line.reference) == counts.removed_references.end())
            counts.removed_references.push_back(line.reference);
    }
}

// kImportCacheKiB: the page cache of an import (the default is 2 MiB): enough for the pages
// rows are appended to and the index builds' sorts, small enough that an import of any size
// stays well under 64 MB of memory (the sorts spill to temporary files beyond it).
constexpr int kImportCacheKiB = 16384;

namespace {
struct SqliteImportState {
    SqliteImportState(sqlite::Database& database) : db(database), tx(database) {}
    sqlite::Database& db;
    sqlite::Transaction tx;
    SqliteLedger* ledger = nullptr;
    std::string source;
    std::string now;
    ImportCounts counts;
    std::int64_t before = 0;
    bool bulk = false;  // the ledger was empty: rows appended, indexes built at commit
    std::size_t lines = 0;
    std::size_t changed = 0;
    // (customer, module) of the extension lines added: after a bulk load, only their lines
    // can extend anything.
    std::set<std::pair<std::string, std::string>> extension_groups;
    std::optional<sqlite::Statement> write;
    std::string date;  // purchase date text of the line being written
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

class SqliteLineImport final : public LineImport {
  public:
    explicit SqliteLineImport(std::unique_ptr<SqliteImportState> state)
        : state_(std::move(state)) {}
    ~SqliteLineImport() override;
    void add(const OrderLine& line) override;
    ImportCounts commit() override;

  private:
    std::unique_ptr<SqliteImportState> state_;
};
}  // namespace

SqliteLineImport::~SqliteLineImport() {
    sqlite::Database& db = state_->db;
    state_.reset();  // statements finalized, then the transaction rolled back unless committed
    try {
        db.exec("PRAGMA synchronous = FULL; PRAGMA cache_size = -2000");
    } catch (const Error&) {
        // The connection is closing anyway; the next open starts from the defaults.
    }
}

void SqliteLineImport::add(const OrderLine& line) {
    SqliteImportState& s = *state_;
    sqlite::Statement& write = *s.write;
    s.date = format_date(line.purchase_date);
    write.bind_static(1, line.reference).bind_static(2, line.module);
    write.bind(3, std::int64_t{line.extended_months}).bind_static(4, line.purchased_at);
    write.bind_static(5, s.date).bind_static(6, line.customer_email);
    write.bind_static(7, line.customer_name).bind_static(8, s.source).bind_static(9, s.now);
    write.step();
    s.changed += static_cast<std::size_t>(s.db.changes());
    write.reset();
    ++s.lines;
    if (line.is_extension() && s.bulk) s.extension_groups.emplace(line.customer_email, line.module);
}

ImportCounts SqliteLineImport::commit() {
    SqliteImportState& s = *state_;
    s.write.reset();
    auto inserted_at = std::chrono::steady_clock::now();
    // A repeated key in a bulk load fails here, on the unique index, and nothing is written.
    if (s.bulk) s.db.exec(kSecondaryIndexes);
    auto indexed_at = std::chrono::steady_clock::now();
    ImportCounts& counts = s.counts;
    std::int64_t after = s.db.scalar("SELECT count(*) FROM order_lines");
    counts.inserted = static_cast<std::size_t>(after - s.before);
    counts.updated = s.changed - counts.inserted;
    counts.unchanged = s.lines - s.changed;
    if (s.bulk && counts.removed == 0)
        s.ledger->recompute_groups(s.extension_groups);
    else if (s.changed > 0 || counts.removed > 0)
        s.ledger->recompute_extensions();
    auto recomputed_at = std::chrono::steady_clock::now();
    s.tx.commit();
    auto ms = [](auto a, auto b) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count();
    };
    log::info(
        "ledger: {} lines written in {} ms ({}), indexes built in {} ms, extensions recomputed "
        "in {} ms, committed in {} ms",
        s.lines, ms(s.started, inserted_at), s.bulk ? "bulk load" : "upsert",
        ms(inserted_at, indexed_at), ms(indexed_at, recomputed_at),
        ms(recomputed_at, std::chrono::steady_clock::now()));
    return counts;
}

std::unique_ptr<LineImport> SqliteLedger::begin_import(const std::string& source,
                                                       const std::string& now,
                                                       const std::vector<OrderLine>& withdrawn) {
    // WAL with synchronous=NORMAL is still atomic and consistent; it only lets a power cut lose
    // this last import, which re-running it repairs. Reminder writes keep FULL.
    db_->exec("PRAGMA synchronous = NORMAL; PRAGMA cache_size = -" +
              std::to_string(kImportCacheKiB) + "; PRAGMA temp_store = FILE");
    auto state = std::make_unique<SqliteImportState>(*db_);
    state->ledger = this;
    state->source = source;
    state->now = now;
    if (!withdrawn.empty()) remove_lines(withdrawn, state->counts);
    state->before = db_->scalar("SELECT count(*) FROM order_lines");
    state->bulk = state->before == 0;
    if (state->bulk) {
        // Rows appended to the table alone, indexes built once at commit (sorted, not grown
        // row by row in random order).
        db_->exec(
            "DROP INDEX order_lines_key; DROP INDEX order_lines_purchases; DROP INDEX "
            "order_lines_customer; DROP INDEX order_lines_extended");
        state->write.emplace(*db_, R"sql(
INSERT INTO order_lines (reference, module, extended_months, purchased_at, purchase_date, customer_email,
                         customer_name, source, imported_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9))sql");
    } else {
        state->write.emplace(*db_, R"sql(
INSERT INTO order_lines (reference, module, extended_months, purchased_at, purchase_date, customer_email,
                         customer_name, source, imported_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
ON CONFLICT (reference, module, extended_months) DO UPDATE SET
    purchased_at = excluded.purchased_at, purchase_date = excluded.purchase_date,
    customer_email = excluded.customer_email, customer_name = excluded.customer_name,
    source = excluded.source, imported_at = excluded.imported_at
WHERE purchased_at IS NOT excluded.purchased_at OR customer_email IS NOT excluded.customer_email
   OR customer_name IS NOT excluded.customer_name)sql");
    }
    return std::make_unique<SqliteLineImport>(std::move(state));
}

ImportCounts Ledger::import_lines(const std::vector<OrderLine>& lines, const std::string& source,
                                  const std::string& now, const std::vector<OrderLine>& withdrawn) {
    auto import = begin_import(source, now, withdrawn);
    std::vector<std::uint64_t> groups;
    for (const auto& line : lines)
        if (line.is_extension()) groups.push_back(extension_group(line));
    import->expect_extensions(std::move(groups));
    for (const auto& line : lines) import->add(line);
    return import->commit();
}

void SqliteLedger::recompute_groups(const std::set<std::pair<std::string, std::string>>& groups) {
    // One indexed lookup per group, rather than a walk of the whole table in customer order.
    sqlite::Statement select(*db_,
                             std::string("SELECT ") + kLineColumns +
                                 " FROM order_lines WHERE customer_email = ?1 AND module = ?2");
    sqlite::Statement update(*db_,
                             "UPDATE order_lines SET applied_extension_months = ?2 WHERE id = ?1");
    std::vector<OrderLine> group;
    for (const auto& [email, module] : groups) {
        group.clear();
        select.bind_static(1, email).bind_static(2, module);
        while (select.step()) group.push_back(read_line(select));
        select.reset();
        auto months = applied_extensions(group);
        for (std::size_t i = 0; i < group.size(); ++i) {
            if (months[i] == group[i].applied_extension_months) continue;
            update.bind(1, group[i].id).bind(2, std::int64_t{months[i]});
            update.step();
            update.reset();
        }
    }
}

void SqliteLedger::recompute_extensions() {
    // Only customers and modules with extension lines can have a non-zero applied extension.
    sqlite::Statement select(*db_, std::string("SELECT ") + kLineColumns + R"sql( FROM order_lines
WHERE applied_extension_months > 0
   OR (customer_email, module) IN (SELECT customer_email, module FROM order_lines WHERE extended_months > 0)
ORDER BY customer_email, module)sql");
    sqlite::Statement update(*db_,
                             "UPDATE order_lines SET applied_extension_months = ?2 WHERE id = ?1");
    std::vector<OrderLine> group;
    auto flush = [&] {
        auto months = applied_extensions(group);
        for (std::size_t i = 0; i < group.size(); ++i) {
            if (months[i] == group[i].applied_extension_months) continue;
            update.bind(1, group[i].id).bind(2, std::int64_t{months[i]});
            update.step();
            update.reset();
        }
        group.clear();
    };
    while (select.step()) {
        OrderLine line = read_line(select);
        if (!group.empty() && (group.front().customer_email != line.customer_email ||
                               group.front().module != line.module))
            flush();
        group.push_back(std::move(line));
    }
    flush();
}

std::vector<OrderLine> SqliteLedger::order(const std::string& reference) {
    sqlite::Statement s(
        *db_, std::string("SELECT ") + kLineColumns +
                  " FROM order_lines WHERE reference = ?1 ORDER BY module, extended_months");
    s.bind(1, reference);
    std::vector<OrderLine> out;
    while (s.step()) out.push_back(read_line(s));
    return out;
}

std::vector<OrderLine> SqliteLedger::customer_module(const std::string& email,
                                                     const std::string& module) {
    sqlite::Statement s(
        *db_,
        std::string("SELECT ") + kLineColumns +
            " FROM order_lines WHERE customer_email = ?1 AND module = ?2 ORDER BY purchased_at");
    s.bind(1, email).bind(2, module);
    std::vector<OrderLine> out;
    while (s.step()) out.push_back(read_line(s));
    return out;
}

std::vector<OrderLine> SqliteLedger::purchases_between(const Date& from, const Date& to) {
    sqlite::Statement s(
        *db_, std::string("SELECT ") + kLineColumns +
                  " FROM order_lines WHERE extended_months = 0 AND purchase_date BETWEEN ?1 AND ?2"
                  " ORDER BY purchase_date, reference, module");
    s.bind(1, format_date(from)).bind(2, format_date(to));
    std::vector<OrderLine> out;
    while (s.step()) out.push_back(read_line(s));
    return out;
}

std::vector<OrderLine> SqliteLedger::purchases_for_window(const std::pair<Date, Date>& plain,
                                                          const std::pair<Date, Date>& extended) {
    std::vector<OrderLine> out;
    sqlite::Statement a(
        *db_, std::string("SELECT ") + kLineColumns +
                  " FROM order_lines INDEXED BY order_lines_purchases WHERE extended_months = 0 AND"
                  " purchase_date BETWEEN ?1 AND ?2 AND applied_extension_months = 0");
    a.bind(1, format_date(plain.first)).bind(2, format_date(plain.second));
    while (a.step()) out.push_back(read_line(a));
    sqlite::Statement b(
        *db_, std::string("SELECT ") + kLineColumns +
                  " FROM order_lines INDEXED BY order_lines_extended WHERE extended_months = 0 AND"
                  " applied_extension_months > 0 AND purchase_date BETWEEN ?1 AND ?2");
    b.bind(1, format_date(extended.first)).bind(2, format_date(extended.second));
    while (b.step()) out.push_back(read_line(b));
    return out;
}

void SqliteLedger::for_each_line(const std::function<void(const OrderLine&)>& visit) {
    sqlite::Statement s(
        *db_, std::string("SELECT ") + kLineColumns +
                  " FROM order_lines ORDER BY purchased_at, reference, module, extended_months");
    while (s.step()) visit(read_line(s));
}

std::int64_t SqliteLedger::line_count() {
    return db_->scalar("SELECT count(*) FROM order_lines");
}

std::vector<ReminderRecord> SqliteLedger::reminders_of_line(std::int64_t line_id) {
    sqlite::Statement s(
        *db_, std::string("SELECT ") + kReminderColumns +
                  " FROM reminders WHERE line_id = ?1 ORDER BY support_end, threshold DESC");
    s.bind(1, line_id);
    std::vector<ReminderRecord> out;
    while (s.step()) out.push_back(read_reminder(s));
    return out;
}

std::map<ReminderKey, ReminderRecord> SqliteLedger::reminders_ending_between(const Date& from,
                                                                             const Date& to) {
    sqlite::Statement s(*db_, std::string("SELECT ") + kReminderColumns +
                                  " FROM reminders WHERE support_end BETWEEN ?1 AND ?2");
    s.bind(1, format_date(from)).bind(2, format_date(to));
    std::map<ReminderKey, ReminderRecord> out;
    while (s.step()) {
        auto r = read_reminder(s);
        out.emplace(r.key, std::move(r));
    }
    return out;
}

std::vector<ClaimOutcome> SqliteLedger::claim(
    const std::vector<ClaimRequest>& requests, const std::string& owner, const std::string& now,
    const std::function<bool(const ReminderRecord&)>& is_stale) {
    std::vector<ClaimOutcome> outcomes;
    sqlite::Transaction tx(*db_);
    sqlite::Statement get(
        *db_, std::string("SELECT ") + kReminderColumns +
                  " FROM reminders WHERE line_id = ?1 AND threshold = ?2 AND support_end = ?3");
    sqlite::Statement put(*db_, R"sql(
INSERT INTO reminders (line_id, threshold, support_end, state, owner, claimed_at) VALUES (?1, ?2, ?3, 'claimed', ?4, ?5)
ON CONFLICT (line_id, threshold, support_end) DO UPDATE SET state = 'claimed', owner = ?4, claimed_at = ?5)sql");
    // A larger threshold that failed earlier is covered too: it will never be retried.
    sqlite::Statement cover(*db_, R"sql(
INSERT INTO reminders (line_id, threshold, support_end, state, claimed_at) VALUES (?1, ?2, ?3, 'covered', ?4)
ON CONFLICT (line_id, threshold, support_end) DO UPDATE SET state = 'covered' WHERE state = 'failed')sql");
    for (const auto& request : requests) {
        const auto& k = request.key;
        get.bind(1, k.line_id).bind(2, std::int64_t{k.threshold}).bind(3, k.support_end);
        std::optional<ReminderRecord> existing;
        if (get.step()) existing = read_reminder(get);
        get.reset();
        ClaimOutcome outcome = ClaimOutcome::claimed;
        if (existing) {
            if (existing->state == ReminderState::sent || existing->state == ReminderState::covered)
                outcome = ClaimOutcome::done;
            else if (existing->state == ReminderState::claimed && !is_stale(*existing))
                outcome = ClaimOutcome::busy;
            else if (existing->state == ReminderState::claimed)
                log::warn(
                    "reminder for order line {} ({} days): taking over the claim of {}, a run that "
                    "stopped "
                    "before recording its result",
                    k.line_id, k.threshold, existing->owner);
        }
        if (outcome == ClaimOutcome::claimed) {
            put.bind(1, k.line_id)
                .bind(2, std::int64_t{k.threshold})
                .bind(3, k.support_end)
                .bind(4, owner)
                .bind(5, now);
            put.step();
            put.reset();
            for (const auto& c : request.covered) {
                cover.bind(1, c.line_id)
                    .bind(2, std::int64_t{c.threshold})
                    .bind(3, c.support_end)
                    .bind(4, now);
                cover.step();
                cover.reset();
            }
        }
        outcomes.push_back(outcome);
    }
    tx.commit();
    return outcomes;
}

bool SqliteLedger::mark_sent(const ReminderKey& key, const std::string& owner,
                             const std::string& message_id, const std::string& now) {
    sqlite::Transaction tx(*db_);
    sqlite::Statement s(*db_, R"sql(
UPDATE reminders SET state = 'sent', sent_at = ?5, message_id = ?6, error = NULL, attempts = attempts + 1
WHERE line_id = ?1 AND threshold = ?2 AND support_end = ?3 AND state = 'claimed' AND owner = ?4)sql");
    s.bind(1, key.line_id)
        .bind(2, std::int64_t{key.threshold})
        .bind(3, key.support_end)
        .bind(4, owner);
    s.bind(5, now).bind(6, message_id);
    s.step();
    bool ok = db_->changes() == 1;
    tx.commit();
    return ok;
}

bool SqliteLedger::mark_failed(const ReminderKey& key, const std::string& owner,
                               const std::string& error) {
    sqlite::Transaction tx(*db_);
    sqlite::Statement s(*db_, R"sql(
UPDATE reminders SET state = 'failed', owner = NULL, error = ?5, attempts = attempts + 1
WHERE line_id = ?1 AND threshold = ?2 AND support_end = ?3 AND state = 'claimed' AND owner = ?4)sql");
    s.bind(1, key.line_id)
        .bind(2, std::int64_t{key.threshold})
        .bind(3, key.support_end)
        .bind(4, owner)
        .bind(5, error);
    s.step();
    bool ok = db_->changes() == 1;
    tx.commit();
    return ok;
}

}  // namespace mps
