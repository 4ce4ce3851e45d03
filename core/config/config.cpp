#include "config/config.hpp"

#include "config/config_edit.hpp"

#include <toml++/toml.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <functional>
#include <set>
#include <sstream>

#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"

namespace fs = std::filesystem;

namespace mps {
namespace {

// Reader walks one table, checking types and remembering which keys it consumed, so that
// every error names file, line and dotted key.
class Reader {
  public:
    Reader(const fs::path& file, const toml::table& table, std::string prefix)
        : file_(file), table_(table), prefix_(std::move(prefix)) {}

    void string(const char* key, std::string& out) {
        if (auto* node = take(key)) {
            if (!node->is_string()) fail(*node, key, "must be a string");
            out = node->as_string()->get();
        }
    }

    // public_key: an Ed25519 key "ed25519:" + base64 of 32 bytes, or the UNSET placeholder.
    void public_key(const char* key, std::string& out) {
        if (auto* node = table_.get(key)) {
            string(key, out);
            bool placeholder = out.empty() || out.find("UNSET") != std::string::npos;
            bool shaped = out.size() == 52 && out.compare(0, 8, "ed25519:") == 0 &&
                          out.back() == '=' &&
                          std::all_of(out.begin() + 8, out.end() - 1, [](unsigned char c) {
                              return std::isalnum(c) || c == '+' || c == '/';
                          });
            if (!placeholder && !shaped)
                fail(*node, key,
                     "must be \"ed25519:\" followed by the base64 of 32 bytes (from pristine "
                     "keygen)");
        }
    }
    void integer(const char* key, int& out, int min, int max) {
        if (auto* node = take(key)) {
            if (!node->is_integer()) fail(*node, key, "must be a whole number");
            auto value = node->as_integer()->get();
            if (value < min || value > max)
                fail(*node, key,
                     "must be between " + std::to_string(min) + " and " + std::to_string(max));
            out = static_cast<int>(value);
        }
    }
    void ratio(const char* key, double& out) {
        if (auto* node = take(key)) {
            double value = 0;
            if (node->is_floating_point())
                value = node->as_floating_point()->get();
            else if (node->is_integer())
                value = static_cast<double>(node->as_integer()->get());
            else
                fail(*node, key, "must be a number between 0 and 1");
            if (!(value >= 0.0 && value <= 1.0))
                fail(*node, key, "must be a number between 0 and 1");
            out = value;
        }
    }
    void strings(const char* key, std::vector<std::string>& out) {
        if (auto* node = take(key)) {
            auto* array = node->as_array();
            if (!array) fail(*node, key, "must be an array of strings");
            std::vector<std::string> values;
            for (auto& item : *array) {
                if (!item.is_string()) fail(item, key, "must be an array of strings");
                values.push_back(item.as_string()->get());
            }
            out = std::move(values);
        }
    }
    void integers(const char* key, std::vector<int>& out, int min, int max) {
        if (auto* node = take(key)) {
            auto* array = node->as_array();
            if (!array) fail(*node, key, "must be an array of whole numbers");
            std::vector<int> values;
            for (auto& item : *array) {
                if (!item.is_integer() || item.as_integer()->get() < min ||
                    item.as_integer()->get() > max)
                    fail(item, key,
                         "must hold whole numbers between " + std::to_string(min) + " and " +
                             std::to_string(max));
                values.push_back(static_cast<int>(item.as_integer()->get()));
            }
            out = std::move(values);
        }
    }
    // secret: `<name>_file` and `<name>_command` (one of them at most); the secret itself in
    // clear (`<name>`) is refused, with the ways to give it instead.
    void secret(const std::string& name, const char* environment_variable, SecretSource& out) {
        std::string file_key = name + "_file";
        std::string command_key = name + "_command";
        if (auto* node = take(name.c_str()))
            fail(*node, name,
                 "must not be written in the configuration: set " + prefix_ + file_key +
                     " (a file only you can read), " + prefix_ + command_key +
                     " (a command printing it) or " + environment_variable);
        string(file_key.c_str(), out.file);
        string(command_key.c_str(), out.command);
        if (!out.file.empty() && !out.command.empty())
            fail(*table_.get(command_key), command_key,
                 "and " + prefix_ + file_key + " are both set: keep one");
    }
    // table: a sub-table, or nullptr when absent.
    const toml::table* table(const char* key) {
        if (auto* node = take(key)) {
            if (!node->is_table()) fail(*node, key, "must be a table");
            return node->as_table();
        }
        return nullptr;
    }
    // warn_unknown: log keys nobody consumed.
    void warn_unknown() const {
        for (auto&& [key, node] : table_) {
            if (!used_.count(std::string(key.str())))
                log::warn("{}:{}: unknown key '{}{}' ignored", file_.string(),
                          node.source().begin.line, prefix_, key.str());
        }
    }
    [[noreturn]] void fail(const toml::node& node, std::string_view key,
                           const std::string& why) const {
        throw Error(ErrorKind::usage,
                    file_.string() + ":" + std::to_string(node.source().begin.line) + ": " +
                        prefix_ + std::string(key) + " " + why,
                    "fix the value in " + file_.string() + " (see mpsupport(1), CONFIGURATION)");
    }
    const fs::path& file() const { return file_; }
    const std::string& prefix() const { return prefix_; }

