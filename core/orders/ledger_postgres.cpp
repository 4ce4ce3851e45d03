// The PostgreSQL engine of the ledger ([ledger] url): one database shared by a support team
// and by reminder crons on several hosts. The same tables as the SQLite engine; schema
// migrations recorded in mpsupport_schema and run under a transaction-scoped advisory lock;
// imports streamed with COPY into a temporary table and merged in one statement; reminder
// claims taken with INSERT ... ON CONFLICT DO NOTHING and row locks, so two runs on two
// machines never both claim one reminder.
#include "orders/pq_api.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <numeric>
#include <optional>
#include <tuple>

#include "orders/ledger.hpp"
#include "orders/pg_copy_sender.hpp"
#include "orders/support_window.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace mps {
namespace {

// Migrations: entry i brings the schema from version i to i + 1. Never edit a released one.
// Dates and times are text, as in the SQLite engine (ISO 8601 sorts as it reads); text
// compares byte by byte (COLLATE "C", SQLite's BINARY): the same order on both engines, and
// index builds and sorts without the locale's rules.
const char* const kPgMigrations[] = {
    R"sql(
CREATE TABLE order_lines (
    id BIGSERIAL PRIMARY KEY,
    reference TEXT COLLATE "C" NOT NULL,
    module TEXT COLLATE "C" NOT NULL,
    extended_months INTEGER NOT NULL DEFAULT 0,
    purchased_at TEXT COLLATE "C" NOT NULL,
    purchase_date TEXT COLLATE "C" NOT NULL,
    customer_email TEXT COLLATE "C" NOT NULL,
    customer_name TEXT COLLATE "C" NOT NULL DEFAULT '',
    applied_extension_months INTEGER NOT NULL DEFAULT 0,
    source TEXT COLLATE "C" NOT NULL,
    imported_at TEXT COLLATE "C" NOT NULL
);
CREATE UNIQUE INDEX order_lines_key ON order_lines (reference, module, extended_months);
CREATE INDEX order_lines_purchases ON order_lines (purchase_date) WHERE extended_months = 0;
CREATE INDEX order_lines_customer ON order_lines (customer_email, module);
CREATE INDEX order_lines_extended ON order_lines (purchase_date) WHERE extended_months = 0 AND applied_extension_months > 0;
CREATE TABLE reminders (
    line_id BIGINT NOT NULL REFERENCES order_lines (id),
    threshold INTEGER NOT NULL,
    support_end TEXT COLLATE "C" NOT NULL,
    state TEXT COLLATE "C" NOT NULL CHECK (state IN ('claimed', 'sent', 'covered', 'failed')),
    owner TEXT COLLATE "C",
    claimed_at TEXT COLLATE "C",
    sent_at TEXT COLLATE "C",
    message_id TEXT COLLATE "C",
    error TEXT COLLATE "C",
    attempts INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (line_id, threshold, support_end)
);
CREATE INDEX reminders_end ON reminders (support_end);
CREATE TABLE meta (key TEXT COLLATE "C" PRIMARY KEY, value TEXT COLLATE "C" NOT NULL);
CREATE TABLE tickets (
    id BIGSERIAL PRIMARY KEY,
    sent_at TEXT COLLATE "C" NOT NULL,
    channel TEXT COLLATE "C" NOT NULL CHECK (channel IN ('form', 'email')),
    reference TEXT COLLATE "C" NOT NULL,
    module TEXT COLLATE "C" NOT NULL,
    summary TEXT COLLATE "C" NOT NULL,
    customer_email TEXT COLLATE "C" NOT NULL,
    outcome TEXT COLLATE "C" NOT NULL,
    detail TEXT COLLATE "C" NOT NULL DEFAULT '',
    reply_due TEXT COLLATE "C" NOT NULL DEFAULT '',
    message_id TEXT COLLATE "C" NOT NULL DEFAULT '',
    attachment TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX tickets_reference ON tickets (reference);
)sql",
};
constexpr int kPgSchemaVersion = static_cast<int>(std::size(kPgMigrations));
// The advisory lock key of migrations: "mpsledg" as a number, the same for every instance.
constexpr long long kMigrationLock = 0x6d70736c656467LL;

constexpr const char* kLineColumns =
    "id, reference, module, extended_months, purchased_at, purchase_date, customer_email, "
    "customer_name, applied_extension_months";
constexpr const char* kReminderColumns =
    "line_id, threshold, support_end, state, coalesce(owner, ''), coalesce(claimed_at, ''), "
    "coalesce(sent_at, ''), coalesce(message_id, ''), coalesce(error, ''), attempts";

// host_of: the host part of a postgresql:// URL, for messages.
std::string host_of(const std::string& url) {
    auto start = url.find("://");
    std::string rest = start == std::string::npos ? url : url.substr(start + 3);
    rest = rest.substr(0, rest.find_first_of("/?"));
    auto at = rest.rfind('@');
    if (at != std::string::npos) rest = rest.substr(at + 1);
    if (rest.empty()) {
        auto q = url.find("host=");
        if (q != std::string::npos) rest = url.substr(q + 5, url.find('&', q) - q - 5);
    }
    return rest.empty() ? std::string("localhost") : rest;
}

// Params: text parameters of a query ($1, $2, ...).
class Params {
  public:
    Params& add(std::string value) {
        values_.push_back(std::move(value));
        return *this;
    }
    Params& add(std::int64_t value) { return add(std::to_string(value)); }
    Params& add(int value) { return add(std::to_string(value)); }
    int size() const { return static_cast<int>(values_.size()); }
    std::vector<const char*> pointers() const {
        std::vector<const char*> out;
        for (const auto& v : values_) out.push_back(v.c_str());
        return out;
    }

