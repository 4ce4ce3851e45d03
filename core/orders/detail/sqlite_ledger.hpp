#pragma once
// Private to core/orders: the SQLite engine of the ledger (ledger.cpp, ledger_tickets.cpp).
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "orders/ledger.hpp"

namespace mps {

namespace sqlite {
class Database;
}

class SqliteLedger final : public Ledger {
  public:
    explicit SqliteLedger(std::unique_ptr<sqlite::Database> db);
    ~SqliteLedger() override;

    const char* engine() const override { return "sqlite"; }
    std::string where() const override;
    std::unique_ptr<LineImport> begin_import(const std::string& source, const std::string& now,
                                             const std::vector<OrderLine>& withdrawn) override;
    std::vector<OrderLine> order(const std::string& reference) override;
    std::vector<OrderLine> customer_module(const std::string& email,
                                           const std::string& module) override;
    std::vector<OrderLine> purchases_between(const Date& from, const Date& to) override;
    std::vector<OrderLine> purchases_for_window(const std::pair<Date, Date>& plain,
                                                const std::pair<Date, Date>& extended) override;
    void for_each_line(const std::function<void(const OrderLine&)>& visit) override;
    std::int64_t line_count() override;
    std::vector<ReminderRecord> reminders_of_line(std::int64_t line_id) override;
    std::map<ReminderKey, ReminderRecord> reminders_ending_between(const Date& from,
                                                                   const Date& to) override;
    std::vector<ClaimOutcome> claim(
        const std::vector<ClaimRequest>& requests, const std::string& owner, const std::string& now,
        const std::function<bool(const ReminderRecord&)>& is_stale) override;
    bool mark_sent(const ReminderKey& key, const std::string& owner, const std::string& message_id,
                   const std::string& now) override;
    bool mark_failed(const ReminderKey& key, const std::string& owner,
                     const std::string& error) override;
    std::string meta(const std::string& key) override;
    void set_meta(const std::string& key, const std::string& value) override;
    std::map<std::string, std::string> all_meta() override;
    std::int64_t add_ticket(const TicketRecord& ticket) override;
    std::vector<TicketRecord> tickets() override;
    int schema_version() override;
    std::vector<ReminderRecord> all_reminders() override;
    bool put_reminder(const ReminderRecord& record) override;

    void recompute_extensions();
    // recompute_groups: recompute_extensions for the lines of these (customer, module) only.
    void recompute_groups(const std::set<std::pair<std::string, std::string>>& groups);
    void remove_lines(const std::vector<OrderLine>& withdrawn, ImportCounts& counts);
    sqlite::Database& db() { return *db_; }

  private:
    std::unique_ptr<sqlite::Database> db_;
};

}  // namespace mps
