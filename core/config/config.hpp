#pragma once
// The configuration file (TOML, SPEC.md "Configuration and data"). Only config.cpp includes
// toml++, to keep that heavy header out of every other translation unit.
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace mps {

// kPlaceholderPublicKey: the default [vendor] public_key of the mypresta.rocks profile: unset.
inline constexpr const char* kPlaceholderPublicKey =
    "ed25519:UNSET-mypresta.rocks-placeholder-set-the-vendor-key";

// SecretSource: where a secret comes from when its environment variable is unset (SPEC.md
// "Configuration"): `<key>_file`, a file only its owner can read, or `<key>_command`, a command
// run through /bin/sh -c whose output is the secret. The secret itself is never in the file.
struct SecretSource {
    std::string file;
    std::string command;
    bool empty() const { return file.empty() && command.empty(); }
};

struct VendorConfig {
    std::string name = "mypresta.rocks";
    std::string support_email = "support@mypresta.rocks";
    std::string contact_url = "https://mypresta.rocks/contact-us";
    std::string smtp_url;
    std::string smtp_user;
    std::string from;
    std::string manifest_url;  // template with {module} and {version}
    // The vendor's Ed25519 release-signing key, "ed25519:<base64>"; the shipped placeholder
    // verifies nothing (pristine fetch refuses to run until it is set).
    std::string public_key = kPlaceholderPublicKey;
    int reply_business_days = 1;
    std::vector<std::string> holidays;  // YYYY-MM-DD
    std::string contact_subject;  // id_contact (or its name) of the contact form; empty: chosen
                                  // from the page
    SecretSource smtp_password;   // smtp_password_file / smtp_password_command
};

struct PolicyConfig {
    int free_support_months = 1;
    int max_support_months = 12;
    std::map<std::string, int> extended_products;  // product reference -> months
    // Files the customer may change a little (POLICY.md §5).
    std::vector<std::string> allowed_change = {"*.tpl", "*.css"};
    // Share of changed lines above which an allowed change is a major rewrite.
    double major_rewrite_ratio = 0.5;
    // Files whose addition voids support: the module's code.
    std::vector<std::string> code_files = {"*.php", "*.js", "*.mjs", "*.phtml", "*.inc"};
    // Files PrestaShop itself writes into a module folder (config.xml caches, legacy
    // translations edited in the back office): reported, but never held against the customer.
    std::vector<std::string> shop_managed = {"config.xml", "config_*.xml", "translations/*.php"};
};

struct StoreConfig {
    std::string url;
    std::string admin_url;
    std::string files;  // sftp://..., a local folder ("sftp" is read as an alias)
    std::vector<std::string> modules;
    std::string order;
    SecretSource sftp_password;   // sftp_password_file / sftp_password_command
    SecretSource ftp_password;    // ftp_password_file / ftp_password_command
    SecretSource admin_password;  // admin_password_file / admin_password_command
};

struct OrdersConfig {
    std::string source = "ledger";  // "ledger" or "webservice"
    std::string webservice_url;
    SecretSource webservice_key;  // webservice_key_file / webservice_key_command
};

struct RemindConfig {
    std::vector<int> thresholds = {30, 7, 1};
    std::string subject_template;  // file paths; empty: built-in text
    std::string body_template;
    // Where to buy extended support ({module} is replaced); empty: vendor.contact_url.
    std::string extended_support_url;
};

// [ssh]: how sftp:// addresses are reached.
struct SshClientConfig {
    std::string client = "libssh2";  // "libssh2" or "openssh" (the system ssh)
    std::string config_file;         // the openssh client's -F file; empty: ssh's own default
};

// [ledger]: where the orders ledger is. Empty url: the local SQLite file.
struct LedgerConfig {
    std::string url;        // postgresql://USER@HOST:PORT/DBNAME (no password)
    SecretSource password;  // password_file / password_command
};

struct Config {
    std::filesystem::path source;  // the file read; empty when defaults only
    VendorConfig vendor;
    PolicyConfig policy;
    std::map<std::string, StoreConfig> stores;
    OrdersConfig orders;
    RemindConfig remind;
    SshClientConfig ssh;
    LedgerConfig ledger;
};

// find_store: the [stores.NAME] profile `name`; Error(usage) naming `shown_path` (the config
// file) and the known profiles when there is none.
const StoreConfig& find_store(const Config& config, const std::string& name,
                              const std::string& shown_path);

// load_config: read and validate `path`. A missing file gives the defaults unless `must_exist`.
// Malformed TOML, wrong types or out-of-range values throw Error(usage) naming the file, the
// line and the key. Unknown keys are logged as warnings (a newer config on an older tool).
Config load_config(const std::filesystem::path& path, bool must_exist);

// parse_config: the same for the text of `path` (already read); errors name `path`. Keys,
// tables and arrays nested more than 64 levels deep are refused before the TOML is parsed.
Config parse_config(std::string_view text, const std::filesystem::path& path);

// config_values: every effective setting as (dotted key, typed value: string, number or array),
// in the order of config_entries, for `config get` and `--json config list`.
std::vector<std::pair<std::string, nlohmann::json>> config_values(const Config& config);

// config_entries: every effective setting as (dotted key, TOML-rendered value), in a stable
// order, for `config list` and `config get`. Secrets are never part of the config (their
// `*_file` and `*_command` keys are, when set).
std::vector<std::pair<std::string, std::string>> config_entries(const Config& config);

// is_secret_source_key: whether `dotted_key` is one of the `*_file` / `*_command` keys of a
// secret (vendor.smtp_password_command, stores.NAME.sftp_password_file, ...), which `config
// set` accepts although `config list` shows them only when set.
bool is_secret_source_key(const std::string& dotted_key);

// config_template: a commented config file with the defaults, for `config init`.
std::string config_template();

}  // namespace mps