  private:
    const toml::node* take(const char* key) {
        used_.insert(key);
        return table_.get(key);
    }
    const fs::path& file_;
    const toml::table& table_;
    std::string prefix_;
    std::set<std::string> used_;
};

void read_vendor(Reader& r, VendorConfig& v) {
    r.string("name", v.name);
    r.string("support_email", v.support_email);
    r.string("contact_url", v.contact_url);
    r.string("smtp_url", v.smtp_url);
    r.string("smtp_user", v.smtp_user);
    r.string("from", v.from);
    r.string("manifest_url", v.manifest_url);
    r.public_key("public_key", v.public_key);
    r.integer("reply_business_days", v.reply_business_days, 0, 30);
    r.strings("holidays", v.holidays);
    r.string("contact_subject", v.contact_subject);
    r.secret("smtp_password", "MPSUPPORT_SMTP_PASSWORD", v.smtp_password);
    r.warn_unknown();
}

void read_policy(Reader& r, PolicyConfig& p) {
    r.integer("free_support_months", p.free_support_months, 0, 120);
    r.integer("max_support_months", p.max_support_months, 0, 120);
    if (const auto* extended = r.table("extended_products")) {
        p.extended_products.clear();
        for (auto&& [reference, node] : *extended) {
            if (!node.is_integer() || node.as_integer()->get() < 1 ||
                node.as_integer()->get() > 120)
                r.fail(node, "extended_products." + std::string(reference.str()),
                       "must be a number of months between 1 and 120");
            p.extended_products[std::string(reference.str())] =
                static_cast<int>(node.as_integer()->get());
        }
    }
    r.strings("allowed_change", p.allowed_change);
    r.ratio("major_rewrite_ratio", p.major_rewrite_ratio);
    r.strings("code_files", p.code_files);
    r.strings("shop_managed", p.shop_managed);
    r.warn_unknown();
}

void read_store(Reader& r, StoreConfig& s) {
    r.string("url", s.url);
    r.string("admin_url", s.admin_url);
    r.string("files", s.files);
    std::string alias;  // its old name
    r.string("sftp", alias);
    if (s.files.empty()) s.files = alias;
    r.strings("modules", s.modules);
    r.string("order", s.order);
    r.secret("sftp_password", "MPSUPPORT_SFTP_PASSWORD", s.sftp_password);
    r.secret("ftp_password", "MPSUPPORT_FTP_PASSWORD", s.ftp_password);
    r.secret("admin_password", "MPSUPPORT_ADMIN_PASSWORD", s.admin_password);
    r.warn_unknown();
}

template <typename T, typename F>
std::string list(const std::vector<T>& items, F render) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + render(items[i]);
    return out + "]";
}

// check_nesting: refuse TOML nested deeper than kMaxTomlDepth before toml++ sees it. toml++
// bounds nested arrays and inline tables but not dotted keys or table headers, and a 50,000-level
// `a.a.a...` overflows the stack. Counted outside strings and comments: the dots of the last table
// header, of the current key (and value: a float's dot over-counts by one) and every open [ or {
// with the dots of the key it belongs to.
constexpr int kMaxTomlDepth = 64;

void check_nesting(std::string_view text, const fs::path& path) {
    std::vector<int> open;       // per open [ or {: the levels it adds
    int open_levels = 0;         // sum of `open`
    int header_levels = 0;       // levels of the last [table] header
    int dots = 0;                // dots since the last separator
    bool in_header = false;      // inside a [table] or [[array]] header
    bool value_on_line = false;  // '=' seen on this top-level line
    std::size_t line = 1;
    auto too_deep = [&] {
        throw Error(ErrorKind::usage,
                    path.string() + ":" + std::to_string(line) +
                        ": keys or tables nested more than " + std::to_string(kMaxTomlDepth) +
                        " levels deep",
                    "flatten the keys at that line (see mpsupport(1), CONFIGURATION)");
    };
    auto check = [&] {
        if ((in_header ? 0 : header_levels) + open_levels + dots > kMaxTomlDepth) too_deep();
    };
    // skip_string: from the opening quote at `i` to after the closing one, counting lines.
    auto skip_string = [&](std::size_t i) {
        char quote = text[i];
        bool multi = text.compare(i, 3, std::string(3, quote)) == 0;
        std::size_t j = i + (multi ? 3 : 1);
        while (j < text.size()) {
            char c = text[j];
            if (c == '\\' && quote == '"') {
                if (j + 1 < text.size() && text[j + 1] == '\n') ++line;
                j += 2;
                continue;
            }
            if (c == '\n') {
                if (!multi) return j;  // unterminated: toml++ reports it
                ++line;
            }
            if (c == quote && (!multi || text.compare(j, 3, std::string(3, quote)) == 0)) {
                if (!multi) return j + 1;
                j += 3;
                for (int extra = 0; extra < 2 && j < text.size() && text[j] == quote; ++extra) ++j;
                return j;
            }
            ++j;
        }
        return j;
    };
    std::size_t i = 0;
    while (i < text.size()) {
        char c = text[i];
        switch (c) {
            case '"':
            case '\'':
                i = skip_string(i);
                continue;
            case '#':
                while (i < text.size() && text[i] != '\n') ++i;
                continue;
            case '\n':
                ++line;
                dots = 0;
                if (open.empty()) value_on_line = false;
                break;
            case '=':
                if (open.empty()) value_on_line = true;
                break;
            case ',':
                dots = 0;
                break;
            case '.':
                ++dots;
                check();
                break;
            case '[':
            case '{':
                if (c == '[' && open.empty() && !value_on_line) {
                    in_header = true;
                    header_levels = 0;
                }
                open.push_back(dots + 1);
                open_levels += dots + 1;
                dots = 0;
                check();
                break;
            case ']':
            case '}':
                if (open.empty()) break;
                if (in_header && open.size() == 1) {
                    header_levels = open_levels + dots;
                    in_header = false;
                }
                open_levels -= open.back();
                open.pop_back();
                if (!in_header) dots = 0;
                break;
            default:
                break;
        }
        ++i;
    }
}

}  // namespace

