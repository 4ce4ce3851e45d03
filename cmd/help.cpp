#include "help.hpp"

#include <CLI/CLI.hpp>

#include <map>

namespace mpscli {
namespace {

class Formatter : public CLI::Formatter {
  public:
    std::string make_footer(const CLI::App* app) const override {
        const CLI::App* root = app;
        while (root->get_parent()) root = root->get_parent();
        std::string out;
        if (root != app) {
            auto globals = root->get_options([](const CLI::Option* option) {
                return option->nonpositional() && !option->check_lname("help") &&
                       !option->check_lname("version");
            });
            out = make_group("GLOBAL OPTIONS (before or after the command)", false, globals);
        }
        std::string footer = CLI::Formatter::make_footer(app);
        if (!footer.empty()) out += (out.empty() ? "" : "\n") + footer;
        return out;
    }
};

// examples: per command path ("config get"), the lines of its EXAMPLES footer.
const std::map<std::string, std::vector<std::string>>& examples() {
    static const std::map<std::string, std::vector<std::string>> table = {
        {"",
         {"mpsupport pristine add mymod-1.2.0.zip", "mpsupport verify /var/www/shop --module mymod",
          "mpsupport diagnose myshop --bundle support.zip",
          "mpsupport --jq .support verify /var/www/shop/modules/mymod", "mpsupport help verify"}},
        {"verify",
         {"mpsupport verify /var/www/shop/modules/mymod",
          "mpsupport verify /var/www/shop --module mymod --diff",
          "mpsupport verify sftp://shop@shop.example.com/~/public_html --module mymod",
          "mpsupport --jq '.files[] | select(.voids) | .path' verify ./mymod"}},
        {"diagnose",
         {"mpsupport diagnose --url https://shop.example/ --admin https://shop.example/admin1/",
          "mpsupport diagnose myshop --bundle support.zip",
          "mpsupport --jq '.checks[] | select(.status == \"fail\") | .id' diagnose myshop"}},
        {"pristine",
         {"mpsupport pristine add ~/Downloads/mymod-1.2.0.zip", "mpsupport pristine list mymod",
          "mpsupport pristine fetch mymod 1.2.0"}},
        {"pristine add",
         {"mpsupport pristine add ~/Downloads/mymod-1.2.0.zip",
          "mpsupport pristine add ./mymod --version 1.2.1"}},
        {"pristine list", {"mpsupport pristine list mymod"}},
        {"pristine show", {"mpsupport --json pristine show mymod 1.2.0"}},
        {"pristine fetch", {"mpsupport pristine fetch mymod 1.2.0"}},
        {"pristine keygen", {"mpsupport pristine keygen --key ~/keys/release-signing.key"}},
        {"pristine sign",
         {"mpsupport pristine sign mymod-1.2.0.zip --key ~/keys/release-signing.key"}},
        {"pristine import-core",
         {"mpsupport pristine import-core --url https://api.prestashop.com/xml/md5-8/8.2.0.xml"}},
        {"expiry",
         {"mpsupport expiry XKBKNABJK", "mpsupport expiry XKBKNABJK --at 2026-12-24",
          "mpsupport --jq '.orders[].lines[].support_end' expiry XKBKNABJK"}},
        {"remind",
         {"mpsupport remind --dry-run", "mpsupport orders sync && mpsupport remind  # daily cron"}},
        {"orders",
         {"mpsupport orders import orders.csv", "mpsupport orders sync",
          "mpsupport orders list --expiring-within 7"}},
        {"orders import",
         {"mpsupport orders import orders.csv", "mpsupport orders import export.csv --skip-bad"}},
        {"orders sync", {"mpsupport orders sync  # key: MPSUPPORT_WEBSERVICE_KEY or a *_command"}},
        {"orders show", {"mpsupport orders show XKBKNABJK"}},
        {"orders list",
         {"mpsupport orders list --expiring-within 7",
          "mpsupport --jq '.lines | length' orders list"}},
        {"ticket",
         {"mpsupport ticket draft myshop --summary \"Blank page after saving\"",
          "mpsupport ticket list"}},
        {"ticket list", {"mpsupport --jq '.tickets[].outcome' ticket list"}},
        {"ledger", {"mpsupport ledger migrate --to postgresql://support@db.example/mpsupport"}},
        {"ledger migrate",
         {"PGPASSWORD=... mpsupport ledger migrate --to "
          "postgresql://support@db.example/mpsupport"}},
        {"config",
         {"mpsupport config init", "mpsupport config get policy.allowed_change",
          "mpsupport config set vendor.smtp_password_command 'pass show smtp'"}},
        {"config get",
         {"mpsupport config get vendor.support_email",
          "mpsupport --json config get remind.thresholds"}},
        {"config set",
         {"mpsupport config set vendor.support_email support@example.com",
          "mpsupport config set stores.myshop.modules ps_facetedsearch,mymod"}},
        {"config list", {"mpsupport config list"}},
        {"config path", {"mpsupport config path"}},
        {"config init", {"mpsupport config init"}},
        {"completion",
         {"mpsupport completion bash > ~/.local/share/bash-completion/completions/mpsupport"}},
    };
    return table;
}

void add_examples_to(CLI::App& app, const std::string& path) {
    auto it = examples().find(path);
    if (it != examples().end()) {
        std::string footer = "EXAMPLES:\n";
        for (const auto& line : it->second) footer += "  " + line + "\n";
        footer.pop_back();
        app.footer(footer);
    }
    for (auto* sub : app.get_subcommands({}))
        add_examples_to(*sub, path.empty() ? sub->get_name() : path + " " + sub->get_name());
}

bool takes_value(const std::string& arg) {
    return arg == "--config" || arg == "--log-file" || arg == "--timeout" || arg == "--jq";
}

}  // namespace

std::shared_ptr<CLI::FormatterBase> help_formatter() {
    return std::make_shared<Formatter>();
}

void add_examples(CLI::App& app) {
    add_examples_to(app, "");
}

std::size_t command_index(const std::vector<std::string>& args) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (takes_value(args[i])) {
            ++i;
            continue;
        }
        if (args[i].empty() || args[i][0] != '-') return i;
    }
    return args.size();
}

std::vector<std::string> rewrite_help(const std::vector<std::string>& args) {
    std::size_t at = command_index(args);
    if (at == args.size() || args[at] != "help") return args;
    std::vector<std::string> out(args.begin(), args.begin() + static_cast<long>(at));
    for (std::size_t i = at + 1; i < args.size(); ++i)
        if (args[i] != "help") out.push_back(args[i]);
    out.push_back("--help");
    return out;
}

}  // namespace mpscli