  private:
    std::vector<std::string> values_;
};

struct ResultDeleter {
    void operator()(PGresult* r) const { pq().PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

std::string cell(const PGresult* r, int row, int column) {
    return pq().PQgetisnull(r, row, column)
               ? std::string()
               : std::string(pq().PQgetvalue(r, row, column),
                             static_cast<std::size_t>(pq().PQgetlength(r, row, column)));
}

std::int64_t cell_int(const PGresult* r, int row, int column) {
    return pq().PQgetisnull(r, row, column)
               ? 0
               : std::strtoll(pq().PQgetvalue(r, row, column), nullptr, 10);
}

OrderLine read_line(const PGresult* r, int row) {
    OrderLine line;
    line.id = cell_int(r, row, 0);
    line.reference = cell(r, row, 1);
    line.module = cell(r, row, 2);
    line.extended_months = static_cast<int>(cell_int(r, row, 3));
    line.purchased_at = cell(r, row, 4);
    line.purchase_date = parse_date(cell(r, row, 5)).value_or(Date{});
    line.customer_email = cell(r, row, 6);
    line.customer_name = cell(r, row, 7);
    line.applied_extension_months = static_cast<int>(cell_int(r, row, 8));
    return line;
}

ReminderState state_from(const std::string& text) {
    if (text == "sent") return ReminderState::sent;
    if (text == "covered") return ReminderState::covered;
    if (text == "failed") return ReminderState::failed;
    return ReminderState::claimed;
}

ReminderRecord read_reminder(const PGresult* r, int row) {
    ReminderRecord rec;
    rec.key = {cell_int(r, row, 0), static_cast<int>(cell_int(r, row, 1)), cell(r, row, 2)};
    rec.state = state_from(cell(r, row, 3));
    rec.owner = cell(r, row, 4);
    rec.claimed_at = cell(r, row, 5);
    rec.sent_at = cell(r, row, 6);
    rec.message_id = cell(r, row, 7);
    rec.error = cell(r, row, 8);
    rec.attempts = static_cast<int>(cell_int(r, row, 9));
    return rec;
}

// copy_escape: `text` as a field of COPY's text format.
void copy_escape(std::string& out, const std::string& text) {
    for (char c : text) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            default:
                out += c;
        }
    }
}

// COPY's binary format (a bulk load: the server parses no text): big-endian integers, each
// field its length then its bytes.
void put_int(std::string& out, std::uint64_t value, int bytes) {
    for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8)
        out += static_cast<char>((value >> shift) & 0xff);
}
void put_text(std::string& out, const std::string& text) {
    put_int(out, text.size(), 4);
    out += text;
}
void put_int_field(std::string& out, std::int64_t value, int bytes) {
    put_int(out, static_cast<std::uint64_t>(bytes), 4);
    put_int(out, static_cast<std::uint64_t>(value), bytes);
}
// put_date: format_date(date) as a field, without snprintf (it runs for every line).
void put_date(std::string& out, const Date& date) {
    if (date.year < 0 || date.year > 9999 || date.month < 0 || date.month > 99 || date.day < 0 ||
        date.day > 99) {
        put_text(out, format_date(date));
        return;
    }
    char text[10] = {static_cast<char>('0' + date.year / 1000),
                     static_cast<char>('0' + date.year / 100 % 10),
                     static_cast<char>('0' + date.year / 10 % 10),
                     static_cast<char>('0' + date.year % 10),
                     '-',
                     static_cast<char>('0' + date.month / 10),
                     static_cast<char>('0' + date.month % 10),
                     '-',
                     static_cast<char>('0' + date.day / 10),
                     static_cast<char>('0' + date.day % 10)};
    put_int(out, sizeof text, 4);
    out.append(text, sizeof text);
}
constexpr char kBinaryCopyHeader[] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";  // flags, extension

class PgConnection {
  public:
    PgConnection(const LedgerTarget& target) : url_(target.url), host_(host_of(target.url)) {
        int seconds = std::max(1, target.timeout_seconds);
        std::string timeout = std::to_string(seconds);
        std::vector<const char*> keys, values;
        auto option = [&](const char* key, const char* value) {
            keys.push_back(key);
            values.push_back(value);
        };
        // Defaults the URL (after them: later keywords win) or PG* variables may change.
        // gssencmode: libpq's "prefer" asks Kerberos for credentials before every TCP
        // connection, milliseconds spent even where no Kerberos is set up.
        if (!std::getenv("PGGSSENCMODE")) option("gssencmode", "disable");
        // A database host that vanishes (power, network, a failover moving its address) sends
        // nothing more, not even a reset: without these a run waits for the kernel's defaults
        // (2 hours of keepalive, 15 minutes of retransmissions). Probes after --timeout idle
        // seconds, 3 more a third of it apart; sent data unacknowledged for --timeout ends it
        // too. A busy server (a lock held by an import) still answers the probes: waited for.
        std::string probe_gap = std::to_string(std::max(1, seconds / 3));
        std::string user_timeout_ms = std::to_string(seconds * 1000L);
        option("keepalives", "1");
        option("keepalives_idle", timeout.c_str());
        option("keepalives_interval", probe_gap.c_str());
        option("keepalives_count", "3");
        option("tcp_user_timeout", user_timeout_ms.c_str());
        option("dbname", target.url.c_str());
        option("connect_timeout", timeout.c_str());
        option("application_name", "mpsupport");
        if (!target.password.empty()) option("password", target.password.c_str());
        option(nullptr, nullptr);
        conn_ = pq().PQconnectdbParams(keys.data(), values.data(), 1);
        if (conn_ == nullptr)
            throw Error(ErrorKind::internal, "ledger: out of memory connecting to " + host_);
        if (pq().PQstatus(conn_) != CONNECTION_OK) {
            std::string why = pq().PQerrorMessage(conn_);
            while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
            bool auth = pq().PQconnectionNeedsPassword(conn_) ||
                        why.find("authentication failed") != std::string::npos ||
                        why.find("no password supplied") != std::string::npos;
            bool missing = why.find("does not exist") != std::string::npos;
            pq().PQfinish(conn_);
            conn_ = nullptr;
            if (auth)
                throw Error(ErrorKind::auth,
                            "ledger database " + host_ + " refused the login: " + last_line(why),
                            "check the user in [ledger] url and the password "
                            "(MPSUPPORT_LEDGER_PASSWORD, [ledger] password_file or "
                            "password_command, PGPASSWORD or ~/.pgpass)");
            if (missing)
                throw Error(ErrorKind::usage, "ledger database at " + host_ + ": " + last_line(why),
                            "create the database (createdb) or fix [ledger] url");
            throw Error(ErrorKind::unreachable,
                        "cannot reach the ledger database at " + host_ + ": " + last_line(why),
                        "check [ledger] url (or MPSUPPORT_LEDGER_URL) and that PostgreSQL runs "
                        "there; mpsupport never falls back to the local ledger file");
        }
        pq().PQsetNoticeProcessor(
            conn_, [](void*, const char*) {}, nullptr);
    }
    ~PgConnection() {
        if (conn_) pq().PQfinish(conn_);
    }
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    // last_line: libpq's message as one line (its lines trimmed and joined with "; ").
    static std::string last_line(const std::string& text) {
        std::string out, item;
        auto flush = [&] {
            auto a = item.find_first_not_of(" \t\r");
            auto b = item.find_last_not_of(" \t\r");
            if (a != std::string::npos)
                out += (out.empty() ? "" : "; ") + item.substr(a, b - a + 1);
            item.clear();
        };
        for (char c : text) {
            if (c == '\n')
                flush();
            else
                item += c;
        }
        flush();
        return out;
    }

