#pragma once
// The vendor shop's PrestaShop webservice (PRESTASHOP.md "Webservice API"): orders with
// display=full and output_format=JSON, paged with limit=offset,count and filtered by date_upd,
// reference or id_customer; customers for e-mail and name; order states for their names. HTTP
// Basic auth with the key as user, falling back to ?ws_key= when the server strips the
// Authorization header. Only orders with valid "1" (paid, not cancelled or refunded) give
// support.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "net/http.hpp"
#include "orders/order_facts.hpp"
#include "orders/order_line.hpp"

namespace mps {

struct WebserviceSettings {
    std::string url;  // the API root, e.g. https://shop.example/api
    std::string key;  // MPSUPPORT_WEBSERVICE_KEY; never printed
    long timeout_seconds = 30;
    TlsOptions tls;
    std::size_t page_size = 100;
    bool dispatcher = false;  // no URL rewriting: every request through webservice/dispatcher.php
};

struct WsOrderPage {
    std::vector<OrderLine> lines;       // module purchases and extension lines of valid orders
    std::vector<OrderLine> withdrawn;   // the lines orders that are not valid would give
    std::vector<InvalidOrder> invalid;  // those orders (id, state)
    std::vector<std::string> invalid_references;  // their references, in page order
    std::vector<std::string> notes;               // why a valid order gave no line
    std::vector<std::string> customers;           // id_customer of the valid orders that gave lines
    std::size_t orders = 0;                       // orders in the page
    std::string last_date_upd;                    // the greatest date_upd seen
    std::vector<std::string> order_keys;          // each order's id (else reference, date_upd)
};

class Webservice {
  public:
    using Get = std::function<HttpResponse(const HttpRequest&)>;
    // Webservice: `get` performs the requests (http_get by default).
    Webservice(WebserviceSettings settings, const PolicyConfig& policy, Get get = http_get);

    // orders_updated_since: the orders whose date_upd >= `since` ("YYYY-MM-DD HH:MM:SS"),
    // one page at a time from `offset`; an empty page ends the walk.
    WsOrderPage orders_updated_since(const std::string& since, std::size_t offset);
    // orders_of_customers: the orders of the customers with these ids, one page from `offset`.
    WsOrderPage orders_of_customers(const std::vector<std::string>& ids, std::size_t offset);
    // walk: every page `page(offset)` gives, from offset 0 until an empty page, each passed to
    // `visit`. A webservice that ignores limit= (a page larger than asked for, a page of orders
    // already read) or has more than `max_pages` pages stops the walk with Error(unreachable),
    // whose message ends with `consequence` (", nothing imported").
    void walk(const std::function<WsOrderPage(std::size_t offset)>& page,
              const std::function<void(WsOrderPage&)>& visit, std::size_t max_pages,
              const std::string& consequence);
    // lookup: what the shop knows of order `reference`: the lines of its valid order(s), the
    // lines of every valid order of the same customer e-mail(s) (extended support bought
    // later), and its orders that are not valid with their states' names.
    OrderFacts lookup(const std::string& reference);
    // requests: how many HTTP requests were made (for logs and tests).
    std::size_t requests() const { return requests_; }
    // page_size: the most orders orders_updated_since asks for at once.
    std::size_t page_size() const { return settings_.page_size; }
    // orders_url: the orders resource, for messages ("https://shop/api/orders").
    std::string orders_url() const { return settings_.url + "/orders"; }

  private:
    // fetch: the body of a 200 answer. With `optional`, a 401, 403 or 404 gives nullopt (a key
    // without permission on that resource) instead of an error.
    std::optional<std::string> fetch(const std::string& path_and_query, const char* what,
                                     bool optional = false);
    WsOrderPage convert(const std::string& body, const std::string& what);
    std::pair<std::string, std::string> customer(const std::string& id);
    std::vector<std::string> customer_ids(const std::string& email);
    std::string state_name(const std::string& id);

    WebserviceSettings settings_;
    const PolicyConfig& policy_;
    Get get_;
    bool use_query_key_ = false;
    bool use_dispatcher_ = false;  // no URL rewriting: webservice/dispatcher.php?url=
    bool answered_ = false;        // a request got 200: the way of sending the key works
    std::size_t requests_ = 0;
    std::map<std::string, std::pair<std::string, std::string>> customers_;  // id -> email, name
};

// webservice_settings: from [orders] webservice_url and $MPSUPPORT_WEBSERVICE_KEY; nothing
// when the URL is not configured; Error(usage) when the key is missing. A URL of the form
// https://shop/webservice/dispatcher.php?url= (a shop without URL rewriting) is accepted and
// sends every request through the dispatcher.
std::optional<WebserviceSettings> webservice_settings(const OrdersConfig& orders,
                                                      const std::optional<std::string>& key);

// distinct_lines: `lines` with one line per (reference, module, extended_months), the ledger's
// key: the last one read wins.
std::vector<OrderLine> distinct_lines(std::vector<OrderLine> lines);

}  // namespace mps