const StoreConfig& find_store(const Config& config, const std::string& name,
                              const std::string& shown_path) {
    auto it = config.stores.find(name);
    if (it != config.stores.end()) return it->second;
    std::string known;
    for (const auto& [store, profile] : config.stores) known += (known.empty() ? "" : ", ") + store;
    throw Error(ErrorKind::usage, "no store profile '" + name + "' in " + shown_path,
                known.empty()
                    ? "add a [stores." + name + "] section, or give the shop's addresses as flags"
                    : "known stores: " + known);
}

Config parse_config(std::string_view text, const fs::path& path) {
    Config config;
    check_nesting(text, path);
    toml::table root;
    try {
        root = toml::parse(text, path.string());
    } catch (const toml::parse_error& e) {
        throw Error(ErrorKind::usage,
                    path.string() + ":" + std::to_string(e.source().begin.line) +
                        ": invalid TOML: " + std::string(e.description()),
                    "fix the syntax at that line (see https://toml.io)");
    }
    config.source = path;
    Reader top(path, root, "");
    if (const auto* vendor = top.table("vendor")) {
        Reader r(path, *vendor, "vendor.");
        read_vendor(r, config.vendor);
    }
    if (const auto* policy = top.table("policy")) {
        Reader r(path, *policy, "policy.");
        read_policy(r, config.policy);
    }
    if (const auto* stores = top.table("stores")) {
        for (auto&& [name, node] : *stores) {
            std::string key = "stores." + std::string(name.str());
            if (!node.is_table()) top.fail(node, key, "must be a table ([" + key + "])");
            Reader r(path, *node.as_table(), key + ".");
            read_store(r, config.stores[std::string(name.str())]);
        }
    }
    if (const auto* orders = top.table("orders")) {
        Reader r(path, *orders, "orders.");
        r.string("source", config.orders.source);
        r.string("webservice_url", config.orders.webservice_url);
        r.secret("webservice_key", "MPSUPPORT_WEBSERVICE_KEY", config.orders.webservice_key);
        if (config.orders.source != "ledger" && config.orders.source != "webservice")
            r.fail(*orders->get("source"), "source", "must be \"ledger\" or \"webservice\"");
        r.warn_unknown();
    }
    if (const auto* remind = top.table("remind")) {
        Reader r(path, *remind, "remind.");
        r.integers("thresholds", config.remind.thresholds, 0, 366);
        r.string("subject_template", config.remind.subject_template);
        r.string("body_template", config.remind.body_template);
        r.string("extended_support_url", config.remind.extended_support_url);
        r.warn_unknown();
    }
    if (const auto* ledger = top.table("ledger")) {
        Reader r(path, *ledger, "ledger.");
        r.string("url", config.ledger.url);
        r.secret("password", "MPSUPPORT_LEDGER_PASSWORD", config.ledger.password);
        if (!config.ledger.url.empty() && config.ledger.url.rfind("postgresql://", 0) != 0 &&
            config.ledger.url.rfind("postgres://", 0) != 0)
            r.fail(*ledger->get("url"), "url", "must be a postgresql://USER@HOST:PORT/DBNAME URL");
        // A password never goes in the file: password_file / password_command, PGPASSWORD,
        // ~/.pgpass or MPSUPPORT_LEDGER_PASSWORD.
        const std::string& url = config.ledger.url;
        auto start = url.find("://");
        if (start != std::string::npos) {
            std::string authority =
                url.substr(start + 3, url.find_first_of("/?", start + 3) - (start + 3));
            auto at = authority.rfind('@');
            if ((at != std::string::npos &&
                 authority.substr(0, at).find(':') != std::string::npos) ||
                url.find("password=") != std::string::npos)
                r.fail(*ledger->get("url"), "url",
                       "must not contain a password: use ledger.password_file, "
                       "ledger.password_command, MPSUPPORT_LEDGER_PASSWORD, PGPASSWORD or "
                       "~/.pgpass");
        }
        r.warn_unknown();
    }
    if (const auto* ssh = top.table("ssh")) {
        Reader r(path, *ssh, "ssh.");
        r.string("client", config.ssh.client);
        r.string("config_file", config.ssh.config_file);
        if (config.ssh.client != "libssh2" && config.ssh.client != "openssh")
            r.fail(*ssh->get("client"), "client", "must be \"libssh2\" or \"openssh\"");
        r.warn_unknown();
    }
    top.warn_unknown();
    return config;
}