    [[noreturn]] void fail(const std::string& what, const PGresult* r) const {
        std::string state = r ? cell_state(r) : std::string();
        std::string why = r && pq().PQresultErrorMessage(r)[0] ? pq().PQresultErrorMessage(r)
                                                               : pq().PQerrorMessage(conn_);
        // One line: a lost connection is libpq's "FATAL: ...\nserver closed the connection
        // unexpectedly\n\tThis probably means...".
        std::string doing;  // `what` quotes SQL, which has line breaks
        for (char ch : what)
            if (ch != '\n' && ch != '\t' && ch != '\r')
                doing += ch;
            else if (!doing.empty() && doing.back() != ' ' && doing.back() != '\'')
                doing += ' ';
        std::string message = "ledger database " + host_ + ": " + doing + ": " + last_line(why);
        if (pq().PQstatus(conn_) == CONNECTION_BAD || state.rfind("08", 0) == 0 ||
            state.rfind("57P", 0) == 0) {
            // libpq's first line says why (e.g. "FATAL: terminating connection due to
            // administrator command"); the rest is its generic advice.
            std::string first = last_line(why.substr(0, why.find('\n')));
            throw Error(ErrorKind::unreachable,
                        "lost the connection to the ledger database at " + host_ +
                            (first.empty() ? std::string() : " (" + first + ")"),
                        "nothing half-done was kept; run the command again");
        }
        if (state.rfind("28", 0) == 0 || state == "42501")
            throw Error(ErrorKind::auth, message,
                        "grant the ledger's user the rights on its database");
        if (state == "40001" || state == "40P01" || state == "55P03")
            throw Error(ErrorKind::unreachable, message,
                        "another mpsupport run holds the ledger; try again");
        throw Error(ErrorKind::internal, message, "this is a bug in mpsupport; please report it");
    }

    static std::string cell_state(const PGresult* r) {
        const char* s = pq().PQresultErrorField(r, PG_DIAG_SQLSTATE);
        return s ? s : "";
    }

    Result exec(const std::string& sql, const Params& params = {}) {
        auto pointers = params.pointers();
        Result r(pq().PQexecParams(conn_, sql.c_str(), params.size(), nullptr,
                                   pointers.empty() ? nullptr : pointers.data(), nullptr, nullptr,
                                   0));
        auto status = r ? pq().PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
            fail("cannot run '" + sql.substr(0, 40) + "'", r.get());
        return r;
    }

    // exec_script: several statements, no parameters.
    void exec_script(const std::string& sql) {
        Result r(pq().PQexec(conn_, sql.c_str()));
        auto status = r ? pq().PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
            fail("cannot run '" + sql.substr(0, 40) + "'", r.get());
    }

    // each_row: `visit` each row of the query as it arrives (single-row mode: the result is
    // never held whole in memory).
    void each_row(const std::string& sql, const Params& params,
                  const std::function<void(const PGresult*)>& visit) {
        auto pointers = params.pointers();
        if (!pq().PQsendQueryParams(conn_, sql.c_str(), params.size(), nullptr,
                                    pointers.empty() ? nullptr : pointers.data(), nullptr, nullptr,
                                    0))
            fail("cannot send '" + sql.substr(0, 40) + "'", nullptr);
        pq().PQsetSingleRowMode(conn_);
        std::optional<Error> error;
        while (PGresult* raw = pq().PQgetResult(conn_)) {
            Result r(raw);
            auto status = pq().PQresultStatus(raw);
            if (status == PGRES_SINGLE_TUPLE) {
                if (!error) {
                    try {
                        visit(raw);
                    } catch (const Error& e) {
                        error = e;
                    }
                }
            } else if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK && !error) {
                try {
                    fail("cannot run '" + sql.substr(0, 40) + "'", raw);
                } catch (const Error& e) {
                    error = e;
                }
            }
        }
        if (error) throw *error;
    }

    std::int64_t scalar(const std::string& sql, const Params& params = {}) {
        auto r = exec(sql, params);
        return pq().PQntuples(r.get()) > 0 ? cell_int(r.get(), 0, 0) : 0;
    }

    PGconn* handle() { return conn_; }
    const std::string& host() const { return host_; }
    const std::string& url() const { return url_; }

  private:
    std::string url_;
    std::string host_;
    PGconn* conn_ = nullptr;
};

// PgTransaction: BEGIN; rolls back unless commit() was called.
class PgTransaction {
  public:
    explicit PgTransaction(PgConnection& c) : c_(c) { c_.exec("BEGIN"); }
    ~PgTransaction() {
        if (!done_) Result(pq().PQexec(c_.handle(), "ROLLBACK"));
    }
    void commit() {
        c_.exec("COMMIT");
        done_ = true;
    }

  private:
    PgConnection& c_;
    bool done_ = false;
};

// schema_is_current: one query and no lock, the path of every run but the first. A missing
// mpsupport_schema table (42P01: a new database) reads as "not current". The rows (one per
// migration), not max(version): in a new backend, whose caches are cold, the aggregate's
// catalog lookups and min/max planning cost about 2 ms on every run of every command.
bool schema_is_current(PgConnection& c) {
    Result r(pq().PQexec(c.handle(), "SELECT version FROM mpsupport_schema"));
    if (r && pq().PQresultStatus(r.get()) == PGRES_TUPLES_OK) {
        std::int64_t newest = 0;
        for (int i = 0; i < pq().PQntuples(r.get()); ++i)
            newest = std::max(newest, cell_int(r.get(), i, 0));
        return newest == kPgSchemaVersion;
    }
    if (r && PgConnection::cell_state(r.get()) == "42P01") return false;
    c.fail("cannot read the schema version", r.get());
}

