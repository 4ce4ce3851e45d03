// CLI tests of orders sync and expiry against a PrestaShop webservice fixture served by
// `php -S` on loopback (tests/fixtures/webservice.php): paging, [], date_upd cursor, the
// ws_key fallback, error bodies, and the key never shown.
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


nlohmann::json order(int id, const std::string& reference, const std::string& date_add, const std::string& date_upd,
                     int customer, const std::vector<std::string>& products, const char* valid = "1") {
    nlohmann::json rows = nlohmann::json::array();
    int row_id = id * 10;
    for (const auto& p : products)
        rows.push_back({{"id", std::to_string(++row_id)}, {"product_id", "3"}, {"product_attribute_id", "0"},
                        {"product_quantity", "1"}, {"product_name", "Module " + p}, {"product_reference", p},
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
    nlohmann::json state = {{"key", kKey}, {"mode", "normal"}, {"orders", nlohmann::json::array()},
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
            port, std::map<std::string, std::string>{{"WS_DATA", data.string()}, {"WS_LOG", log.string()}});
        testing::write(home / ".config/mpsupport/config.toml",
                       "[orders]\nwebservice_url = \"http://127.0.0.1:" + std::to_string(port) + "/api\"\n"
                       "[policy.extended_products]\n\"{module}-support-6m\" = 6\n\"SUPPORT12\" = 12\n");
        state["customers"]["7"] = {{"id", 7}, {"email", "Ann@Example.com"}, {"firstname", "Zoë"}, {"lastname", "Ünal"}};
        state["customers"]["8"] = {{"id", 8}, {"email", "bob@example.com"}, {"firstname", "Bob"}, {"lastname", "Lee"}};
    }
    void save() { testing::write(data, state.dump()); }
    RunResult run(const std::vector<std::string>& args) { return run_mpsupport(args, home.path(), env); }
    std::vector<std::string> requests() const {
        std::vector<std::string> out;
        std::string text = testing::slurp(log), line;
        for (char c : text) {
            if (c == '\n') out.push_back(line), line.clear();
            else line += c;
        }
        return out;
    }
};

}  // namespace

TEST_CASE("orders sync pages through the webservice and continues from its cursor", "[cli][webservice]") {
    Shop shop;
    char ref[16];
    for (int i = 1; i <= 120; ++i) {
        std::snprintf(ref, sizeof ref, "PAGE%05d", i);
        char when[32];
        std::snprintf(when, sizeof when, "2026-01-%02d 10:%02d:00", 1 + i % 28, i % 60);
        shop.state["orders"].push_back(order(i, ref, when, when, 7 + i % 2, {"mymod"}));
    }
    shop.state["orders"].push_back(order(200, "EXTENDAAA", "2026-02-01 09:00:00", "2026-02-01 09:00:00", 7,
                                         {"mymod-support-6m", "othermod"}));
    shop.state["orders"].push_back(order(201, "UNPAIDAAA", "2026-02-02 09:00:00", "2026-02-02 09:00:00", 8,
                                         {"othermod"}, "0"));
    shop.save();

    auto first = shop.run({"--json", "orders", "sync"});
    CHECK(first.exit_code == 0);
    auto doc = json_of(first);
    CHECK(doc["schema"] == "mpsupport.orders/1");
    CHECK(doc["orders"] == 122);
    CHECK(doc["pages"] == 3);  // 100 + 22 + the empty answer []
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
    // EXTENDAAA (2026-02-01) extends Ann's latest earlier mymod purchase: PAGE00054, 2026-01-27 10:54.
    CHECK(orders[1]["lines"][0]["support_end"] == "2026-07-27");

    // Incremental: only orders updated since the cursor.
    shop.state["orders"].push_back(order(202, "LATERAAAA", "2026-03-01 08:00:00", "2026-03-01 08:00:00", 8, {"mymod"}));
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

TEST_CASE("orders sync falls back to ws_key when Authorization is stripped; the key never shows", "[cli][webservice]") {
    Shop shop;
    shop.state["mode"] = "strip-auth";
    shop.state["orders"].push_back(order(1, "STRIPAAAA", "2026-01-10 10:00:00", "2026-01-10 10:00:00", 7, {"mymod"}));
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
    for (const std::string* text : {&r.out, &r.err, &log}) CHECK(text->find(kKey) == std::string::npos);
}

TEST_CASE("a shop without URL rewriting is reached through webservice/dispatcher.php", "[cli][webservice]") {
    Shop shop;
    shop.state["mode"] = "no-rewrite";
    shop.state["orders"].push_back(order(1, "NOREWRITE", "2026-01-10 10:00:00", "2026-01-10 10:00:00", 7, {"mymod"}));
    shop.save();
    auto r = shop.run({"orders", "sync"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("synced 1 order"));
    auto requests = shop.requests();
    REQUIRE_FALSE(requests.empty());
    CHECK(requests[0] == "/api/orders auth=basic");  // logged by the fixture as the resource it served
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
    CHECK_THAT(disabled.err, Catch::Contains("code 22") && Catch::Contains("enable the webservice"));

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

TEST_CASE("expiry asks the webservice for orders the ledger does not know", "[cli][webservice][expiry]") {
    Shop shop;
    shop.state["orders"].push_back(order(1, "LIVEAAAAA", "2026-01-31 10:00:00", "2026-01-31 10:00:00", 8,
                                         {"mymod", "SUPPORT12"}));
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
