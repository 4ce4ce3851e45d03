#include "orders/ledger_migrate.hpp"

#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "util/log.hpp"

namespace mps {

MigrateCounts copy_ledger(Ledger& from, Ledger& to, const std::string& now) {
    MigrateCounts counts;
    std::unordered_map<std::int64_t, LineKey> keys;  // source line id -> key
    {
        auto import = to.begin_import("migrate", now);
        from.for_each_line([&](const OrderLine& line) {
            keys.emplace(line.id, line_key(line));
            import->add(line);
            ++counts.lines;
        });
        counts.imported = import->commit();
    }
    std::map<LineKey, std::int64_t> target_ids;
    to.for_each_line([&](const OrderLine& line) { target_ids.emplace(line_key(line), line.id); });
    for (auto record : from.all_reminders()) {
        ++counts.reminders;
        auto key = keys.find(record.key.line_id);
        if (key == keys.end()) continue;
        auto id = target_ids.find(key->second);
        if (id == target_ids.end()) continue;
        record.key.line_id = id->second;
        if (to.put_reminder(record)) ++counts.reminders_copied;
    }
    using TicketKey = std::tuple<std::string, std::string, std::string, std::string, std::string>;
    std::set<TicketKey> present;
    for (const auto& t : to.tickets())
        present.emplace(t.sent_at, t.channel, t.reference, t.module, t.summary);
    for (const auto& t : from.tickets()) {
        ++counts.tickets;
        if (present.emplace(t.sent_at, t.channel, t.reference, t.module, t.summary).second) {
            to.add_ticket(t);
            ++counts.tickets_copied;
        }
    }
    // The webservice sync cursor: without it, the first `orders sync` on the target would
    // fetch every order again.
    for (const auto& [key, value] : from.all_meta()) {
        ++counts.meta;
        if (!to.meta(key).empty()) continue;
        to.set_meta(key, value);
        ++counts.meta_copied;
    }
    log::info(
        "ledger migrate: {} lines, {} of {} reminders, {} of {} tickets and {} of {} meta "
        "entries copied",
        counts.lines, counts.reminders_copied, counts.reminders, counts.tickets_copied,
        counts.tickets, counts.meta_copied, counts.meta);
    return counts;
}

}  // namespace mps