void migrate(PgConnection& c) {
    if (schema_is_current(c)) return;
    PgTransaction tx(c);
    // Two instances starting at once on an empty database: the second waits here, then finds
    // the migrations done.
    c.exec("SELECT pg_advisory_xact_lock($1)", Params().add(std::to_string(kMigrationLock)));
    c.exec(
        "CREATE TABLE IF NOT EXISTS mpsupport_schema (version INTEGER PRIMARY KEY, "
        "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
    int version =
        static_cast<int>(c.scalar("SELECT coalesce(max(version), 0) FROM mpsupport_schema"));
    if (version > kPgSchemaVersion)
        throw Error(ErrorKind::usage,
                    "ledger database " + c.host() + " has schema version " +
                        std::to_string(version) + ", newer than this mpsupport knows (" +
                        std::to_string(kPgSchemaVersion) + ")",
                    "upgrade mpsupport");
    for (int v = version; v < kPgSchemaVersion; ++v) {
        log::info("ledger database {}: migrating schema {} -> {}", c.host(), v, v + 1);
        c.exec_script(kPgMigrations[v]);
        c.exec("INSERT INTO mpsupport_schema (version) VALUES ($1)", Params().add(v + 1));
    }
    tx.commit();
}

class PgLedger;

class PgLineImport final : public LineImport {
  public:
    PgLineImport(PgLedger& ledger, PgConnection& c, std::string source, std::string now);
    ~PgLineImport() override;
    void add(const OrderLine& line) override;
    void expect_extensions(std::vector<std::uint64_t> groups) override;
    ImportCounts commit() override;
    ImportCounts counts;

  private:
    void start_copy();
    bool begin_bulk_load();
    void append_fields(const OrderLine& line);
    void append_bulk_row(const OrderLine& line, std::int64_t id, int applied_extension_months);
    void release_held();
    void write_held();
    void finish_bulk_load();
    void merge_import();
    void flush();
    void finish_sending();
    PgLedger& ledger_;
    PgConnection& c_;
    PgTransaction tx_;
    std::string source_;
    std::string now_;
    std::string buffer_;
    std::string row_end_;  // after the fields of each row: "\n"; bulk: source and time
    std::size_t lines_ = 0;
    bool copying_ = false;
    bool bulk_ = false;  // COPY straight into an empty ledger, indexes built after
    // A bulk load works out applied extensions itself when told which groups have extension
    // lines (expect_extensions): the lines of those groups are held (a few percent of an
    // import) and written last, with their applied extensions; all others go at once. An
    // unexpected extension line (or no hint) writes the held lines as they are and leaves it
    // to one UPDATE after the load.
    bool expecting_ = false;
    std::vector<std::uint64_t> expected_;   // sorted
    std::vector<OrderLine> held_;           // their ids set
    std::unique_ptr<PgCopySender> sender_;  // while copying_
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

class PgLedger final : public Ledger {
  public:
    PgLedger(const LedgerTarget& target) : c_(target) { migrate(c_); }

    const char* engine() const override { return "postgresql"; }
    std::string where() const override { return c_.url(); }
    PgConnection& connection() { return c_; }

    std::unique_ptr<LineImport> begin_import(const std::string& source, const std::string& now,
                                             const std::vector<OrderLine>& withdrawn) override {
        auto import = std::make_unique<PgLineImport>(*this, c_, source, now);
        if (!withdrawn.empty()) remove_lines(withdrawn, import->counts);
        return import;
    }

    void remove_lines(const std::vector<OrderLine>& withdrawn, ImportCounts& counts) {
        for (const auto& line : withdrawn) {
            auto r = c_.exec(
                "SELECT id FROM order_lines WHERE reference = $1 AND module = $2 AND "
                "extended_months = $3",
                Params().add(line.reference).add(line.module).add(line.extended_months));
            if (pq().PQntuples(r.get()) == 0) continue;
            std::string id = cell(r.get(), 0, 0);
            auto gone = c_.exec("DELETE FROM reminders WHERE line_id = $1", Params().add(id));
            counts.reminders_removed += std::strtoull(pq().PQcmdTuples(gone.get()), nullptr, 10);
            c_.exec("DELETE FROM order_lines WHERE id = $1", Params().add(id));
            ++counts.removed;
            if (std::find(counts.removed_references.begin(), counts.removed_references.end(),
                          line.reference) == counts.removed_references.end())
                counts.removed_references.push_back(line.reference);
        }
    }

    void recompute_extensions() {
        // Only customers and modules with extension lines can have a non-zero applied extension.
        std::vector<std::pair<std::string, int>> updates;
        std::vector<OrderLine> group;
        auto flush = [&] {
            auto months = applied_extensions(group);
            for (std::size_t i = 0; i < group.size(); ++i)
                if (months[i] != group[i].applied_extension_months)
                    updates.emplace_back(std::to_string(group[i].id), months[i]);
            group.clear();
        };
        // The (customer, module) groups with an extension line or an applied extension: a
        // small set (hashed), joined to their lines.
        c_.each_row(
            std::string("SELECT ") + kLineColumns + R"sql( FROM order_lines
WHERE (customer_email, module) IN (
    SELECT customer_email, module FROM order_lines WHERE extended_months > 0
    UNION SELECT customer_email, module FROM order_lines WHERE applied_extension_months > 0)
ORDER BY customer_email, module)sql",
            {}, [&](const PGresult* r) {
                OrderLine line = read_line(r, 0);
                if (!group.empty() && (group.front().customer_email != line.customer_email ||
                                       group.front().module != line.module))
                    flush();
                group.push_back(std::move(line));
            });
        flush();
        if (updates.empty()) return;
        // One statement for all the changes: arrays of ids and months.
        std::string ids = "{", months = "{";
        for (const auto& [id, m] : updates) {
            if (ids.size() > 1) {
                ids += ',';
                months += ',';
            }
            ids += id;
            months += std::to_string(m);
        }
        ids += '}';
        months += '}';
        c_.exec(
            "UPDATE order_lines o SET applied_extension_months = u.months FROM "
            "unnest($1::bigint[], $2::int[]) AS u(id, months) WHERE o.id = u.id",
            Params().add(ids).add(months));
    }

    std::vector<OrderLine> lines(const std::string& where, const Params& params) {
        auto r =
            c_.exec(std::string("SELECT ") + kLineColumns + " FROM order_lines " + where, params);
        std::vector<OrderLine> out;
        for (int i = 0; i < pq().PQntuples(r.get()); ++i) out.push_back(read_line(r.get(), i));
        return out;
    }

    std::vector<OrderLine> order(const std::string& reference) override {
        return lines("WHERE reference = $1 ORDER BY module, extended_months",
                     Params().add(reference));
    }
    std::vector<OrderLine> customer_module(const std::string& email,
                                           const std::string& module) override {
        return lines("WHERE customer_email = $1 AND module = $2 ORDER BY purchased_at",
                     Params().add(email).add(module));
    }
    std::vector<OrderLine> purchases_between(const Date& from, const Date& to) override {
        return lines(
            "WHERE extended_months = 0 AND purchase_date BETWEEN $1 AND $2 ORDER BY "
            "purchase_date, reference, module",
            Params().add(format_date(from)).add(format_date(to)));
    }
    std::vector<OrderLine> purchases_for_window(const std::pair<Date, Date>& plain,
                                                const std::pair<Date, Date>& extended) override {
        auto out = lines(
            "WHERE extended_months = 0 AND purchase_date BETWEEN $1 AND $2 AND "
            "applied_extension_months = 0",
            Params().add(format_date(plain.first)).add(format_date(plain.second)));
        auto more = lines(
            "WHERE extended_months = 0 AND applied_extension_months > 0 AND purchase_date "
            "BETWEEN $1 AND $2",
            Params().add(format_date(extended.first)).add(format_date(extended.second)));
        out.insert(out.end(), more.begin(), more.end());
        return out;
    }
    void for_each_line(const std::function<void(const OrderLine&)>& visit) override {
        c_.each_row(std::string("SELECT ") + kLineColumns +
                        " FROM order_lines ORDER BY purchased_at, reference, module, "
                        "extended_months",
                    {}, [&](const PGresult* r) { visit(read_line(r, 0)); });
    }
    std::int64_t line_count() override { return c_.scalar("SELECT count(*) FROM order_lines"); }

    std::vector<ReminderRecord> reminders(const std::string& where, const Params& params) {
        auto r =
            c_.exec(std::string("SELECT ") + kReminderColumns + " FROM reminders " + where, params);
        std::vector<ReminderRecord> out;
        for (int i = 0; i < pq().PQntuples(r.get()); ++i) out.push_back(read_reminder(r.get(), i));
        return out;
    }
    std::vector<ReminderRecord> reminders_of_line(std::int64_t line_id) override {
        return reminders("WHERE line_id = $1 ORDER BY support_end, threshold DESC",
                         Params().add(line_id));
    }
    std::map<ReminderKey, ReminderRecord> reminders_ending_between(const Date& from,
                                                                   const Date& to) override {
        std::map<ReminderKey, ReminderRecord> out;
        for (auto& r : reminders("WHERE support_end BETWEEN $1 AND $2",
                                 Params().add(format_date(from)).add(format_date(to))))
            out.emplace(r.key, std::move(r));
        return out;
    }
    std::vector<ReminderRecord> all_reminders() override {
        return reminders("ORDER BY line_id, support_end, threshold", {});
    }
    bool put_reminder(const ReminderRecord& r) override {
        auto result = c_.exec(R"sql(
INSERT INTO reminders (line_id, threshold, support_end, state, owner, claimed_at, sent_at, message_id, error, attempts)
VALUES ($1, $2, $3, $4, nullif($5, ''), nullif($6, ''), nullif($7, ''), nullif($8, ''), nullif($9, ''), $10)
ON CONFLICT (line_id, threshold, support_end) DO NOTHING)sql",
                              Params()
                                  .add(r.key.line_id)
                                  .add(r.key.threshold)
                                  .add(r.key.support_end)
                                  .add(std::string(reminder_state_name(r.state)))
                                  .add(r.owner)
                                  .add(r.claimed_at)
                                  .add(r.sent_at)
                                  .add(r.message_id)
                                  .add(r.error)
                                  .add(r.attempts));
        return std::string(pq().PQcmdTuples(result.get())) == "1";
    }

    std::vector<ClaimOutcome> claim(
        const std::vector<ClaimRequest>& requests, const std::string& owner, const std::string& now,
        const std::function<bool(const ReminderRecord&)>& is_stale) override {
        // Keys locked in one order by every run: two runs never wait for each other in a cycle.
        std::vector<std::size_t> order(requests.size());
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(),
                  [&](auto a, auto b) { return requests[a].key < requests[b].key; });
        std::vector<ClaimOutcome> outcomes(requests.size(), ClaimOutcome::busy);
        PgTransaction tx(c_);
        for (std::size_t index : order) {
            const auto& request = requests[index];
            const auto& k = request.key;
            Params key = Params().add(k.line_id).add(k.threshold).add(k.support_end);
            // A new claim: the row did not exist. A concurrent run inserting the same key
            // makes this wait for its commit, then insert nothing.
            auto inserted = c_.exec(
                R"sql(
INSERT INTO reminders (line_id, threshold, support_end, state, owner, claimed_at) VALUES ($1, $2, $3, 'claimed', $4, $5)
ON CONFLICT (line_id, threshold, support_end) DO NOTHING)sql",
                Params().add(k.line_id).add(k.threshold).add(k.support_end).add(owner).add(now));
            ClaimOutcome outcome = ClaimOutcome::claimed;
            if (std::string(pq().PQcmdTuples(inserted.get())) != "1") {
                // The row exists: lock it and decide from its committed state.
                auto found = reminders(
                    "WHERE line_id = $1 AND threshold = $2 AND support_end = $3 FOR UPDATE", key);
                if (found.empty()) {
                    outcome = ClaimOutcome::busy;  // removed meanwhile: the next run sees it
                } else {
                    const auto& existing = found.front();
                    if (existing.state == ReminderState::sent ||
                        existing.state == ReminderState::covered)
                        outcome = ClaimOutcome::done;
                    else if (existing.state == ReminderState::claimed && !is_stale(existing))
                        outcome = ClaimOutcome::busy;
                    else {
                        if (existing.state == ReminderState::claimed)
                            log::warn(
                                "reminder for order line {} ({} days): taking over the claim of "
                                "{}, its lease expired before it recorded a result",
                                k.line_id, k.threshold, existing.owner);
                        c_.exec(
                            "UPDATE reminders SET state = 'claimed', owner = $4, claimed_at = $5 "
                            "WHERE line_id = $1 AND threshold = $2 AND support_end = $3",
                            Params()
                                .add(k.line_id)
                                .add(k.threshold)
                                .add(k.support_end)
                                .add(owner)
                                .add(now));
                    }
                }
            }
            if (outcome == ClaimOutcome::claimed) {
                // A larger threshold that failed earlier is covered too: never retried.
                for (const auto& c : request.covered)
                    c_.exec(R"sql(
INSERT INTO reminders (line_id, threshold, support_end, state, claimed_at) VALUES ($1, $2, $3, 'covered', $4)
ON CONFLICT (line_id, threshold, support_end) DO UPDATE SET state = 'covered' WHERE reminders.state = 'failed')sql",
                            Params().add(c.line_id).add(c.threshold).add(c.support_end).add(now));
            }
            outcomes[index] = outcome;
        }
        tx.commit();
        return outcomes;
    }

    // record: run `sql`, which records the answer to a mail already handed to the SMTP
    // server. When the connection was lost, reconnect once and record it anyway (else the next
    // run mails the customer again), release the run's other claims (never tried: mails go
    // one at a time) so that any host takes them at once, then stop the run with the error.
    Result record(const std::string& sql, const Params& params, const std::string& owner) {
        try {
            return c_.exec(sql, params);
        } catch (const Error& lost) {
            if (lost.kind() != ErrorKind::unreachable ||
                pq().PQstatus(c_.handle()) != CONNECTION_BAD)
                throw;
            pq().PQreset(c_.handle());
            if (pq().PQstatus(c_.handle()) != CONNECTION_OK) throw lost;
            try {
                c_.exec(sql, params);
                c_.exec(
                    "UPDATE reminders SET state = 'failed', owner = NULL, error = 'not attempted: "
                    "the connection to the ledger was lost' WHERE state = 'claimed' AND owner = $1",
                    Params().add(owner));
                log::warn("ledger database {}: reconnected to record the last mail sent",
                          c_.host());
            } catch (const Error&) {
                // Still unreachable: the claims stay claimed until their lease expires.
            }
            throw lost;
        }
    }

    bool mark_sent(const ReminderKey& key, const std::string& owner, const std::string& message_id,
                   const std::string& now) override {
        auto r = record(R"sql(
UPDATE reminders SET state = 'sent', sent_at = $5, message_id = $6, error = NULL, attempts = attempts + 1
WHERE line_id = $1 AND threshold = $2 AND support_end = $3 AND state = 'claimed' AND owner = $4)sql",
                        Params()
                            .add(key.line_id)
                            .add(key.threshold)
                            .add(key.support_end)
                            .add(owner)
                            .add(now)
                            .add(message_id),
                        owner);
        return std::string(pq().PQcmdTuples(r.get())) == "1";
    }
    bool mark_failed(const ReminderKey& key, const std::string& owner,
                     const std::string& error) override {
        auto r = record(
            R"sql(
UPDATE reminders SET state = 'failed', owner = NULL, error = $5, attempts = attempts + 1
WHERE line_id = $1 AND threshold = $2 AND support_end = $3 AND state = 'claimed' AND owner = $4)sql",
            Params().add(key.line_id).add(key.threshold).add(key.support_end).add(owner).add(error),
            owner);
        return std::string(pq().PQcmdTuples(r.get())) == "1";
    }

    std::string meta(const std::string& key) override {
        auto r = c_.exec("SELECT value FROM meta WHERE key = $1", Params().add(key));
        return pq().PQntuples(r.get()) > 0 ? cell(r.get(), 0, 0) : std::string();
    }
    void set_meta(const std::string& key, const std::string& value) override {
        c_.exec(
            "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value "
            "= excluded.value",
            Params().add(key).add(value));
    }

    std::map<std::string, std::string> all_meta() override {
        auto r = c_.exec("SELECT key, value FROM meta");
        std::map<std::string, std::string> out;
        for (int i = 0; i < pq().PQntuples(r.get()); ++i)
            out.emplace(cell(r.get(), i, 0), cell(r.get(), i, 1));
        return out;
    }

    std::int64_t add_ticket(const TicketRecord& t) override {
        return c_.scalar(
            "INSERT INTO tickets (sent_at, channel, reference, module, summary, customer_email, "
            "outcome, detail, reply_due, message_id, attachment) VALUES ($1, $2, $3, $4, $5, $6, "
            "$7, $8, $9, $10, $11) RETURNING id",
            Params()
                .add(t.sent_at)
                .add(t.channel)
                .add(t.reference)
                .add(t.module)
                .add(t.summary)
                .add(t.customer_email)
                .add(t.outcome)
                .add(t.detail)
                .add(t.reply_due)
                .add(t.message_id)
                .add(t.attachment));
    }
    std::vector<TicketRecord> tickets() override {
        auto r = c_.exec(
            "SELECT id, sent_at, channel, reference, module, summary, customer_email, outcome, "
            "detail, reply_due, message_id, attachment FROM tickets ORDER BY sent_at, id");
        std::vector<TicketRecord> out;
        for (int i = 0; i < pq().PQntuples(r.get()); ++i) {
            TicketRecord t;
            t.id = cell_int(r.get(), i, 0);
            t.sent_at = cell(r.get(), i, 1);
            t.channel = cell(r.get(), i, 2);
            t.reference = cell(r.get(), i, 3);
            t.module = cell(r.get(), i, 4);
            t.summary = cell(r.get(), i, 5);
            t.customer_email = cell(r.get(), i, 6);
            t.outcome = cell(r.get(), i, 7);
            t.detail = cell(r.get(), i, 8);
            t.reply_due = cell(r.get(), i, 9);
            t.message_id = cell(r.get(), i, 10);
            t.attachment = cell(r.get(), i, 11);
            out.push_back(std::move(t));
        }
        return out;
    }

    int schema_version() override {
        return static_cast<int>(
            c_.scalar("SELECT coalesce(max(version), 0) FROM mpsupport_schema"));
    }

  private:
    PgConnection c_;
};

