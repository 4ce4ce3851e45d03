#include "orders/webservice.hpp"

#include <nlohmann/json.hpp>

#include "orders/csv_import.hpp"
#include "orders/support_window.hpp"
#include "util/error.hpp"
#include "util/json_limits.hpp"
#include "util/log.hpp"

namespace mps {
namespace {

std::string lower(std::string text) {
    for (char& c : text)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return text;
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
std::optional<std::pair<int, std::string>> extension_of(const std::string& reference, const PolicyConfig& policy) {
    for (const auto& [key, months] : policy.extended_products) {
        auto slot = key.find("{module}");
        if (slot == std::string::npos) {
            if (key == reference) return std::make_pair(months, std::string());
            continue;
        }
        std::string prefix = key.substr(0, slot), suffix = key.substr(slot + 8);
        if (reference.size() > prefix.size() + suffix.size() && reference.rfind(prefix, 0) == 0 &&
            reference.compare(reference.size() - suffix.size(), suffix.size(), suffix) == 0)
            return std::make_pair(months,
                                  lower(reference.substr(prefix.size(), reference.size() - prefix.size() - suffix.size())));
    }
    return std::nullopt;
}

}  // namespace

std::optional<WebserviceSettings> webservice_settings(const OrdersConfig& orders, const std::optional<std::string>& key) {
    if (orders.webservice_url.empty()) return std::nullopt;
    if (!key)
        throw Error(ErrorKind::usage, "[orders] webservice_url is set but MPSUPPORT_WEBSERVICE_KEY is not",
                    "export MPSUPPORT_WEBSERVICE_KEY with the shop's webservice key");
    WebserviceSettings s;
    s.url = orders.webservice_url;
    while (!s.url.empty() && s.url.back() == '/') s.url.pop_back();
    s.key = *key;
    return s;
}

Webservice::Webservice(WebserviceSettings settings, const PolicyConfig& policy, Get get)
    : settings_(std::move(settings)), policy_(policy), get_(std::move(get)) {}

// dispatcher_url: the same request for a shop without URL rewriting:
// https://shop/api/orders?a=1 -> https://shop/webservice/dispatcher.php?url=orders&a=1.
std::string dispatcher_url(const std::string& api_root, const std::string& path_and_query) {
    std::string root = api_root;
    if (root.size() >= 4 && root.compare(root.size() - 4, 4, "/api") == 0) root.resize(root.size() - 4);
    std::string resource = path_and_query.substr(path_and_query[0] == '/' ? 1 : 0);
    auto question = resource.find('?');
    if (question != std::string::npos) resource[question] = '&';
    return root + "/webservice/dispatcher.php?url=" + resource;
}

std::string Webservice::fetch(const std::string& path_and_query, const char* what) {
    std::string host = settings_.url;
    for (int attempt = 0; attempt < 3; ++attempt) {
        HttpRequest request;
        request.url = use_dispatcher_ ? dispatcher_url(settings_.url, path_and_query) : settings_.url + path_and_query;
        request.timeout_seconds = settings_.timeout_seconds;
        request.secrets = {settings_.key};
        request.tls = settings_.tls;
        request.hint = "check [orders] webservice_url and the network";
        if (use_query_key_) request.url += "&ws_key=" + url_encode(settings_.key);
        else request.basic = true, request.basic_user = settings_.key;
        ++requests_;
        HttpResponse response = get_(request);
        std::string where = settings_.url + path_and_query.substr(0, path_and_query.find('?'));
        std::string error = redact(first_error(response.body), settings_.key);
        if (response.status == 200) return response.body;
        if (response.status == 401 && !use_query_key_) {
            // Some FastCGI setups drop the Authorization header: try the key in the query.
            log::info("{}: HTTP 401 with Basic auth ({}); retrying with ws_key", where, error);
            use_query_key_ = true;
            continue;
        }
        std::string answer = "HTTP " + std::to_string(response.status) + (error.empty() ? "" : ", " + error);
        if (response.status == 401 || response.status == 403)
            throw Error(ErrorKind::auth, "webservice " + where + " refused the key (" + answer + ")",
                        "check MPSUPPORT_WEBSERVICE_KEY, that the key is active and may GET orders and customers");
        if (response.status == 503)
            throw Error(ErrorKind::unreachable, "webservice " + where + " is unavailable (" + answer + ")",
                        error.find("code 22") != std::string::npos
                            ? "enable the webservice in the shop's back office (Advanced Parameters > Webservice)"
                            : "try again later");
        if (response.status == 404 && error.empty() && !use_dispatcher_) {
            // Not PrestaShop's 404 (no error body): the shop has no URL rewriting for /api.
            log::info("{}: HTTP 404 without a webservice error; retrying through webservice/dispatcher.php", where);
            use_dispatcher_ = true;
            continue;
        }
        if (response.status == 404 && std::string(what) == "customer") return "";
        throw Error(ErrorKind::unreachable, "webservice " + where + " answered " + answer + " to the " + what + " request",
                    response.status == 400 ? "the shop rejected the query; check its PrestaShop version and [orders] webservice_url"
                                           : "check [orders] webservice_url");
    }
    return "";
}

std::pair<std::string, std::string> Webservice::customer(const std::string& id) {
    if (auto it = customers_.find(id); it != customers_.end()) return it->second;
    std::string body = fetch("/customers/" + url_encode(id) + "?output_format=JSON", "customer");
    std::pair<std::string, std::string> result;
    auto doc = parse_remote_json(body);
    if (!body.empty() && (!doc || !doc.value.is_object()))
        throw Error(ErrorKind::unreachable,
                    "webservice " + settings_.url + "/customers/" + id + " answered " +
                        (doc ? std::string("JSON that is not an object") : doc.error),
                    "check [orders] webservice_url");
    if (const auto* c = json_member(doc.value, "customer"); c && c->is_object()) {
        result.first = lower(json_text(*c, "email"));
        std::string first = json_text(*c, "firstname");
        std::string last = json_text(*c, "lastname");
        result.second = first.empty() ? last : last.empty() ? first : first + " " + last;
    }
    customers_[id] = result;
    return result;
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
        throw Error(ErrorKind::unreachable, "webservice " + what + " answered something that is not a list of orders",
                    "check that [orders] webservice_url is the shop's /api root");
    for (const auto& order : *orders) {
        if (!order.is_object()) continue;
        ++page.orders;
        std::string id = json_text(order, "id");
        std::string reference = json_text(order, "reference");
        std::string date_upd = json_text(order, "date_upd");
        page.order_keys.push_back(id.empty() ? "reference " + reference + " " + date_upd : id);
        if (date_upd > page.last_date_upd) page.last_date_upd = date_upd;
        if (json_text(order, "valid") != "1") continue;
        std::string date_add = json_text(order, "date_add");
        auto when = parse_date_time(date_add);
        if (valid_reference(reference) && !when && date_out_of_range(date_add))
            throw Error(ErrorKind::usage,
                        "webservice " + what + ": order " + reference + " (id " + id.substr(0, 20) +
                            ") has date_add " + date_add.substr(0, 19) +
                            ", outside the supported dates " + supported_dates_text(),
                        "correct the order's date in the shop's back office; nothing was imported");
        if (!valid_reference(reference) || !when) {
            log::warn("webservice: order {} has no usable reference or date_add; skipped",
                      id.substr(0, 20));
            continue;
        }
        auto [email, name] = customer(json_text(order, "id_customer"));
        if (!valid_email(email)) {
            log::warn("webservice: order {}: customer has no usable e-mail; skipped", reference);
            continue;
        }
        OrderLine base;
        base.reference = reference;
        base.purchase_date = when->first;
        base.purchased_at = when->second;
        base.customer_email = email;
        base.customer_name = valid_utf8_text(name) ? name : "";
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
            if (auto ext = extension_of(product, policy_)) {
                line.extended_months = std::min(ext->first, policy_.max_support_months);
                line.module = ext->second;
                extensions.push_back(line);
            } else if (module_name(lower(product))) {
                line.module = lower(product);
                modules.push_back(line);
            }
        }
        for (auto& ext : extensions) {
            if (ext.module.empty()) {  // a plain extension reference: for the one module of this order
                if (modules.size() != 1) {
                    log::warn("webservice: order {}: extended support without {{module}} in its reference and {} "
                              "modules in the order; skipped",
                              reference, modules.size());
                    continue;
                }
                ext.module = modules.front().module;
            }
            page.lines.push_back(ext);
        }
        page.lines.insert(page.lines.end(), modules.begin(), modules.end());
    }
    return page;
}

WsOrderPage Webservice::orders_updated_since(const std::string& since, std::size_t offset) {
    std::string query = "/orders?display=full&output_format=JSON&date=1&filter" + url_encode("[date_upd]") + "=" +
                        url_encode("[" + since + ",2099-12-31 23:59:59]") + "&sort=" +
                        url_encode("[date_upd_ASC,id_ASC]") + "&limit=" + std::to_string(offset) + "," +
                        std::to_string(settings_.page_size);
    return convert(fetch(query, "orders"), settings_.url + "/orders");
}

std::vector<OrderLine> Webservice::order_lines(const std::string& reference) {
    std::string query = "/orders?display=full&output_format=JSON&filter" + url_encode("[reference]") + "=" +
                        url_encode("[" + reference + "]");
    auto page = convert(fetch(query, "orders"), settings_.url + "/orders");
    // Extensions bought in the same order apply to its purchases.
    std::vector<OrderLine> lines = std::move(page.lines);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].is_extension()) continue;
        for (const auto& other : lines)
            if (other.is_extension() && other.module == lines[i].module && other.customer_email == lines[i].customer_email)
                lines[i].applied_extension_months = std::max(lines[i].applied_extension_months, other.extended_months);
    }
    return lines;
}

}  // namespace mps