Config load_config(const fs::path& path, bool must_exist) {
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        if (must_exist)
            throw Error(
                ErrorKind::usage, "config file " + path.string() + " does not exist",
                "create it with 'mpsupport config init' or fix --config / MPSUPPORT_CONFIG");
        return Config{};
    }
    return parse_config(read_file(path), path);
}

std::vector<std::pair<std::string, nlohmann::json>> config_values(const Config& c) {
    using json = nlohmann::json;
    std::vector<std::pair<std::string, json>> out = {
        {"vendor.name", c.vendor.name},
        {"vendor.support_email", c.vendor.support_email},
        {"vendor.contact_url", c.vendor.contact_url},
        {"vendor.smtp_url", c.vendor.smtp_url},
        {"vendor.smtp_user", c.vendor.smtp_user},
        {"vendor.from", c.vendor.from},
        {"vendor.manifest_url", c.vendor.manifest_url},
        {"vendor.public_key", c.vendor.public_key},
        {"vendor.reply_business_days", c.vendor.reply_business_days},
        {"vendor.holidays", c.vendor.holidays},
        {"vendor.contact_subject", c.vendor.contact_subject},
    };
    auto secret = [&out](const std::string& key, const SecretSource& source) {
        if (!source.file.empty()) out.emplace_back(key + "_file", source.file);
        if (!source.command.empty()) out.emplace_back(key + "_command", source.command);
    };
    secret("vendor.smtp_password", c.vendor.smtp_password);
    out.emplace_back("policy.free_support_months", c.policy.free_support_months);
    out.emplace_back("policy.max_support_months", c.policy.max_support_months);
    out.emplace_back("policy.allowed_change", c.policy.allowed_change);
    out.emplace_back("policy.major_rewrite_ratio", c.policy.major_rewrite_ratio);
    out.emplace_back("policy.code_files", c.policy.code_files);
    out.emplace_back("policy.shop_managed", c.policy.shop_managed);
    for (const auto& [reference, months] : c.policy.extended_products)
        out.emplace_back("policy.extended_products." + reference, months);
    for (const auto& [name, store] : c.stores) {
        std::string prefix = "stores." + name + ".";
        out.emplace_back(prefix + "url", store.url);
        out.emplace_back(prefix + "admin_url", store.admin_url);
        out.emplace_back(prefix + "files", store.files);
        out.emplace_back(prefix + "modules", store.modules);
        out.emplace_back(prefix + "order", store.order);
        secret(prefix + "sftp_password", store.sftp_password);
        secret(prefix + "ftp_password", store.ftp_password);
        secret(prefix + "admin_password", store.admin_password);
    }
    out.emplace_back("orders.source", c.orders.source);
    out.emplace_back("orders.webservice_url", c.orders.webservice_url);
    secret("orders.webservice_key", c.orders.webservice_key);
    out.emplace_back("remind.thresholds", c.remind.thresholds);
    out.emplace_back("remind.subject_template", c.remind.subject_template);
    out.emplace_back("remind.body_template", c.remind.body_template);
    out.emplace_back("remind.extended_support_url", c.remind.extended_support_url);
    out.emplace_back("ssh.client", c.ssh.client);
    out.emplace_back("ssh.config_file", c.ssh.config_file);
    out.emplace_back("ledger.url", c.ledger.url);
    secret("ledger.password", c.ledger.password);
    return out;
}