PgLineImport::PgLineImport(PgLedger& ledger, PgConnection& c, std::string source, std::string now)
    : ledger_(ledger), c_(c), tx_(c), source_(std::move(source)), now_(std::move(now)) {}

PgLineImport::~PgLineImport() {
    sender_.reset();  // waits for its thread: the connection is this thread's again
    if (copying_) {
        pq().PQputCopyEnd(c_.handle(), "import abandoned");
        while (PGresult* r = pq().PQgetResult(c_.handle())) pq().PQclear(r);
    }
}

// The order_lines indexes a bulk load drops and builds again after the rows (a sort each,
// instead of a million index insertions), its primary key (which the reminders' foreign key
// needs) first: inserting into it as COPY goes costs twice its build. Keep in step with the
// migrations (the constraint names are PostgreSQL's defaults for them).
constexpr const char* kPrimaryKey =
    "ALTER TABLE order_lines ADD CONSTRAINT order_lines_pkey PRIMARY KEY (id);"
    "ALTER TABLE reminders ADD CONSTRAINT reminders_line_id_fkey FOREIGN KEY (line_id) "
    "REFERENCES order_lines (id);";
constexpr const char* kCustomerIndex =
    "CREATE INDEX order_lines_customer ON order_lines (customer_email, module)";
constexpr const char* kOtherIndexes =
    "CREATE UNIQUE INDEX order_lines_key ON order_lines (reference, module, extended_months);"
    "CREATE INDEX order_lines_purchases ON order_lines (purchase_date) WHERE extended_months = 0;"
    "CREATE INDEX order_lines_extended ON order_lines (purchase_date) WHERE extended_months = 0 "
    "AND applied_extension_months > 0;";
