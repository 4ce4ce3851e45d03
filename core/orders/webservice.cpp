#include "orders/webservice.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "net/url.hpp"
#include "orders/csv_import.hpp"
#include "orders/support_window.hpp"
#include "util/error.hpp"
#include "util/json_limits.hpp"
#include "util/log.hpp"
#include "util/text.hpp"

namespace mps {
namespace {

// is_shop_id: a PrestaShop row id as the webservice gives it: 1 to 20 digits.
bool is_shop_id(const std::string& id) {
    return !id.empty() && id.size() <= 20 &&
           id.find_first_not_of("0123456789") == std::string::npos;
}

bool module_name(const std::string& text) {
    if (text.empty() || text.size() > 64) return false;
    for (char c : text)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
}

// clip: `text` cut to 200 bytes (an error text from the server goes into one message line).
std::string clip(std::string text) {
    if (text.size() > 200) text = text.substr(0, 200) + "...";
    return text;
}

// first_error: "code N: message" from {"errors":[{"code":..,"message":..}]}, or "" (also
// for JSON nested too deep or of other shapes).
std::string first_error(const std::string& body) {
    auto doc = parse_remote_json(body);
    if (const auto* errors = json_member(doc.value, "errors");
        errors && errors->is_array() && !errors->empty())
        return clip("code " + json_text((*errors)[0], "code") + ": " +
                    json_text((*errors)[0], "message"));
    auto start = body.find("<message>");
    if (start != std::string::npos) {  // XML error body
        auto end = body.find("</message>", start);
        std::string message = body.substr(
            start + 9,
            end == std::string::npos ? 200 : std::min<std::size_t>(end - start - 9, 400));
        if (message.rfind("<![CDATA[", 0) == 0) {
            message = message.substr(9);
            if (auto close = message.find("]]>"); close != std::string::npos) message.resize(close);
        }
        return clip(message);
    }
    return "";
}

// extension_months: months bought by a product reference, and the module it names when the
// configured key holds {module}.
std::optional<std::pair<int, std::string>> extension_of(const std::string& reference,
                                                        const PolicyConfig& policy) {
    for (const auto& [key, months] : policy.extended_products) {
        auto slot = key.find("{module}");
        if (slot == std::string::npos) {
            if (key == reference) return std::make_pair(months, std::string());
            continue;
        }
        std::string prefix = key.substr(0, slot), suffix = key.substr(slot + 8);
        if (reference.size() > prefix.size() + suffix.size() && reference.rfind(prefix, 0) == 0 &&
            reference.compare(reference.size() - suffix.size(), suffix.size(), suffix) == 0)
            return std::make_pair(
                months, to_lower(reference.substr(
                            prefix.size(), reference.size() - prefix.size() - suffix.size())));
    }
    return std::nullopt;
}

// kMaxCustomerPages: the most pages of one customer's orders a lookup reads (10,000 orders).
constexpr std::size_t kMaxCustomerPages = 100;

// module_lines: the module purchases and extension lines of one order's rows, each a copy of
// `base` (reference, date, customer) with its module and months.
std::vector<OrderLine> module_lines(const nlohmann::json& order, const OrderLine& base,
                                    const PolicyConfig& policy) {
    std::vector<OrderLine> modules, extensions;
    const auto* associations = json_member(order, "associations");
    const auto* rows = associations ? json_member(*associations, "order_rows") : nullptr;
    static const nlohmann::json no_rows = nlohmann::json::array();
    const nlohmann::json& row_list =
        rows && rows->is_array() ? *rows : no_rows;  // a reference: no copy
    for (const auto& row : row_list) {
        if (!row.is_object()) continue;
        std::string product = json_text(row, "product_reference");
        OrderLine line = base;
        if (auto ext = extension_of(product, policy)) {
            line.extended_months = std::min(ext->first, policy.max_support_months);
            line.module = ext->second;
            extensions.push_back(line);
        } else if (module_name(to_lower(product))) {
            line.module = to_lower(product);
            modules.push_back(line);
        }
    }
    std::vector<OrderLine> lines;
    for (auto& ext : extensions) {
        if (ext.module.empty()) {  // a plain extension reference: for the one module of this order
            if (modules.size() != 1) {
                log::warn(
                    "webservice: order {}: extended support without {{module}} in its reference "
                    "and {} "
                    "modules in the order; skipped",
                    base.reference, modules.size());
                continue;
            }
            ext.module = modules.front().module;
        }
        lines.push_back(ext);
    }
    lines.insert(lines.end(), modules.begin(), modules.end());
    return lines;
}

}  // namespace

std::optional<WebserviceSettings> webservice_settings(const OrdersConfig& orders,
                                                      const std::optional<std::string>& key) {
    if (orders.webservice_url.empty()) return std::nullopt;
    WebserviceSettings s;
    const std::string& url = orders.webservice_url;
    const std::string right_form =
        "write the shop's /api root (https://shop.example/api), or "
        "https://shop.example/webservice/dispatcher.php?url= for a shop without URL rewriting";
    if (std::string problem = http_url_problem(url); !problem.empty())
        throw Error(ErrorKind::usage,
                    "[orders] webservice_url '" + printable(url) + "': " + problem, right_form);
    auto question = url.find('?');
    std::string path = url.substr(0, question);
    std::string query = question == std::string::npos ? "" : url.substr(question + 1);
    while (!path.empty() && path.back() == '/') path.pop_back();
    const std::string dispatcher = "/webservice/dispatcher.php";
    if (path.size() > dispatcher.size() &&
        path.compare(path.size() - dispatcher.size(), dispatcher.size(), dispatcher) == 0) {
        // The dispatcher takes the resource in url= and the query after it: keep the shop root.
        if (!query.empty() && query != "url" && query != "url=")
            throw Error(ErrorKind::usage,
                        "[orders] webservice_url '" + printable(url) +
                            "' names a resource or query; mpsupport adds them",
                        right_form);
        s.url = path.substr(0, path.size() - dispatcher.size()) + "/api";
        s.dispatcher = true;
    } else if (question != std::string::npos || url.find('#') != std::string::npos) {
        throw Error(
            ErrorKind::usage,
            "[orders] webservice_url '" + printable(url) + "' has a query; mpsupport adds its own",
            right_form);
    } else {
        s.url = path;
    }
    if (!key)
        throw Error(ErrorKind::usage,
                    "[orders] webservice_url is set but MPSUPPORT_WEBSERVICE_KEY is not",
                    "export MPSUPPORT_WEBSERVICE_KEY with the shop's webservice key, or set "
                    "[orders] webservice_key_command or webservice_key_file");
    s.key = *key;
    return s;
}

std::vector<OrderLine> distinct_lines(std::vector<OrderLine> lines) {
    // The ledger keys lines by (reference, module, extended_months): the last one read wins (an
    // order read twice in one walk had its date_upd moved; split orders share a reference).
    std::map<LineKey, std::size_t> last;
    for (std::size_t i = 0; i < lines.size(); ++i) last[line_key(lines[i])] = i;
    std::vector<OrderLine> out;
    out.reserve(last.size());
    for (std::size_t i = 0; i < lines.size(); ++i)
        if (last[line_key(lines[i])] == i) out.push_back(std::move(lines[i]));
    return out;
}

Webservice::Webservice(WebserviceSettings settings, const PolicyConfig& policy, Get get)
    : settings_(std::move(settings)),
      policy_(policy),
      get_(std::move(get)),
      use_dispatcher_(settings_.dispatcher) {}

// dispatcher_url: the same request for a shop without URL rewriting:
// https://shop/api/orders?a=1 -> https://shop/webservice/dispatcher.php?url=orders&a=1.
std::string dispatcher_url(const std::string& api_root, const std::string& path_and_query) {
    std::string root = api_root;
    if (root.size() >= 4 && root.compare(root.size() - 4, 4, "/api") == 0)
        root.resize(root.size() - 4);
    std::string resource = path_and_query.substr(path_and_query[0] == '/' ? 1 : 0);
    auto question = resource.find('?');
    if (question != std::string::npos) resource[question] = '&';
    return root + "/webservice/dispatcher.php?url=" + resource;
}

std::optional<std::string> Webservice::fetch(const std::string& path_and_query, const char* what,
                                             bool optional) {
    for (int attempt = 0; attempt < 3; ++attempt) {
        HttpRequest request;
        request.url = use_dispatcher_ ? dispatcher_url(settings_.url, path_and_query)
                                      : settings_.url + path_and_query;
        request.timeout_seconds = settings_.timeout_seconds;
        request.secrets = {settings_.key};
        request.tls = settings_.tls;
        request.hint = "check [orders] webservice_url and the network";
        if (use_query_key_)
            request.url += "&ws_key=" + url_encode(settings_.key);
        else
            request.basic = true, request.basic_user = settings_.key;
        ++requests_;
        HttpResponse response = get_(request);
        std::string where = settings_.url + path_and_query.substr(0, path_and_query.find('?'));
        std::string error = redact(first_error(response.body), settings_.key);
        if (response.status == 200) {
            answered_ = true;
            return response.body;
        }
        if (response.status == 401 && !use_query_key_ && !answered_) {
            // Some FastCGI setups drop the Authorization header: try the key in the query. Only
            // until a request worked: then Basic auth works and a 401 is about the resource.
            log::info("{}: HTTP 401 with Basic auth ({}); retrying with ws_key", where, error);
            use_query_key_ = true;
            continue;
        }
        if (optional &&
            (response.status == 401 || response.status == 403 || response.status == 404)) {
            log::info("{}: HTTP {} ({}); going on without the {}", where, response.status, error,
                      what);
            return std::nullopt;
        }
        std::string answer =
            "HTTP " + std::to_string(response.status) + (error.empty() ? "" : ", " + error);
        if (response.status == 401 || response.status == 403)
            throw Error(ErrorKind::auth,
                        "webservice " + where + " refused the key (" + answer + ")",
                        "check MPSUPPORT_WEBSERVICE_KEY, that the key is active and may GET orders "
                        "and customers");
        if (response.status == 503)
            throw Error(ErrorKind::unreachable,
                        "webservice " + where + " is unavailable (" + answer + ")",
                        error.find("code 22") != std::string::npos
                            ? "enable the webservice in the shop's back office (Advanced "
                              "Parameters > Webservice)"
                            : "try again later");
        if (response.status == 404 && error.empty() && !use_dispatcher_) {
            // Not PrestaShop's 404 (no error body): the shop has no URL rewriting for /api.
            log::info(
                "{}: HTTP 404 without a webservice error; retrying through "
                "webservice/dispatcher.php",
                where);
            use_dispatcher_ = true;
            continue;
        }
        throw Error(ErrorKind::unreachable,
                    "webservice " + where + " answered " + answer + " to the " + what + " request",
                    response.status == 400 ? "the shop rejected the query; check its PrestaShop "
                                             "version and [orders] webservice_url"
                                           : "check [orders] webservice_url");
    }
    throw Error(
        ErrorKind::unreachable,
        "webservice " + settings_.url + " kept refusing the " + std::string(what) + " request",
        "check [orders] webservice_url");
}

std::pair<std::string, std::string> Webservice::customer(const std::string& id) {
    if (auto it = customers_.find(id); it != customers_.end()) return it->second;
    // A deleted customer answers 404: no e-mail, the order is reported as such.
    std::string body =
        fetch("/customers/" + url_encode(id) + "?output_format=JSON", "customer", true)
            .value_or("");
    std::pair<std::string, std::string> result;
    auto doc = parse_remote_json(body);
    if (!body.empty() && (!doc || !doc.value.is_object()))
        throw Error(ErrorKind::unreachable,
                    "webservice " + settings_.url + "/customers/" + id + " answered " +
                        (doc ? std::string("JSON that is not an object") : doc.error),
                    "check [orders] webservice_url");
    if (const auto* c = json_member(doc.value, "customer"); c && c->is_object()) {
        result.first = to_lower(json_text(*c, "email"));
        std::string first = json_text(*c, "firstname");
        std::string last = json_text(*c, "lastname");
        result.second = first.empty() ? last : last.empty() ? first : first + " " + last;
    }
    customers_[id] = result;
    return result;
}

std::vector<std::string> Webservice::customer_ids(const std::string& email) {
    // filter[email]=[...] takes | and , as separators and ] as the end: such an address is not
    // looked up (its own order's customer still counts).
    if (email.find_first_of("[]|,%") != std::string::npos) return {};
    std::string query = "/customers?output_format=JSON&display=" + url_encode("[id]") + "&filter" +
                        url_encode("[email]") + "=" + url_encode("[" + email + "]");
    auto body = fetch(query, "customers", true);
    std::vector<std::string> ids;
    if (!body) return ids;
    auto doc = parse_remote_json(*body);
    if (!doc)
        throw Error(ErrorKind::unreachable,
                    "webservice " + settings_.url + "/customers answered " + doc.error,
                    "check that [orders] webservice_url is the shop's /api root");
    if (const auto* list = json_member(doc.value, "customers"); list && list->is_array())
        for (const auto& c : *list) {
            std::string id = c.is_object() ? json_text(c, "id") : "";
            if (is_shop_id(id)) ids.push_back(id);
        }
    return ids;
}

std::string Webservice::state_name(const std::string& id) {
    if (!is_shop_id(id)) return "";
    auto body = fetch("/order_states/" + id + "?output_format=JSON", "order state", true);
    if (!body) return "";
    auto doc = parse_remote_json(*body);
    const auto* state = doc ? json_member(doc.value, "order_state") : nullptr;
    const auto* name = state && state->is_object() ? json_member(*state, "name") : nullptr;
    if (!name) return "";
    std::string text;
    if (name->is_string())
        text = name->get<std::string>();
    else if (name->is_array() && !name->empty() && (*name)[0].is_object())
        text = json_text((*name)[0], "value");  // one value per language: the first
    return valid_utf8_text(text) && text.size() <= 64 ? text : "";
}

WsOrderPage Webservice::convert(const std::string& body, const std::string& what) {
    WsOrderPage page;
    auto doc = parse_remote_json(body);
    if (!doc)
        throw Error(ErrorKind::unreachable, "webservice " + what + " answered " + doc.error,
                    "check that [orders] webservice_url is the shop's /api root");
    if (doc.value.is_array() && doc.value.empty())
        return page;  // PrestaShop's empty result is [], not {"orders":[]}
    const auto* orders = json_member(doc.value, "orders");
    if (!orders || !orders->is_array())
        throw Error(ErrorKind::unreachable,
                    "webservice " + what + " answered something that is not a list of orders",
                    "check that [orders] webservice_url is the shop's /api root");
    for (const auto& order : *orders) {
        if (!order.is_object()) continue;
        ++page.orders;
        std::string id = json_text(order, "id");
        std::string reference = json_text(order, "reference");
        std::string date_upd = json_text(order, "date_upd");
        page.order_keys.push_back(id.empty() ? "reference " + reference + " " + date_upd : id);
        if (date_upd > page.last_date_upd) page.last_date_upd = date_upd;
        // valid is the order state's "logable" flag: cancelled, refunded and unpaid orders are "0".
        bool valid = json_text(order, "valid") == "1";
        std::string date_add = json_text(order, "date_add");
        auto when = parse_date_time(date_add);
        if (valid && valid_reference(reference) && !when && date_out_of_range(date_add))
            throw Error(ErrorKind::usage,
                        "webservice " + what + ": order " + reference + " (id " + id.substr(0, 20) +
                            ") has date_add " + date_add.substr(0, 19) +
                            ", outside the supported dates " + supported_dates_text(),
                        "correct the order's date in the shop's back office; nothing was imported");
        if (!valid_reference(reference) || !when) {
            if (valid)
                log::warn("webservice: order {} has no usable reference or date_add; skipped",
                          id.substr(0, 20));
            continue;
        }
        OrderLine base;
        base.reference = reference;
        base.purchase_date = when->first;
        base.purchased_at = when->second;
        std::string customer_id = json_text(order, "id_customer");
        if (valid) {
            auto [email, name] = customer(customer_id);
            if (!valid_email(email)) {
                log::warn("webservice: order {}: customer {} has no usable e-mail; skipped",
                          reference, customer_id.substr(0, 20));
                page.notes.push_back("its customer (id " + customer_id.substr(0, 20) +
                                     ") is deleted or has no e-mail address in the shop, so "
                                     "nothing ties support to it");
                continue;
            }
            base.customer_email = email;
            base.customer_name = valid_utf8_text(name) ? name : "";
        }
        std::vector<OrderLine> lines = module_lines(order, base, policy_);
        if (!valid) {
            page.invalid.push_back(
                {id.substr(0, 20), json_text(order, "current_state").substr(0, 20), ""});
            page.invalid_references.push_back(reference);
            page.withdrawn.insert(page.withdrawn.end(), lines.begin(), lines.end());
            continue;
        }
        if (lines.empty()) {
            page.notes.push_back(
                "it holds no module (no order row's product_reference names a module or extended "
                "support)");
            continue;
        }
        page.customers.push_back(customer_id);
        page.lines.insert(page.lines.end(), lines.begin(), lines.end());
    }
    return page;
}

WsOrderPage Webservice::orders_updated_since(const std::string& since, std::size_t offset) {
    std::string query =
        "/orders?display=full&output_format=JSON&date=1&filter" + url_encode("[date_upd]") + "=" +
        url_encode("[" + since + ",2099-12-31 23:59:59]") +
        "&sort=" + url_encode("[date_upd_ASC,id_ASC]") + "&limit=" + std::to_string(offset) + "," +
        std::to_string(settings_.page_size);
    return convert(*fetch(query, "orders"), orders_url());
}

WsOrderPage Webservice::orders_of_customers(const std::vector<std::string>& ids,
                                            std::size_t offset) {
    std::string list;
    for (const auto& id : ids) list += (list.empty() ? "" : "|") + id;
    std::string query = "/orders?display=full&output_format=JSON&filter" +
                        url_encode("[id_customer]") + "=" + url_encode("[" + list + "]") +
                        "&sort=" + url_encode("[id_ASC]") + "&limit=" + std::to_string(offset) +
                        "," + std::to_string(settings_.page_size);
    return convert(*fetch(query, "orders"), orders_url());
}

void Webservice::walk(const std::function<WsOrderPage(std::size_t)>& page_at,
                      const std::function<void(WsOrderPage&)>& visit, std::size_t max_pages,
                      const std::string& consequence) {
    std::unordered_set<std::string>
        seen;  // order keys read so far: a page of only these makes no progress
    std::size_t pages = 0, orders = 0;
    auto stop = [&](const std::string& why) {
        return Error(ErrorKind::unreachable,
                     "webservice " + orders_url() + " " + why + "; stopped after " +
                         std::to_string(requests_) + " requests" + consequence,
                     "the shop must honour limit=OFFSET,COUNT as PrestaShop's webservice does; "
                     "check [orders] "
                     "webservice_url and any proxy or module that rewrites /api answers");
    };
    for (std::size_t offset = 0;;) {
        if (pages >= max_pages)
            throw stop("still had orders after " + std::to_string(max_pages) + " pages (" +
                       std::to_string(orders) + " orders)");
        WsOrderPage page = page_at(offset);
        ++pages;
        if (page.orders > settings_.page_size)
            throw stop("answered " + std::to_string(page.orders) +
                       " orders to a request for at most " + std::to_string(settings_.page_size) +
                       " (limit=" + std::to_string(offset) + "," +
                       std::to_string(settings_.page_size) + " ignored)");
        std::size_t fresh = 0;
        for (const auto& key : page.order_keys) fresh += seen.insert(key).second;
        if (page.orders > 0 && fresh == 0)
            throw stop("answered orders already read to the request at offset " +
                       std::to_string(offset) + " (limit= ignored: the walk makes no progress)");
        orders += page.orders;
        log::debug("webservice: page {} at offset {}: {} orders", pages, offset, page.orders);
        std::size_t count = page.orders;
        visit(page);
        if (count == 0) break;
        offset += count;
    }
}

OrderFacts Webservice::lookup(const std::string& reference) {
    OrderFacts facts;
    std::string query = "/orders?display=full&output_format=JSON&filter" +
                        url_encode("[reference]") + "=" + url_encode("[" + reference + "]");
    WsOrderPage page = convert(*fetch(query, "orders"), orders_url());
    facts.notes = std::move(page.notes);
    facts.invalid = std::move(page.invalid);
    if (page.lines.empty()) {
        for (auto& order : facts.invalid) order.state_name = state_name(order.state_id);
        return facts;
    }
    // Extended support may be bought in any order of the customer: read them all. Lines group
    // by e-mail as in the ledger, so other accounts with the address (guest checkouts) count.
    std::set<std::string> emails, ids(page.customers.begin(), page.customers.end());
    for (const auto& line : page.lines) emails.insert(line.customer_email);
    for (const auto& email : emails)
        for (auto& id : customer_ids(email)) ids.insert(std::move(id));
    std::vector<OrderLine> lines;
    const std::vector<std::string> customers(ids.begin(), ids.end());
    walk([&](std::size_t offset) { return orders_of_customers(customers, offset); },
         [&](WsOrderPage& p) { lines.insert(lines.end(), p.lines.begin(), p.lines.end()); },
         kMaxCustomerPages, "");
    lines.insert(lines.end(), page.lines.begin(),
                 page.lines.end());  // also when the filter missed them
    for (auto& line : distinct_lines(std::move(lines)))
        if (emails.count(line.customer_email)) facts.customer_lines.push_back(std::move(line));
    facts.lines = distinct_lines(std::move(page.lines));
    std::sort(facts.lines.begin(), facts.lines.end(), [](const OrderLine& a, const OrderLine& b) {
        return std::tie(a.module, a.extended_months) <
               std::tie(b.module, b.extended_months);  // as the ledger lists them
    });
    return facts;
}

}  // namespace mps