std::vector<std::pair<std::string, std::string>> config_entries(const Config& c) {
    // toml: a value as TOML (strings quoted and escaped, lists in brackets, numbers as they are).
    std::function<std::string(const nlohmann::json&)> toml = [&](const nlohmann::json& value) {
        if (value.is_string()) return toml_string(value.get<std::string>());
        if (value.is_array()) {
            std::vector<nlohmann::json> items(value.begin(), value.end());
            return list(items, toml);
        }
        if (value.is_number_float()) {
            std::ostringstream number;
            number << value.get<double>();
            return number.str();
        }
        return value.dump();
    };
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [key, value] : config_values(c)) out.emplace_back(key, toml(value));
    return out;
}

bool is_secret_source_key(const std::string& key) {
    for (const char* suffix : {"_file", "_command"}) {
        std::string s = suffix;
        if (key.size() <= s.size() || key.compare(key.size() - s.size(), s.size(), s) != 0)
            continue;
        std::string base = key.substr(0, key.size() - s.size());
        if (base == "vendor.smtp_password" || base == "orders.webservice_key" ||
            base == "ledger.password")
            return true;
        if (base.rfind("stores.", 0) != 0) continue;
        auto dot = base.find('.', 7);
        if (dot == std::string::npos || dot == 7) continue;
        std::string field = base.substr(dot + 1);
        if (field == "sftp_password" || field == "ftp_password" || field == "admin_password")
            return true;
    }
    return false;
}

