// The tickets table of the ledger (schema version 3): what `ticket open` sent.
#include "orders/detail/sqlite.hpp"
#include "orders/detail/sqlite_ledger.hpp"

namespace mps {

std::int64_t SqliteLedger::add_ticket(const TicketRecord& t) {
    sqlite::Transaction tx(*db_);
    sqlite::Statement s(*db_,
                        "INSERT INTO tickets (sent_at, channel, reference, module, summary, "
                        "customer_email, outcome, "
                        "detail, reply_due, message_id, attachment) VALUES (?1, ?2, ?3, ?4, ?5, "
                        "?6, ?7, ?8, ?9, ?10, ?11)");
    s.bind(1, t.sent_at)
        .bind(2, t.channel)
        .bind(3, t.reference)
        .bind(4, t.module)
        .bind(5, t.summary);
    s.bind(6, t.customer_email)
        .bind(7, t.outcome)
        .bind(8, t.detail)
        .bind(9, t.reply_due)
        .bind(10, t.message_id);
    s.bind(11, t.attachment);
    s.step();
    std::int64_t id = db_->scalar("SELECT last_insert_rowid()");
    tx.commit();
    return id;
}

std::vector<TicketRecord> SqliteLedger::tickets() {
    // A ledger of schema 2 opened read-only has no tickets table yet: no tickets.
    if (db_->scalar(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'tickets'") == 0)
        return {};
    sqlite::Statement s(
        *db_,
        "SELECT id, sent_at, channel, reference, module, summary, customer_email, outcome, detail, "
        "reply_due, message_id, attachment FROM tickets ORDER BY sent_at, id");
    std::vector<TicketRecord> out;
    while (s.step()) {
        TicketRecord t;
        t.id = s.integer(0);
        t.sent_at = s.text(1);
        t.channel = s.text(2);
        t.reference = s.text(3);
        t.module = s.text(4);
        t.summary = s.text(5);
        t.customer_email = s.text(6);
        t.outcome = s.text(7);
        t.detail = s.text(8);
        t.reply_due = s.text(9);
        t.message_id = s.text(10);
        t.attachment = s.text(11);
        out.push_back(std::move(t));
    }
    return out;
}

}  // namespace mps
