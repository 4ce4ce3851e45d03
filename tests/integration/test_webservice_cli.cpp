// CLI tests of orders sync and expiry against a PrestaShop webservice fixture served by
// `php -S` on loopback (tests/fixtures/webservice.php): paging, [], date_upd cursor, the
// ws_key fallback, error bodies, and the key never shown.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "json_result.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using testing::json_of;
using testing::run_mpsupport;
using testing::RunResult;
using testing::TempDir;

namespace {

const char* kKey = "ZQ8K3M5N7P9R2T4V6X8Z1B3D5F7H9J2L";

nlohmann::json order(int id, const std::string& reference, const std::string& date_add,
                     const std::string& date_upd, int customer,
                     const std::vector<std::string>& products, const char* valid = "1") {
    nlohmann::json rows = nlohmann::json::array();
    int row_id = id * 10;
    for (const auto& p : products)
        rows.push_back({{"id", std::to_string(++row_id)},
                        {"product_id", "3"},
                        {"product_attribute_id", "0"},
                        {"product_quantity", "1"},
                        {"product_name", "Module " + p},
                        {"product_reference", p},
                        {"unit_price_tax_incl", "49.000000"}});
    return {{"id", id},
            {"id_address_delivery", "5"},
            {"id_customer", std::to_string(customer)},
            {"current_state", "2"},
            {"module", "ps_checkpayment"},
            {"valid", valid},
            {"reference", reference},
            {"date_add", date_add},
            {"date_upd", date_upd},
            {"total_paid", "49.000000"},
            {"associations", {{"order_rows", rows}}}};
}

struct Shop {
    TempDir home;
    fs::path data = home / "ws.json";
    fs::path log = home / "requests.log";
    nlohmann::json state = {{"key", kKey},
                            {"mode", "normal"},
                            {"orders", nlohmann::json::array()},
                            {"customers", nlohmann::json::object()}};
    int port = testing::free_port();
    std::unique_ptr<testing::ServerProcess> php;
    std::map<std::string, std::string> env = {{"MPSUPPORT_WEBSERVICE_KEY", kKey}};

    Shop() {
        save();
        testing::write(log, "");
        php = std::make_unique<testing::ServerProcess>(
            std::vector<std::string>{"/usr/bin/php", "-S", "127.0.0.1:" + std::to_string(port),
                                     MPSUPPORT_FIXTURES "/webservice.php"},
            port,
            std::map<std::string, std::string>{{"WS_DATA", data.string()},
                                               {"WS_LOG", log.string()}});
        testing::write(
            home / ".config/mpsupport/config.toml",
            "[orders]\nwebservice_url = \"http://127.0.0.1:" + std::to_string(port) +
                "/api\"\n"
                "[policy.extended_products]\n\"{module}-support-6m\" = 6\n\"SUPPORT12\" = 12\n");
        state["customers"]["7"] = {
            {"id", 7}, {"email", "Ann@Example.com"}, {"firstname", "Zoë"}, {"lastname", "Ünal"}};
        state["customers"]["8"] = {
            {"id", 8}, {"email", "bob@example.com"}, {"firstname", "Bob"}, {"lastname", "Lee"}};
    }
    void save() { testing::write(data, state.dump()); }
    RunResult run(const std::vector<std::string>& args) {
        return run_mpsupport(args, home.path(), env);
    }
    std::vector<std::string> requests() const {
        std::vector<std::string> out;
        std::string text = testing::slurp(log), line;
        for (char c : text) {
            if (c == '\n')
                out.push_back(line), line.clear();
            else
                line += c;
        }
        return out;
    }
};

}  // namespace