std::string config_template() {
    return R"(# mpsupport configuration (see mpsupport(1)).
# Secrets never go here: use MPSUPPORT_SFTP_PASSWORD, MPSUPPORT_FTP_PASSWORD,
# MPSUPPORT_ADMIN_PASSWORD, MPSUPPORT_SMTP_PASSWORD, MPSUPPORT_WEBSERVICE_KEY and
# MPSUPPORT_LEDGER_PASSWORD, or, for each,
# a *_file key (a file only you can read, mode 0600) or a *_command key (a command printing the
# secret, run with /bin/sh -c): e.g. smtp_password_command = "pass show mail/smtp" in [vendor],
# webservice_key_file = "~/.config/mpsupport/webservice.key" in [orders], and
# sftp_password_command, ftp_password_command, admin_password_command in [stores.NAME].
# The environment variable wins over the file or command.

[vendor]
name = "mypresta.rocks"
support_email = "support@mypresta.rocks"
contact_url = "https://mypresta.rocks/contact-us"
reply_business_days = 1
# holidays = ["2026-12-25"]
# The subject (id_contact, or its name) that `ticket open` picks on the contact form.
# contact_subject = "2"
# Signed pristine releases (mpsupport pristine fetch): where the vendor publishes
# RELEASE.zip and RELEASE.zip.sig, and the vendor's release-signing key. The placeholder
# below verifies nothing: set the key the vendor publishes.
# manifest_url = "https://mypresta.rocks/releases/{module}/{module}-{version}.zip"
public_key = "ed25519:UNSET-mypresta.rocks-placeholder-set-the-vendor-key"

[policy]
free_support_months = 1
max_support_months = 12
# Small changes to these files keep support; larger rewrites void it.
allowed_change = ["*.tpl", "*.css"]
# Share of changed lines (0..1) above which an allowed change is a major rewrite.
major_rewrite_ratio = 0.5

# Extended-support products of the vendor's shop ({module}: the module named in the reference).
# [policy.extended_products]
# "{module}-support-6m" = 6

# Orders for expiry and reminders: the shop's webservice (key: MPSUPPORT_WEBSERVICE_KEY).
# [orders]
# webservice_url = "https://shop.example/api"

# Reminders (mpsupport remind): SMTP in [vendor] smtp_url / smtp_user / from, the password in
# MPSUPPORT_SMTP_PASSWORD (or smtp_password_file / smtp_password_command in [vendor]).
# [remind]
# thresholds = [30, 7, 1]
# extended_support_url = "https://shop.example/{module}-extended-support"

# sftp:// addresses: "libssh2" (built in) or "openssh" (the system ssh, with your
# ~/.ssh/config: Host aliases, ProxyJump, certificates, RSA-only hosts).
# [ssh]
# client = "openssh"
# config_file = "~/.ssh/config.mpsupport"

# A ledger shared by a support team (PostgreSQL; default: the local SQLite file). No password
# in the URL: password_file or password_command, MPSUPPORT_LEDGER_PASSWORD (it wins),
# PGPASSWORD or ~/.pgpass. MPSUPPORT_LEDGER_URL wins over url.
# [ledger]
# url = "postgresql://support@db.example:5432/mpsupport"
# password_command = "pass show db/mpsupport"

# [stores.myshop]
# url = "https://shop.example"
# admin_url = "https://shop.example/admin123abc"
# modules = ["ps_facetedsearch"]
# order = "XKBKNABJK"
)";
}

}  // namespace mps
