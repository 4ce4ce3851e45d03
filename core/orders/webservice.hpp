#pragma once
// The vendor shop's PrestaShop webservice (PRESTASHOP.md "Webservice API"): orders with
// display=full and output_format=JSON, paged with limit=offset,count and filtered by date_upd;
// customers for e-mail and name. HTTP Basic auth with the key as user, falling back to
// ?ws_key= when the server strips the Authorization header.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "net/http.hpp"
#include "orders/order_line.hpp"

namespace mps {

struct WebserviceSettings {
    std::string url;  // the API root, e.g. https://shop.example/api
    std::string key;  // MPSUPPORT_WEBSERVICE_KEY; never printed
    long timeout_seconds = 30;
    TlsOptions tls;
    std::size_t page_size = 100;
};

struct WsOrderPage {
    std::vector<OrderLine> lines;   // module purchases and extension lines of valid orders
    std::size_t orders = 0;         // orders in the page
    std::string last_date_upd;      // the greatest date_upd seen
    std::vector<std::string> order_keys;  // each order's id (else reference, date_upd)
};

class Webservice {
public:
    using Get = std::function<HttpResponse(const HttpRequest&)>;
    // Webservice: `get` performs the requests (http_get by default).
    Webservice(WebserviceSettings settings, const PolicyConfig& policy, Get get = http_get);

    // orders_updated_since: the orders whose date_upd >= `since` ("YYYY-MM-DD HH:MM:SS"),
    // one page at a time from `offset`; an empty page ends the walk.
    WsOrderPage orders_updated_since(const std::string& since, std::size_t offset);
    // order_lines: the lines of the order(s) with `reference` (empty when unknown).
    std::vector<OrderLine> order_lines(const std::string& reference);
    // requests: how many HTTP requests were made (for logs and tests).
    std::size_t requests() const { return requests_; }
    // page_size: the most orders orders_updated_since asks for at once.
    std::size_t page_size() const { return settings_.page_size; }
    // orders_url: the orders resource, for messages ("https://shop/api/orders").
    std::string orders_url() const { return settings_.url + "/orders"; }

private:
    std::string fetch(const std::string& path_and_query, const char* what);
    WsOrderPage convert(const std::string& body, const std::string& what);
    std::pair<std::string, std::string> customer(const std::string& id);

    WebserviceSettings settings_;
    const PolicyConfig& policy_;
    Get get_;
    bool use_query_key_ = false;
    bool use_dispatcher_ = false;  // no URL rewriting: webservice/dispatcher.php?url=
    std::size_t requests_ = 0;
    std::map<std::string, std::pair<std::string, std::string>> customers_;  // id -> email, name
};

// webservice_settings: from [orders] webservice_url and $MPSUPPORT_WEBSERVICE_KEY; nothing
// when the URL is not configured; Error(usage) when the key is missing.
std::optional<WebserviceSettings> webservice_settings(const OrdersConfig& orders,
                                                      const std::optional<std::string>& key);

}  // namespace mps