TEST_CASE("orders sync pages through the webservice and continues from its cursor",
          "[cli][webservice]") {
    Shop shop;
    char ref[16];
    for (int i = 1; i <= 120; ++i) {
        std::snprintf(ref, sizeof ref, "PAGE%05d", i);
        char when[32];
        std::snprintf(when, sizeof when, "2026-01-%02d 10:%02d:00", 1 + i % 28, i % 60);
        shop.state["orders"].push_back(order(i, ref, when, when, 7 + i % 2, {"mymod"}));
    }
    shop.state["orders"].push_back(order(200, "EXTENDAAA", "2026-02-01 09:00:00",
                                         "2026-02-01 09:00:00", 7,
                                         {"mymod-support-6m", "othermod"}));
    shop.state["orders"].push_back(order(201, "UNPAIDAAA", "2026-02-02 09:00:00",
                                         "2026-02-02 09:00:00", 8, {"othermod"}, "0"));
    shop.save();

    auto first = shop.run({"--json", "orders", "sync"});
    CHECK(first.exit_code == 0);
    auto doc = json_of(first);
    CHECK(doc["schema"] == "mpsupport.orders/1");
    CHECK(doc["orders"] == 122);
    CHECK(doc["pages"] == 3);       // 100 + 22 + the empty answer []
    CHECK(doc["inserted"] == 122);  // 120 + extension + othermod; the unpaid order is skipped
    CHECK(doc["cursor"] == "2026-02-02 09:00:00");
    std::size_t customers = 0;
    for (const auto& r : shop.requests()) customers += r.rfind("/api/customers/", 0) == 0;
    CHECK(customers == 2);  // fetched once each

    auto expiry = shop.run({"--json", "expiry", "PAGE00060", "PAGE00054", "--at", "2026-02-05"});
    auto orders = json_of(expiry)["orders"];
    REQUIRE(orders[0]["lines"].size() == 1);
    CHECK(orders[0]["lines"][0]["customer_email"] == "ann@example.com");
    CHECK(orders[0]["lines"][0]["customer_name"] == "Zoë Ünal");
    CHECK(orders[0]["lines"][0]["support_end"] == "2026-02-05");  // 2026-01-05 + 1 month
    // EXTENDAAA (2026-02-01) extends Ann's latest earlier mymod purchase: PAGE00054, 2026-01-27
    // 10:54.
    CHECK(orders[1]["lines"][0]["support_end"] == "2026-07-27");

    // Incremental: only orders updated since the cursor.
    shop.state["orders"].push_back(
        order(202, "LATERAAAA", "2026-03-01 08:00:00", "2026-03-01 08:00:00", 8, {"mymod"}));
    shop.save();
    auto second = json_of(shop.run({"--json", "orders", "sync"}));
    CHECK(second["since"] == "2026-02-02 09:00:00");
    CHECK(second["orders"] == 2);  // the order at the cursor again, and the new one
    CHECK(second["inserted"] == 1);
    CHECK(second["pages"] == 2);

    auto empty = json_of(shop.run({"--json", "orders", "sync"}));
    CHECK(empty["inserted"] == 0);

    auto full = json_of(shop.run({"--json", "orders", "sync", "--full"}));
    CHECK(full["since"] == "1970-01-01 00:00:00");
    CHECK(full["orders"] == 123);
    CHECK(full["unchanged"] == 123);  // 121 module lines and one extension, none changed
}