constexpr const char* kImportColumns =
    "reference, module, extended_months, purchased_at, purchase_date, customer_email, "
    "customer_name";

bool PgLineImport::begin_bulk_load() {
    auto empty = [&] {
        return c_.scalar("SELECT count(*) FROM (SELECT 1 FROM order_lines LIMIT 1) AS l") == 0;
    };
    if (!empty()) return false;
    // Nothing to read yet: the lock keeps a concurrent import (which then merges) and readers
    // waiting until this one commits. Checked again under the lock.
    c_.exec("LOCK TABLE order_lines IN ACCESS EXCLUSIVE MODE");
    if (!empty()) return false;
    // TRUNCATE (of empty tables: reminders need a line) lets COPY FREEZE write the rows
    // already frozen, so the first reads after the load do not rewrite every page; ids start
    // at 1 again, as in SQLite, and come from the import (no nextval() per row). jit off:
    // compiling the one-off statements below costs more than it saves. The sorts of the index
    // builds use maintenance_work_mem on the server.
    c_.exec_script(
        "SET LOCAL maintenance_work_mem = '256MB'; SET LOCAL jit = off;"
        "TRUNCATE order_lines, reminders RESTART IDENTITY;"
        "DROP INDEX order_lines_key, order_lines_purchases, order_lines_customer, "
        "order_lines_extended;"
        "ALTER TABLE reminders DROP CONSTRAINT reminders_line_id_fkey;"
        "ALTER TABLE order_lines DROP CONSTRAINT order_lines_pkey;");
    return true;
}

