// JSON from remotes (issue 11 #2, #9): 200,000-deep nesting in a storefront page, a
// webservice error, an order or a customer never crashes; a wrong type is a skip or a clear
// error; a webservice that ignores limit= stops the sync.
#include <catch2/catch.hpp>

#include <functional>

#include "diagnose/page_markers.hpp"
#include "orders/ledger.hpp"
#include "orders/orders_sync.hpp"
#include "orders/webservice.hpp"
#include "test_support.hpp"
#include "util/error.hpp"

using namespace mps;

namespace {

constexpr std::size_t kDeep = 200000;

// nested: `depth` arrays around `inner`: [[[...inner...]]].
std::string nested(std::size_t depth, const std::string& inner = "1") {
    return std::string(depth, '[') + inner + std::string(depth, ']');
}

HttpResponse answer(long status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

std::string order_json(int id, const std::string& reference_json,
                       const std::string& date_add = "2026-01-10 10:00:00") {
    return "{\"id\":" + std::to_string(id) +
           ",\"id_customer\":\"7\",\"valid\":\"1\",\"reference\":" + reference_json +
           ",\"date_add\":\"" + date_add + "\",\"date_upd\":\"" + date_add +
           "\",\"associations\":{\"order_rows\":[{\"product_reference\":\"mymod\"}]}}";
}

const char* kCustomer =
    "{\"customer\":{\"id\":7,\"email\":\"ann@example.com\",\"firstname\":\"Ann\",\"lastname\":"
    "\"Lee\"}}";

// FakeShop: answers /customers/7 with kCustomer and /orders with `orders(request)`.
struct FakeShop {
    PolicyConfig policy;
    std::function<HttpResponse(const HttpRequest&)> orders;
    std::size_t order_requests = 0;
    Webservice webservice() {
        WebserviceSettings settings;
        settings.url = "http://shop.test/api";
        settings.key = "KEY";
        return Webservice(settings, policy, [this](const HttpRequest& request) {
            if (request.url.find("/api/customers/") != std::string::npos)
                return answer(200, kCustomer);
            ++order_requests;
            return orders(request);
        });
    }
};

std::string error_of(const std::function<void()>& run, ErrorKind expected) {
    try {
        run();
    } catch (const Error& e) {
        CHECK(e.kind() == expected);
        return e.what();
    }
    FAIL("no Error thrown");
    return "";
}

}  // namespace

TEST_CASE("storefront: a 200000-deep var prestashop is refused, not copied", "[json][diagnose]") {
    HttpResponse page;
    page.status = 200;
    page.body =
        "<script>var prestashop = {\"urls\":" + nested(kDeep) + ",\"modules\":{}};</script>";
    auto facts = read_storefront(200, page);
    CHECK_FALSE(facts.prestashop_js.has_value());
    page.body =
        "<script>var prestashop = {\"urls\":{\"theme_assets\":" + nested(kDeep, "\"/themes/x/\"") +
        "}};</script>";
    CHECK_FALSE(read_storefront(200, page).prestashop_js.has_value());
    // A shallow wrong type is only ignored.
    page.body =
        R"(<script>var prestashop = {"urls":{"theme_assets":[["\/themes\/x\/"]]}};</script>)";
    auto shallow = read_storefront(200, page);
    CHECK(shallow.prestashop_js.has_value());
    CHECK(shallow.theme.empty());
    page.body = R"(<script>var prestashop = {"urls":{"theme_assets":"\/themes\/x\/"}};</script>)";
    CHECK(read_storefront(200, page).theme == "x");
    page.body = "<script>var prestashop = {\"urls\":[1,2]};</script>";
    CHECK(read_storefront(200, page).prestashop_js.has_value());
}

TEST_CASE("webservice: a 200000-deep error body gives the HTTP status, no crash",
          "[json][webservice]") {
    FakeShop shop;
    shop.orders = [](const HttpRequest&) {
        return answer(400, "{\"errors\":[{\"code\":" + nested(kDeep) + ",\"message\":\"bad\"}]}");
    };
    auto ws = shop.webservice();
    auto message = error_of([&] { ws.orders_updated_since("1970-01-01 00:00:00", 0); },
                            ErrorKind::unreachable);
    CHECK_THAT(message, Catch::Contains("HTTP 400"));
    // A shallow wrong type: the code is left out, the message kept.
    shop.orders = [](const HttpRequest&) {
        return answer(400, "{\"errors\":[{\"code\":[[38]],\"message\":\"Unable to filter\"}]}");
    };
    auto ws2 = shop.webservice();
    message = error_of([&] { ws2.orders_updated_since("1970-01-01 00:00:00", 0); },
                       ErrorKind::unreachable);
    CHECK_THAT(message, Catch::Contains("Unable to filter"));
}

TEST_CASE("webservice: a 200000-deep order reference is a clear error; a nested one a skip",
          "[json][webservice]") {
    FakeShop shop;
    shop.orders = [](const HttpRequest&) {
        return answer(200, "{\"orders\":[" + order_json(1, nested(kDeep, "\"REF\"")) + "]}");
    };
    auto ws = shop.webservice();
    auto message = error_of([&] { ws.orders_updated_since("1970-01-01 00:00:00", 0); },
                            ErrorKind::unreachable);
    CHECK_THAT(message, Catch::Contains("nested deeper than 64"));
    shop.orders = [](const HttpRequest&) {
        return answer(200, "{\"orders\":[" + order_json(1, "[[\"REF\"]]") + "," +
                               order_json(2, "\"GOODREF\"") + "]}");
    };
    auto ws2 = shop.webservice();
    auto page = ws2.orders_updated_since("1970-01-01 00:00:00", 0);
    CHECK(page.orders == 2);
    REQUIRE(page.lines.size() == 1);
    CHECK(page.lines[0].reference == "GOODREF");
    shop.orders = [](const HttpRequest& request) {
        if (request.url.find("id_customer") != std::string::npos) return answer(200, "[]");
        return answer(200, "{\"orders\":[" + order_json(1, "[[\"REF\"]]") + "," +
                               order_json(2, "\"GOODREF\"") + "]}");
    };
    auto facts = shop.webservice().lookup("GOODREF");
    CHECK(facts.lines.size() == 1);
    CHECK(facts.customer_lines.size() == 1);
}

TEST_CASE("webservice: a 200000-deep customer is a clear error", "[json][webservice]") {
    PolicyConfig policy;
    WebserviceSettings settings;
    settings.url = "http://shop.test/api";
    settings.key = "KEY";
    Webservice ws(settings, policy, [](const HttpRequest& request) {
        if (request.url.find("/api/customers/") != std::string::npos)
            return answer(200, "{\"customer\":{\"email\":" + nested(kDeep, "\"a@b.c\"") + "}}");
        return answer(200, "{\"orders\":[" + order_json(1, "\"REF\"") + "]}");
    });
    auto message = error_of([&] { ws.orders_updated_since("1970-01-01 00:00:00", 0); },
                            ErrorKind::unreachable);
    CHECK_THAT(message, Catch::Contains("/customers/7"));
}

TEST_CASE("orders sync stops with exit 4 when the webservice ignores limit=",
          "[webservice][orders]") {
    testing::TempDir dir;
    auto ledger = Ledger::open(dir / "ledger.sqlite", false);
    FakeShop shop;
    SECTION("the same page again and again") {
        shop.orders = [](const HttpRequest&) {
            return answer(200, "{\"orders\":[" + order_json(1, "\"A1\"") + "," +
                                   order_json(2, "\"A2\"") + "]}");
        };
        auto ws = shop.webservice();
        auto message = error_of([&] { sync_orders(*ledger, ws, true, "2026-03-01T00:00:00Z"); },
                                ErrorKind::unreachable);
        CHECK_THAT(message, Catch::Contains("limit= ignored"));
        CHECK(shop.order_requests == 2);
    }
    SECTION("every order at once") {
        shop.orders = [](const HttpRequest&) {
            std::string body = "{\"orders\":[";
            for (int i = 1; i <= 150; ++i)
                body += (i > 1 ? "," : "") + order_json(i, "\"R" + std::to_string(i) + "\"");
            return answer(200, body + "]}");
        };
        auto ws = shop.webservice();
        auto message = error_of([&] { sync_orders(*ledger, ws, true, "2026-03-01T00:00:00Z"); },
                                ErrorKind::unreachable);
        CHECK_THAT(message, Catch::Contains("150 orders to a request for at most 100"));
        CHECK(shop.order_requests == 1);
    }
    SECTION("new orders forever: the page bound") {
        int next = 0;
        shop.orders = [&next](const HttpRequest&) {
            ++next;
            return answer(200, "{\"orders\":[" +
                                   order_json(next, "\"N" + std::to_string(next) + "\"") + "]}");
        };
        auto ws = shop.webservice();
        auto message = error_of([&] { sync_orders(*ledger, ws, true, "2026-03-01T00:00:00Z", 50); },
                                ErrorKind::unreachable);
        CHECK_THAT(message, Catch::Contains("after 50 pages"));
        CHECK(shop.order_requests == 50);
    }
    CHECK(ledger->meta("webservice.date_upd").empty());  // nothing imported, no cursor
}