TEST_CASE("orders sync falls back to ws_key when Authorization is stripped; the key never shows",
          "[cli][webservice]") {
    Shop shop;
    shop.state["mode"] = "strip-auth";
    shop.state["orders"].push_back(
        order(1, "STRIPAAAA", "2026-01-10 10:00:00", "2026-01-10 10:00:00", 7, {"mymod"}));
    shop.save();
    auto r = shop.run({"-vv", "--log-file", (shop.home / "run.log").string(), "orders", "sync"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("synced 1 order"));
    auto requests = shop.requests();
    REQUIRE(requests.size() >= 2);
    CHECK(requests[0] == "/api/orders auth=none");  // Basic auth sent, but stripped
    CHECK(requests[1] == "/api/orders auth=query");
    std::string log = testing::slurp(shop.home / "run.log");
    CHECK_THAT(log, Catch::Contains("ws_key=***"));
    for (const std::string* text : {&r.out, &r.err, &log})
        CHECK(text->find(kKey) == std::string::npos);
}

TEST_CASE("a shop without URL rewriting is reached through webservice/dispatcher.php",
          "[cli][webservice]") {
    Shop shop;
    shop.state["mode"] = "no-rewrite";
    shop.state["orders"].push_back(
        order(1, "NOREWRITE", "2026-01-10 10:00:00", "2026-01-10 10:00:00", 7, {"mymod"}));
    shop.save();
    auto r = shop.run({"orders", "sync"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("synced 1 order"));
    auto requests = shop.requests();
    REQUIRE_FALSE(requests.empty());
    CHECK(requests[0] ==
          "/api/orders auth=basic via=dispatcher");  // logged as the resource it served
    auto shown = shop.run({"--json", "orders", "show", "NOREWRITE"});
    CHECK(shown.exit_code == 0);
}

TEST_CASE("webservice errors: bad key, disabled, bad filter, empty answer", "[cli][webservice]") {
    Shop shop;
    auto empty = shop.run({"--json", "orders", "sync"});
    CHECK(empty.exit_code == 0);
    CHECK(json_of(empty)["orders"] == 0);

    shop.env["MPSUPPORT_WEBSERVICE_KEY"] = "WRONGKEYWRONGKEYWRONGKEYWRONGKEY";
    auto denied = shop.run({"orders", "sync"});
    CHECK(denied.exit_code == 5);
    CHECK_THAT(denied.err, Catch::Contains("refused the key") && Catch::Contains("code 18"));
    CHECK(denied.err.find("WRONGKEYWRONGKEY") == std::string::npos);
    shop.env["MPSUPPORT_WEBSERVICE_KEY"] = kKey;

    shop.state["mode"] = "disabled";
    shop.save();
    auto disabled = shop.run({"orders", "sync"});
    CHECK(disabled.exit_code == 4);
    CHECK_THAT(disabled.err,
               Catch::Contains("code 22") && Catch::Contains("enable the webservice"));

    shop.state["mode"] = "bad-filter";
    shop.save();
    auto filter = shop.run({"--json", "orders", "sync"});
    CHECK(filter.exit_code == 4);
    CHECK_THAT(json_of(filter)["error"]["message"].get<std::string>(), Catch::Contains("code 38"));

    shop.env.erase("MPSUPPORT_WEBSERVICE_KEY");
    auto no_key = shop.run({"orders", "sync"});
    CHECK(no_key.exit_code == 2);
    CHECK_THAT(no_key.err, Catch::Contains("MPSUPPORT_WEBSERVICE_KEY"));
}

TEST_CASE("expiry asks the webservice for orders the ledger does not know",
          "[cli][webservice][expiry]") {
    Shop shop;
    shop.state["orders"].push_back(order(1, "LIVEAAAAA", "2026-01-31 10:00:00",
                                         "2026-01-31 10:00:00", 8, {"mymod", "SUPPORT12"}));
    shop.save();
    auto r = shop.run({"--json", "expiry", "LIVEAAAAA", "NOSUCHREF", "--at", "2026-03-01"});
    CHECK(r.exit_code == 6);
    auto doc = json_of(r);
    CHECK(doc["orders"][0]["source"] == "webservice");
    auto lines = doc["orders"][0]["lines"];
    REQUIRE(lines.size() == 2);  // the purchase, and the extension bought with it
    CHECK(lines[0]["support_end"] == "2027-01-31");
    CHECK(doc["orders"][1]["found"] == false);
}

TEST_CASE("orders sync stops when the webservice ignores limit=", "[cli][webservice]") {
    Shop shop;
    shop.state["mode"] = "ignore-limit";
    shop.state["orders"].push_back(
        order(1, "LIMITAAAA", "2026-01-10 10:00:00", "2026-01-10 10:00:00", 7, {"mymod"}));
    shop.state["orders"].push_back(
        order(2, "LIMITBBBB", "2026-01-11 10:00:00", "2026-01-11 10:00:00", 8, {"mymod"}));
    shop.save();
    auto r = shop.run({"orders", "sync"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 4);
    CHECK_THAT(r.err, Catch::Contains("limit= ignored") && Catch::Contains("nothing imported"));
    std::size_t pages = 0;
    for (const auto& request : shop.requests()) pages += request.rfind("/api/orders", 0) == 0;
    CHECK(pages == 2);  // the second, identical page stops the walk
    auto list = shop.run({"--json", "orders", "list"});
    CHECK(json_of(list)["lines"].empty());

    for (int i = 3; i <= 150; ++i)
        shop.state["orders"].push_back(order(i, "MANY" + std::to_string(10000 + i),
                                             "2026-01-12 10:00:00", "2026-01-12 10:00:00", 7,
                                             {"mymod"}));
    shop.save();
    auto many = shop.run({"orders", "sync"});
    CHECK(many.exit_code == 4);
    CHECK_THAT(many.err, Catch::Contains("150 orders to a request for at most 100"));
}

TEST_CASE("deeply nested JSON from the webservice is a clear error, not a crash",
          "[cli][webservice]") {
    Shop shop;
    shop.state["mode"] = "nested-error";
    shop.save();
    auto error = shop.run({"orders", "sync"});
    INFO(error.err);
    CHECK(error.exit_code == 4);
    CHECK_THAT(error.err, Catch::Contains("HTTP 400"));

    shop.state["mode"] = "nested-order";
    shop.save();
    auto order = shop.run({"--json", "orders", "sync"});
    INFO(order.out);
    CHECK(order.exit_code == 4);
    CHECK_THAT(json_of(order)["error"]["message"].get<std::string>(),
               Catch::Contains("nested deeper than 64 levels"));
}

TEST_CASE("orders sync refuses an order dated outside the supported range", "[cli][webservice]") {
    Shop shop;
    shop.state["orders"].push_back(
        order(1, "GOODDATEA", "2026-01-10 10:00:00", "2026-01-10 10:00:00", 7, {"mymod"}));
    shop.state["orders"].push_back(
        order(2, "FARFUTURE", "9999-12-31 10:00:00", "2026-01-11 10:00:00", 7, {"mymod"}));
    shop.save();
    auto r = shop.run({"orders", "sync"});
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("order FARFUTURE") && Catch::Contains("9999-12-31") &&
                          Catch::Contains("1970-01-01 to 9000-12-31"));
    CHECK(json_of(shop.run({"--json", "orders", "list"}))["lines"].empty());  // nothing imported
}

// Issue 12: support windows that match the shop's truth.
namespace {

// A shop whose orders answer like a real PrestaShop 8 one: JSON values as strings, [] for no
// match, valid "0" for cancelled, refunded and unpaid orders (current_state 6, 7, 10), a cart
// split into two orders sharing a reference, a guest account sharing a customer's e-mail, and
// a deleted customer answering 404.
void fill_truth_shop(Shop& shop) {
    auto& c = shop.state["customers"];
    c["9"] = {{"id", 9},
              {"email", "ANN@example.com"},
              {"firstname", "Ann"},
              {"lastname", "Guest"}};  // guest checkout
    c["10"] = {
        {"id", 10}, {"email", "cleo@example.com"}, {"firstname", "Cleo"}, {"lastname", "Nash"}};
    auto& o = shop.state["orders"];
    // Ann buys gsitemap, then extended support for it in a later order, then as a guest 6 more.
    o.push_back(
        order(1, "GSITEMAPR", "2026-05-20 10:00:00", "2026-05-20 10:00:00", 7, {"gsitemap"}));
    o.push_back(order(2, "LATERREFA", "2026-06-10 09:00:00", "2026-06-10 09:00:00", 7,
                      {"gsitemap-support-6m"}));
    o.push_back(
        order(3, "OTHERMODA", "2026-05-25 09:00:00", "2026-05-25 09:00:00", 7, {"othermod"}));
    o.push_back(order(4, "GUESTEXTA", "2026-07-01 09:00:00", "2026-07-01 09:00:00", 9,
                      {"othermod-support-6m"}));
    // Bob buys extended support for a module he never bought.
    o.push_back(order(5, "ORPHANEXT", "2026-06-01 09:00:00", "2026-06-01 09:00:00", 8,
                      {"gsitemap-support-6m"}));
    // A cart split into two orders sharing a reference; one part later cancelled.
    o.push_back(order(6, "SPLITCART", "2026-06-15 09:00:00", "2026-06-15 09:00:00", 10, {"moda"}));
    o.push_back(order(7, "SPLITCART", "2026-06-15 09:00:00", "2026-06-15 09:00:00", 10, {"modb"}));
    o.push_back(order(8, "SPLITHALF", "2026-06-16 09:00:00", "2026-06-16 09:00:00", 10, {"moda"}));
    auto cancelled_half =
        order(9, "SPLITHALF", "2026-06-16 09:00:00", "2026-06-20 09:00:00", 10, {"modc"}, "0");
    cancelled_half["current_state"] = "6";
    o.push_back(cancelled_half);
    // Cancelled, unpaid; a deleted customer (id 99 answers 404).
    auto cancelled =
        order(10, "CANCELLED", "2026-06-02 09:00:00", "2026-06-03 09:00:00", 8, {"gsitemap"}, "0");
    cancelled["current_state"] = "6";
    o.push_back(cancelled);
    auto unpaid =
        order(11, "UNPAIDREF", "2026-06-04 09:00:00", "2026-06-04 09:00:00", 8, {"gsitemap"}, "0");
    unpaid["current_state"] = "10";
    o.push_back(unpaid);
    o.push_back(
        order(12, "GONECUSTA", "2026-06-05 09:00:00", "2026-06-05 09:00:00", 99, {"gsitemap"}));
    shop.save();
}

const std::vector<std::string> kTruthRefs = {"GSITEMAPR", "LATERREFA", "OTHERMODA", "GUESTEXTA",
                                             "ORPHANEXT", "SPLITCART", "SPLITHALF", "CANCELLED",
                                             "UNPAIDREF", "GONECUSTA"};

nlohmann::json check_of(const nlohmann::json& doc, const std::string& id) {
    for (const auto& c : doc["checks"])
        if (c["id"] == id) return c;
    return nullptr;
}

// comparable: an expiry answer without what only says where it came from.
nlohmann::json comparable(nlohmann::json doc) {
    for (auto& o : doc["orders"]) o.erase("source");
    for (auto& c : doc["checks"]) c.erase("hint");
    return doc;
}

}  // namespace

TEST_CASE("live expiry applies extended support bought in the customer's later orders",
          "[cli][webservice][expiry]") {
    Shop shop;
    fill_truth_shop(shop);
    auto on = [&](const std::string& ref, const std::string& at) {
        return shop.run({"--json", "expiry", ref, "--at", at});
    };
    auto last_day = on("GSITEMAPR", "2026-11-20");
    INFO(last_day.out << last_day.err);
    CHECK(last_day.exit_code == 0);
    auto doc = json_of(last_day);
    CHECK(doc["orders"][0]["source"] == "webservice");
    CHECK(doc["orders"][0]["lines"][0]["support_end"] == "2026-11-20");  // 2026-05-20 + 6 months
    CHECK(doc["orders"][0]["lines"][0]["extended_support_end"] == "2026-11-20");
    CHECK(on("GSITEMAPR", "2026-11-21").exit_code == 3);

    // The order that only buys the extension reports the window of the purchase it extends.
    auto later = on("LATERREFA", "2026-11-20");
    CHECK(later.exit_code == 0);
    auto line = json_of(later)["orders"][0]["lines"][0];
    CHECK(line["reference"] == "GSITEMAPR");
    CHECK(line["extension_months"] == 6);
    CHECK(line["support_end"] == "2026-11-20");
    auto over = on("LATERREFA", "2026-11-21");
    CHECK(over.exit_code == 3);
    CHECK_THAT(check_of(json_of(over), "order.LATERREFA.gsitemap")["message"].get<std::string>(),
               Catch::Contains("extended support bought for order GSITEMAPR") &&
                   Catch::Contains("ended 2026-11-20"));

    // A guest account with the same e-mail (other case) bought extended support for othermod.
    auto guest = json_of(on("OTHERMODA", "2026-11-01"));
    CHECK(guest["orders"][0]["lines"][0]["support_end"] == "2026-11-25");

    // Extended support for a module the customer never bought: exit 6, said plainly.
    auto orphan = on("ORPHANEXT", "2026-06-02");
    CHECK(orphan.exit_code == 6);
    CHECK_THAT(check_of(json_of(orphan), "order.ORPHANEXT.gsitemap")["message"].get<std::string>(),
               Catch::Contains("6 months of extended support for gsitemap") &&
                   Catch::Contains("bob@example.com has no purchase of gsitemap"));
    auto text = shop.run({"expiry", "ORPHANEXT", "--at", "2026-06-02"});
    CHECK_THAT(text.out, Catch::Contains("1 extension extending no known purchase"));

    // The key never shows, even at -vv.
    auto verbose = shop.run({"-vv", "expiry", "GSITEMAPR", "--at", "2026-11-20"});
    CHECK(verbose.exit_code == 0);
    CHECK(verbose.err.find(kKey) == std::string::npos);
    CHECK(verbose.out.find(kKey) == std::string::npos);
}

TEST_CASE("cancelled, unpaid and customer-less orders get answers that say so",
          "[cli][webservice][expiry]") {
    Shop shop;
    fill_truth_shop(shop);
    auto cancelled = shop.run({"--json", "expiry", "CANCELLED", "--at", "2026-06-10"});
    CHECK(cancelled.exit_code == 3);
    auto doc = json_of(cancelled);
    CHECK(doc["orders"][0]["found"] == true);
    CHECK(doc["orders"][0]["valid"] == false);
    CHECK(doc["orders"][0]["states"][0] == "Canceled");
    CHECK_THAT(check_of(doc, "order.CANCELLED")["message"].get<std::string>(),
               Catch::Contains("order CANCELLED is \"Canceled\" in the shop") &&
                   Catch::Contains("no support"));
    auto unpaid = shop.run({"expiry", "UNPAIDREF", "--at", "2026-06-10"});
    CHECK(unpaid.exit_code == 3);
    CHECK_THAT(unpaid.out,
               Catch::Contains("\"Awaiting bank wire payment\" in the shop, not a paid order"));
    CHECK(unpaid.out.find("does not know") == std::string::npos);

    // A key without permission on order_states: the state's number, still no "unknown".
    shop.state["mode"] = "no-states";
    shop.save();
    auto unnamed = shop.run({"expiry", "CANCELLED", "--at", "2026-06-10"});
    CHECK(unnamed.exit_code == 3);
    CHECK_THAT(unnamed.out,
               Catch::Contains("order CANCELLED is state 6 in the shop, not a paid order"));
    shop.state["mode"] = "normal";
    shop.save();

    auto gone = shop.run({"expiry", "GONECUSTA", "--at", "2026-06-10"});
    CHECK(gone.exit_code == 6);
    CHECK_THAT(gone.out,
               Catch::Contains("its customer (id 99) is deleted or has no e-mail address"));

    // A split cart: both parts count; a cancelled part does not, the paid part still does.
    auto split =
        json_of(shop.run({"--json", "expiry", "SPLITCART", "SPLITHALF", "--at", "2026-07-01"}));
    REQUIRE(split["orders"][0]["lines"].size() == 2);
    CHECK(split["orders"][0]["lines"][0]["module"] == "moda");
    CHECK(split["orders"][0]["lines"][1]["module"] == "modb");
    REQUIRE(split["orders"][1]["lines"].size() == 1);
    CHECK(split["orders"][1]["lines"][0]["module"] == "moda");
    CHECK(split["exit_code"] == 0);
}

TEST_CASE("the ledger after sync and the live webservice give the same answer",
          "[cli][webservice][expiry]") {
    Shop shop;
    fill_truth_shop(shop);
    auto synced = shop.run({"--json", "orders", "sync"});
    INFO(synced.out << synced.err);
    REQUIRE(synced.exit_code == 0);
    CHECK(json_of(synced)["invalid_orders"] == 3);
    fs::path live_config = shop.home / "live.toml";
    testing::write(live_config,
                   "[orders]\nsource = \"webservice\"\nwebservice_url = \"http://127.0.0.1:" +
                       std::to_string(shop.port) +
                       "/api\"\n[policy.extended_products]\n\"{module}-support-6m\" = "
                       "6\n\"SUPPORT12\" = 12\n");
    for (const char* at :
         {"2026-06-10", "2026-06-25", "2026-11-20", "2026-11-21", "2026-12-26", "2027-06-01"}) {
        std::vector<std::string> args = {"--json", "expiry"};
        args.insert(args.end(), kTruthRefs.begin(), kTruthRefs.end());
        args.insert(args.end(), {"--at", at});
        auto from_ledger = shop.run(args);
        args.insert(args.begin(), {"--config", live_config.string()});
        auto live = shop.run(args);
        INFO(at << "\nledger: " << from_ledger.out << "\nlive: " << live.out << live.err);
        CHECK(from_ledger.exit_code == live.exit_code);
        auto a = comparable(json_of(from_ledger)), b = comparable(json_of(live));
        CHECK(a["orders"] == b["orders"]);
        CHECK(a["checks"] == b["checks"]);
        CHECK(a["verdict"] == b["verdict"]);
        // The live answers really came from the webservice.
        auto live_doc =
            json_of(live);  // not json_of(live)["orders"]: the temporary would die first
        for (const auto& o : live_doc["orders"]) CHECK(o["source"] == "webservice");
    }
}

TEST_CASE("an order refunded after a sync loses its lines and reminders at the next sync",
          "[cli][webservice][remind]") {
    Shop shop;
    int smtp_port = testing::free_port();
    testing::ServerProcess smtp{{"/usr/bin/python3", MPSUPPORT_FIXTURES "/smtp_server.py",
                                 std::to_string(smtp_port), (shop.home / "smtp").string()},
                                smtp_port,
                                {{"SMTP_TEST_PASSWORD", "smtp-pass"}}};
    shop.env["MPSUPPORT_SMTP_PASSWORD"] = "smtp-pass";
    testing::write(
        shop.home / ".config/mpsupport/config.toml",
        "[vendor]\nsupport_email = \"help@vendor.example\"\nfrom = \"reminders@vendor.example\"\n"
        "smtp_url = \"smtp://127.0.0.1:" +
            std::to_string(smtp_port) +
            "\"\nsmtp_user = \"mailer\"\n"
            "[orders]\nwebservice_url = \"http://127.0.0.1:" +
            std::to_string(shop.port) + "/api\"\n");
    shop.state["orders"].push_back(
        order(1, "REFUNDME", "2026-05-01 10:00:00", "2026-05-01 10:00:00", 7, {"mymod"}));
    shop.state["orders"].push_back(
        order(2, "KEEPMEAAA", "2026-05-01 11:00:00", "2026-05-01 11:00:00", 8, {"mymod"}));
    shop.save();
    REQUIRE(shop.run({"orders", "sync"}).exit_code == 0);
    auto sent = shop.run({"--json", "remind", "--at", "2026-05-25"});  // 7-day reminders for both
    INFO(sent.out << sent.err);
    REQUIRE(json_of(sent)["summary"]["sent"] == 2);

    // Refunded: valid becomes "0", current_state 7, date_upd moves.
    shop.state["orders"][0]["valid"] = "0";
    shop.state["orders"][0]["current_state"] = "7";
    shop.state["orders"][0]["date_upd"] = "2026-05-26 08:00:00";
    shop.save();
    auto text = shop.run({"orders", "sync"});
    INFO(text.out << text.err);
    CHECK(text.exit_code == 0);
    CHECK_THAT(
        text.out,
        Catch::Contains(
            "removed 1 line of 1 order no longer valid (cancelled, refunded or unpaid): "
            "REFUNDME; 2 reminder records dropped"));  // the 7-day one sent, the 30-day one covered
    auto list = json_of(shop.run({"--json", "orders", "list"}));
    REQUIRE(list["lines"].size() == 1);
    CHECK(list["lines"][0]["reference"] == "KEEPMEAAA");
    auto expiry = shop.run({"expiry", "REFUNDME", "--at", "2026-05-27"});
    CHECK(expiry.exit_code == 3);
    CHECK_THAT(expiry.out, Catch::Contains("order REFUNDME is \"Refunded\" in the shop"));
    auto dry = json_of(shop.run({"--json", "remind", "--dry-run", "--at", "2026-05-31"}));
    REQUIRE(dry["reminders"].size() == 1);  // KEEPMEAAA's 1-day reminder; nothing for REFUNDME
    CHECK(dry["reminders"][0]["reference"] == "KEEPMEAAA");

    // --full applies the same rule: an order cancelled meanwhile loses its lines.
    shop.state["orders"][1]["valid"] = "0";
    shop.state["orders"][1]["current_state"] = "6";
    shop.save();
    auto full = json_of(shop.run({"--json", "orders", "sync", "--full"}));
    CHECK(full["removed"] == 1);
    CHECK(full["removed_orders"] == nlohmann::json::array({"KEEPMEAAA"}));
    CHECK(full["reminders_removed"] == 2);
    CHECK(json_of(shop.run({"--json", "orders", "list"}))["lines"].empty());
    // An order paid again comes back.
    shop.state["orders"][1]["valid"] = "1";
    shop.state["orders"][1]["date_upd"] = "2026-06-01 08:00:00";
    shop.save();
    CHECK(json_of(shop.run({"--json", "orders", "sync"}))["inserted"] == 1);
}

TEST_CASE("webservice_url in the dispatcher form is accepted; other queries are refused",
          "[cli][webservice]") {
    Shop shop;
    shop.state["orders"].push_back(
        order(1, "DISPATCHA", "2026-01-10 10:00:00", "2026-01-10 10:00:00", 7, {"mymod"}));
    shop.save();
    std::string root = "http://127.0.0.1:" + std::to_string(shop.port);
    for (std::string form : {"/webservice/dispatcher.php?url=", "/webservice/dispatcher.php"}) {
        testing::write(shop.home / ".config/mpsupport/config.toml",
                       "[orders]\nwebservice_url = \"" + root + form + "\"\n");
        testing::write(shop.log, "");
        auto r = shop.run({"-vv", "orders", "sync", "--full"});
        INFO(form << "\n" << r.out << r.err);
        CHECK(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::Contains("synced 1 order"));
        auto requests = shop.requests();
        REQUIRE_FALSE(requests.empty());
        CHECK(requests[0] == "/api/orders auth=basic via=dispatcher");  // the first request already
        CHECK(r.err.find(kKey) == std::string::npos);
        auto live = shop.run({"expiry", "DISPATCHA", "--at", "2026-01-20"});
        CHECK(live.exit_code == 0);
    }
    testing::write(shop.home / ".config/mpsupport/config.toml",
                   "[orders]\nwebservice_url = \"" + root + "/api?output_format=JSON\"\n");
    auto bad = shop.run({"orders", "sync"});
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Catch::Contains("has a query") &&
                            Catch::Contains("https://shop.example/webservice/dispatcher.php?url="));
    testing::write(
        shop.home / ".config/mpsupport/config.toml",
        "[orders]\nwebservice_url = \"" + root + "/webservice/dispatcher.php?url=orders\"\n");
    auto resource = shop.run({"expiry", "DISPATCHA"});
    CHECK(resource.exit_code == 2);
    CHECK_THAT(resource.err, Catch::Contains("names a resource or query"));
}

TEST_CASE("split orders with the same module make one ledger line, also in an empty ledger",
          "[cli][webservice]") {
    Shop shop;
    shop.state["orders"].push_back(
        order(1, "SAMEMODUL", "2026-01-10 10:00:00", "2026-01-10 10:00:00", 7, {"mymod"}));
    shop.state["orders"].push_back(
        order(2, "SAMEMODUL", "2026-01-10 10:00:00", "2026-01-10 10:00:01", 7, {"mymod"}));
    shop.save();
    auto r = shop.run({"--json", "orders", "sync"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(json_of(r)["inserted"] == 1);
    CHECK(json_of(shop.run({"--json", "orders", "list"}))["lines"].size() == 1);
}

TEST_CASE("a shop under a sub-path without URL rewriting", "[cli][webservice]") {
    Shop shop;
    shop.state["prefix"] = "/shop";
    shop.state["mode"] = "no-rewrite";
    shop.state["orders"].push_back(
        order(1, "SUBPATHAA", "2026-01-10 10:00:00", "2026-01-10 10:00:00", 7, {"mymod"}));
    shop.state["orders"].push_back(order(2, "SUBPATHBB", "2026-02-01 10:00:00",
                                         "2026-02-01 10:00:00", 7, {"mymod-support-6m"}));
    shop.save();
    testing::write(shop.home / ".config/mpsupport/config.toml",
                   "[orders]\nwebservice_url = \"http://127.0.0.1:" + std::to_string(shop.port) +
                       "/shop/api\"\n[policy.extended_products]\n\"{module}-support-6m\" = 6\n");
    auto live = shop.run({"--json", "expiry", "SUBPATHBB", "--at", "2026-07-10"});
    INFO(live.out << live.err);
    CHECK(live.exit_code == 0);
    CHECK(json_of(live)["orders"][0]["lines"][0]["support_end"] == "2026-07-10");
    auto synced = shop.run({"orders", "sync"});
    CHECK(synced.exit_code == 0);
    CHECK_THAT(synced.out, Catch::Contains("synced 2 orders"));
    for (const auto& request : shop.requests())
        CHECK_THAT(request, Catch::EndsWith("via=dispatcher"));
}

TEST_CASE("the webservice key from webservice_key_command reaches the shop and never shows",
          "[cli][webservice][secrets]") {
    Shop shop;
    shop.state["mode"] = "strip-auth";  // the key ends up in the query string: masked in logs
    shop.state["orders"].push_back(
        order(1, "SECRETCMD", "2026-01-10 10:00:00", "2026-01-10 10:00:00", 7, {"mymod"}));
    shop.save();
    shop.env.erase("MPSUPPORT_WEBSERVICE_KEY");
    testing::write(shop.home / "key.txt", std::string(kKey) + "\n");
    fs::path config = shop.home / ".config/mpsupport/config.toml";
    testing::write(
        config, "[orders]\nwebservice_url = \"http://127.0.0.1:" + std::to_string(shop.port) +
                    "/api\"\nwebservice_key_command = \"cat '" + (shop.home / "key.txt").string() +
                    "'\"\n");
    auto r = shop.run({"-vv", "--log-file", (shop.home / "run.log").string(), "orders", "sync"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("synced 1 order"));
    std::string log = testing::slurp(shop.home / "run.log");
    CHECK_THAT(log, Catch::Contains("ws_key=***"));
    for (const std::string* text : {&r.out, &r.err, &log})
        CHECK(text->find(kKey) == std::string::npos);
    auto json = shop.run({"-vv", "--json", "orders", "sync"});
    CHECK(json.exit_code == 0);
    CHECK(json.out.find(kKey) == std::string::npos);
    CHECK(json.err.find(kKey) == std::string::npos);

    // The environment still wins: a wrong key there is what the shop sees.
    shop.env["MPSUPPORT_WEBSERVICE_KEY"] = "WRONGKEYWRONGKEYWRONGKEYWRONGKEY";
    CHECK(shop.run({"orders", "sync"}).exit_code == 5);
    shop.env.erase("MPSUPPORT_WEBSERVICE_KEY");

    // A failing command: exit 2 naming the key, its output never shown, no request sent.
    std::size_t before = shop.requests().size();
    testing::write(config,
                   "[orders]\nwebservice_url = \"http://127.0.0.1:" + std::to_string(shop.port) +
                       "/api\"\nwebservice_key_command = \"echo LEAKED-OUTPUT; exit 1\"\n");
    auto failed = shop.run({"-vv", "orders", "sync"});
    CHECK(failed.exit_code == 2);
    CHECK_THAT(failed.err, Catch::Contains("orders.webservice_key_command"));
    CHECK(failed.err.find("LEAKED-OUTPUT") == std::string::npos);
    CHECK(failed.out.find("LEAKED-OUTPUT") == std::string::npos);
    CHECK(shop.requests().size() == before);

    // A key file others can read is refused, naming the key and the file.
    fs::path key_file = shop.home / "key.txt";
    chmod(key_file.c_str(), 0644);
    testing::write(config,
                   "[orders]\nwebservice_url = \"http://127.0.0.1:" + std::to_string(shop.port) +
                       "/api\"\nwebservice_key_file = \"" + key_file.string() + "\"\n");
    auto open = shop.run({"orders", "sync"});
    CHECK(open.exit_code == 2);
    CHECK_THAT(open.err, Catch::Contains("orders.webservice_key_file") &&
                             Catch::Contains(key_file.string()) && Catch::Contains("chmod 600"));
    chmod(key_file.c_str(), 0600);
    CHECK(shop.run({"orders", "sync"}).exit_code == 0);
}