void PgLineImport::start_copy() {
    bulk_ = begin_bulk_load();
    std::string copy;
    if (bulk_) {
        // Straight into the ledger, the source and time with every row, in the binary format.
        row_end_.clear();
        put_text(row_end_, source_);
        put_text(row_end_, now_);
        buffer_.assign(kBinaryCopyHeader, sizeof kBinaryCopyHeader - 1);
        copy = std::string("COPY order_lines (id, ") + kImportColumns +
               ", applied_extension_months, source, imported_at) FROM STDIN WITH (FORMAT "
               "binary, FREEZE)";
    } else {
        row_end_ = "\n";
        c_.exec_script(
            "SET LOCAL temp_buffers = '64MB';"
            "CREATE TEMPORARY TABLE import_lines (reference TEXT COLLATE \"C\" NOT NULL, module "
            "TEXT COLLATE \"C\" NOT NULL, extended_months INTEGER NOT NULL, purchased_at TEXT "
            "COLLATE \"C\" NOT NULL, purchase_date TEXT COLLATE \"C\" NOT NULL, customer_email "
            "TEXT COLLATE \"C\" NOT NULL, customer_name TEXT COLLATE \"C\" NOT NULL) ON COMMIT "
            "DROP");
        copy = "COPY import_lines FROM STDIN";
    }
    Result r(pq().PQexec(c_.handle(), copy.c_str()));
    if (!r || pq().PQresultStatus(r.get()) != PGRES_COPY_IN) c_.fail("cannot start COPY", r.get());
    copying_ = true;
    sender_ = std::make_unique<PgCopySender>(c_.handle());
}

void PgLineImport::flush() {
    if (buffer_.empty()) return;
    if (!sender_->send(buffer_)) finish_sending();
}

// finish_sending: waits until the sender has sent what it queued, then the connection is this
// thread's again. Fails (the connection's error) when a send failed.
void PgLineImport::finish_sending() {
    bool sent = sender_->finish();
    sender_.reset();
    if (!sent) c_.fail("cannot send the import", nullptr);
}

void PgLineImport::expect_extensions(std::vector<std::uint64_t> groups) {
    std::sort(groups.begin(), groups.end());
    groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
    expected_ = std::move(groups);
    expecting_ = true;
}

void PgLineImport::append_fields(const OrderLine& line) {
    copy_escape(buffer_, line.reference);
    buffer_ += '\t';
    copy_escape(buffer_, line.module);
    buffer_ += '\t';
    buffer_ += std::to_string(line.extended_months);
    buffer_ += '\t';
    copy_escape(buffer_, line.purchased_at);
    buffer_ += '\t';
    buffer_ += format_date(line.purchase_date);
    buffer_ += '\t';
    copy_escape(buffer_, line.customer_email);
    buffer_ += '\t';
    copy_escape(buffer_, line.customer_name);
}

void PgLineImport::append_bulk_row(const OrderLine& line, std::int64_t id,
                                   int applied_extension_months) {
    put_int(buffer_, 11, 2);  // fields
    put_int_field(buffer_, id, 8);
    put_text(buffer_, line.reference);
    put_text(buffer_, line.module);
    put_int_field(buffer_, line.extended_months, 4);
    put_text(buffer_, line.purchased_at);
    put_date(buffer_, line.purchase_date);
    put_text(buffer_, line.customer_email);
    put_text(buffer_, line.customer_name);
    put_int_field(buffer_, applied_extension_months, 4);
    buffer_ += row_end_;
    if (buffer_.size() >= 256 * 1024) flush();
}

// release_held: an extension line of a group not expected: the held lines written as they
// are, the applied extensions left to finish_bulk_load's UPDATE.
void PgLineImport::release_held() {
    for (const auto& line : held_)
        if (!line.is_extension()) append_bulk_row(line, line.id, 0);
    held_ = {};
    expecting_ = false;
}

// write_held: the held purchases, with the applied extensions of their groups (the same
// applied_extensions() as the SQLite engine and every answer about one order).
void PgLineImport::write_held() {
    auto group_less = [](const OrderLine& a, const OrderLine& b) {
        return std::tie(a.customer_email, a.module) < std::tie(b.customer_email, b.module);
    };
    std::sort(held_.begin(), held_.end(), group_less);
    std::vector<OrderLine> group;
    for (auto first = held_.begin(); first != held_.end();) {
        auto last = std::upper_bound(first, held_.end(), *first, group_less);
        group.assign(std::make_move_iterator(first), std::make_move_iterator(last));
        auto months = applied_extensions(group);
        for (std::size_t i = 0; i < group.size(); ++i)
            if (!group[i].is_extension()) append_bulk_row(group[i], group[i].id, months[i]);
        first = last;
    }
    held_ = {};
}

void PgLineImport::add(const OrderLine& line) {
    if (!copying_) start_copy();
    ++lines_;
    if (!bulk_) {
        append_fields(line);
        buffer_ += row_end_;
        if (buffer_.size() >= 256 * 1024) flush();
        return;
    }
    auto id = static_cast<std::int64_t>(lines_);
    if (expecting_) {
        bool expected =
            std::binary_search(expected_.begin(), expected_.end(), extension_group(line));
        if (expected) {
            held_.push_back(line);
            held_.back().id = id;
            // An extension line itself has no applied extension: written now.
            if (!line.is_extension()) return;
        } else if (line.is_extension()) {
            release_held();
        }
    }
    append_bulk_row(line, id, 0);
}

// finish_bulk_load: the indexes and applied extensions of the lines COPY wrote into the empty
// ledger. A key repeated in the import fails the unique index, and nothing is written.
void PgLineImport::finish_bulk_load() {
    counts.inserted = lines_;
    if (lines_ > 0)
        c_.exec("SELECT setval(pg_get_serial_sequence('order_lines', 'id'), $1)",
                Params().add(std::to_string(lines_)));
    c_.exec_script(kPrimaryKey);
    if (expecting_) {
        // The applied extensions came with the rows.
        c_.exec_script(std::string(kCustomerIndex) + ";" + kOtherIndexes);
        c_.exec("ANALYZE order_lines");
        return;
    }
    c_.exec(kCustomerIndex);  // the extension lookup below walks it
    // Which purchase each extension line extends, in one statement (before the other indexes
    // exist, which the UPDATE would otherwise maintain): the latest (purchased_at, reference)
    // non-extension line of the same customer and module bought on or before the extension's
    // purchase day, as extension_target() picks it; a purchase gets the largest extension
    // aimed at it (applied_extensions()). All lines start at 0: the ledger was empty.
    c_.exec(R"sql(
WITH targets AS MATERIALIZED (
    SELECT e.extended_months AS months,
        (SELECT p.id FROM order_lines p
         WHERE p.customer_email = e.customer_email AND p.module = e.module
           AND p.extended_months = 0 AND p.purchase_date <= e.purchase_date
         ORDER BY p.purchased_at DESC, p.reference DESC LIMIT 1) AS target
    FROM order_lines e WHERE e.extended_months > 0),
wanted AS (SELECT target, max(months) AS months FROM targets WHERE target IS NOT NULL GROUP BY target)
UPDATE order_lines o SET applied_extension_months = w.months FROM wanted w WHERE o.id = w.target)sql");
    c_.exec_script(kOtherIndexes);
    // Statistics of the real size, so the next runs plan with it rather than an empty table's.
    c_.exec("ANALYZE order_lines");
}

// merge_import: the lines in import_lines merged into a ledger that had lines: changed lines
// updated, new keys inserted, unchanged ones left alone. One join of the two tables finds both
// (an UPDATE and then an INSERT ... WHERE NOT EXISTS each walked all of them: 2.6 s of a 5.2 s
// re-import of 1,000,000 unchanged lines).
void PgLineImport::merge_import() {
    if (lines_ >= 10000) c_.exec("ANALYZE import_lines");
    // ON CONFLICT: a concurrent import adding the same key first wins, without an error.
    auto merged = c_.exec(std::string(R"sql(
WITH diff AS MATERIALIZED (
  SELECT i.*, o.id AS line_id FROM import_lines i LEFT JOIN order_lines o
    ON o.reference = i.reference AND o.module = i.module AND o.extended_months = i.extended_months
  WHERE o.id IS NULL OR o.purchased_at IS DISTINCT FROM i.purchased_at
     OR o.customer_email IS DISTINCT FROM i.customer_email OR o.customer_name IS DISTINCT FROM i.customer_name),
updated AS (
  UPDATE order_lines o SET purchased_at = d.purchased_at, purchase_date = d.purchase_date,
      customer_email = d.customer_email, customer_name = d.customer_name, source = $1, imported_at = $2
  FROM diff d WHERE o.id = d.line_id RETURNING 1),
inserted AS (
  INSERT INTO order_lines ()sql") +
                              kImportColumns + ", source, imported_at) SELECT " + kImportColumns +
                              R"sql(, $1, $2 FROM diff WHERE line_id IS NULL
  ON CONFLICT (reference, module, extended_months) DO NOTHING RETURNING 1)
SELECT (SELECT count(*) FROM updated), (SELECT count(*) FROM inserted))sql",
                          Params().add(source_).add(now_));
    counts.updated = static_cast<std::size_t>(cell_int(merged.get(), 0, 0));
    counts.inserted = static_cast<std::size_t>(cell_int(merged.get(), 0, 1));
    if (counts.inserted + counts.updated > 10000) c_.exec("ANALYZE order_lines");
}

ImportCounts PgLineImport::commit() {
    if (copying_) {
        if (bulk_ && expecting_) write_held();
        if (bulk_) put_int(buffer_, 0xffff, 2);  // the binary format's end (-1)
        flush();
        finish_sending();
        copying_ = false;
        if (pq().PQputCopyEnd(c_.handle(), nullptr) != 1) c_.fail("cannot end the import", nullptr);
        Result r(pq().PQgetResult(c_.handle()));
        if (!r || pq().PQresultStatus(r.get()) != PGRES_COMMAND_OK)
            c_.fail("import failed", r.get());
        while (PGresult* more = pq().PQgetResult(c_.handle())) pq().PQclear(more);
    }
    auto copied_at = std::chrono::steady_clock::now();
    if (bulk_)
        finish_bulk_load();
    else if (lines_ > 0)
        merge_import();
    counts.unchanged = lines_ - counts.inserted - counts.updated;
    auto merged_at = std::chrono::steady_clock::now();
    // Fresh statistics after a large change come first (above), so the recompute plans with
    // the real sizes.
    if (!bulk_ && (counts.inserted + counts.updated > 0 || counts.removed > 0))
        ledger_.recompute_extensions();
    auto recomputed_at = std::chrono::steady_clock::now();
    tx_.commit();
    auto ms = [](auto a, auto b) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count();
    };
    log::info(
        "ledger database {}: {} lines copied in {} ms, {} in {} ms, extensions recomputed "
        "in {} ms, committed in {} ms",
        c_.host(), lines_, ms(started_, copied_at), bulk_ ? "indexed" : "merged",
        ms(copied_at, merged_at), ms(merged_at, recomputed_at),
        ms(recomputed_at, std::chrono::steady_clock::now()));
    return counts;
}

}  // namespace

std::unique_ptr<Ledger> open_postgres_ledger(const LedgerTarget& target, bool /*read_only*/) {
    // Read-only commands create the schema on first use too: it is the team's shared database,
    // and an empty schema reads as an empty ledger.
    LedgerTarget checked = target;
    checked.url = check_ledger_url(target.url);
    return std::make_unique<PgLedger>(checked);
}

}  // namespace mps
