// Secrets from the environment, a *_file or a *_command key (SPEC.md "Configuration").
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "config/config.hpp"
#include "config/secrets.hpp"
#include "test_support.hpp"
#include "util/environment.hpp"
#include "util/error.hpp"

namespace fs = std::filesystem;

namespace {

void write(const fs::path& path, const std::string& text, mode_t mode) {
    std::ofstream(path) << text;
    chmod(path.c_str(), mode);
}

std::string usage_message(const std::function<void()>& f) {
    try {
        f();
    } catch (const mps::Error& e) {
        CHECK(e.kind() == mps::ErrorKind::usage);
        return e.what();
    }
    FAIL("no error");
    return {};
}

}  // namespace

TEST_CASE("secret keys are read from the config, and never in clear", "[config][secrets]") {
    auto config = mps::parse_config(R"(
[vendor]
smtp_password_command = "pass show smtp"
[orders]
webservice_key_file = "~/ws.key"
[stores.shop]
sftp_password_command = "echo x"
admin_password_file = "admin.pw"
)",
                                    "/etc/c.toml");
    CHECK(config.vendor.smtp_password.command == "pass show smtp");
    CHECK(config.orders.webservice_key.file == "~/ws.key");
    CHECK(config.stores["shop"].sftp_password.command == "echo x");
    CHECK(config.stores["shop"].admin_password.file == "admin.pw");
    CHECK(config.stores["shop"].ftp_password.empty());
    bool listed = false;
    for (const auto& [key, value] : mps::config_entries(config))
        listed = listed || (key == "vendor.smtp_password_command" && value == "\"pass show smtp\"");
    CHECK(listed);
    CHECK(mps::is_secret_source_key("stores.other.ftp_password_command"));
    CHECK(mps::is_secret_source_key("orders.webservice_key_file"));
    CHECK_FALSE(mps::is_secret_source_key("vendor.smtp_password"));
    CHECK_FALSE(mps::is_secret_source_key("vendor.name_file"));

    auto clear = usage_message(
        [] { mps::parse_config("[vendor]\nsmtp_password = \"hunter2\"\n", "/etc/c.toml"); });
    CHECK_THAT(clear, Catch::Contains("/etc/c.toml:2") &&
                          Catch::Contains("vendor.smtp_password_command") &&
                          !Catch::Contains("hunter2"));
    auto both = usage_message([] {
        mps::parse_config("[orders]\nwebservice_key_file = \"a\"\nwebservice_key_command = \"b\"\n",
                          "/etc/c.toml");
    });
    CHECK_THAT(both, Catch::Contains("orders.webservice_key_command"));
}

TEST_CASE("secret resolution: environment, then file, then command", "[config][secrets]") {
    testing::TempDir dir;
    fs::path config_file = dir / "config.toml";
    mps::SecretSpec spec{"MPSUPPORT_SMTP_PASSWORD", "vendor.smtp_password", {}};
    auto none = mps::Environment::fixed({{"HOME", dir.path().string()}});
    auto env = mps::Environment::fixed(
        {{"HOME", dir.path().string()}, {"MPSUPPORT_SMTP_PASSWORD", "from-env"}});

    CHECK_FALSE(mps::resolve_secret(none, spec, config_file));

    spec.source.command = "printf 'from-command\\n'";
    CHECK(mps::resolve_secret(none, spec, config_file) == "from-command");  // newline stripped
    CHECK(mps::resolve_secret(env, spec, config_file) == "from-env");       // environment wins

    spec.source = {};
    write(dir / "pw", "from-file\n", 0600);
    spec.source.file = "pw";  // relative to the config file's folder
    CHECK(mps::resolve_secret(none, spec, config_file) == "from-file");
    spec.source.file = "~/pw";
    CHECK(mps::resolve_secret(none, spec, config_file) == "from-file");
    CHECK(mps::resolve_secret(env, spec, config_file) == "from-env");

    // Store secrets read the chosen store's keys only.
    auto config = mps::parse_config("[stores.a]\nftp_password_command = \"echo a\"\n", config_file);
    CHECK(mps::secret_spec(config, mps::SecretKind::ftp_password, "a").source.command == "echo a");
    CHECK(mps::secret_spec(config, mps::SecretKind::ftp_password, "b").source.empty());
    CHECK(mps::secret_spec(config, mps::SecretKind::ftp_password, "a").key ==
          "stores.a.ftp_password");
}

TEST_CASE("secret files readable by others and failing commands are refused", "[config][secrets]") {
    testing::TempDir dir;
    write(dir / "open", "s3cret-open\n", 0640);
    auto open =
        usage_message([&] { mps::read_secret_file(dir / "open", "vendor.smtp_password_file"); });
    CHECK_THAT(open, Catch::Contains("vendor.smtp_password_file") &&
                         Catch::Contains((dir / "open").string()) && Catch::Contains("0640") &&
                         !Catch::Contains("s3cret"));
    write(dir / "empty", "\n", 0600);
    CHECK_THAT(usage_message([&] { mps::read_secret_file(dir / "empty", "k_file"); }),
               Catch::Contains("empty"));
    CHECK_THAT(usage_message([&] { mps::read_secret_file(dir / "absent", "k_file"); }),
               Catch::Contains("k_file") && Catch::Contains("absent"));

    auto failed = usage_message([] {
        mps::run_secret_command("echo s3cret-out; exit 3", "orders.webservice_key_command");
    });
    CHECK_THAT(failed, Catch::Contains("orders.webservice_key_command") &&
                           Catch::Contains("exit status 3") && !Catch::Contains("s3cret"));
    CHECK_THAT(usage_message([] { mps::run_secret_command("true", "k_command"); }),
               Catch::Contains("printed nothing"));
    CHECK(mps::run_secret_command("printf 'a b\\n\\n'", "k") == "a b\n");  // one newline stripped
    CHECK(mps::run_secret_command("read x; echo \"[$x]\"", "k") == "[]");  // stdin is /dev/null
}

TEST_CASE("the ledger password: [ledger] password_file or password_command, env wins",
          "[config][secrets][ledger]") {
    testing::TempDir dir;
    fs::path config_file = dir / "config.toml";
    auto config = mps::parse_config(
        "[ledger]\nurl = \"postgresql://support@db.example/mps\"\n"
        "password_command = \"printf 'from-command\\\\n'\"\n",
        config_file);
    auto spec = mps::secret_spec(config, mps::SecretKind::ledger_password, "");
    CHECK(spec.key == "ledger.password");
    CHECK(spec.environment_variable == "MPSUPPORT_LEDGER_PASSWORD");
    auto none = mps::Environment::fixed({{"HOME", dir.path().string()}});
    CHECK(mps::resolve_secret(none, spec, config_file) == "from-command");
    auto env = mps::Environment::fixed(
        {{"HOME", dir.path().string()}, {"MPSUPPORT_LEDGER_PASSWORD", "from-env"}});
    CHECK(mps::resolve_secret(env, spec, config_file) == "from-env");

    // config list shows where the password comes from, never the password.
    bool listed = false;
    for (const auto& [key, value] : mps::config_entries(config))
        listed = listed || (key == "ledger.password_command" && value.find("printf") == 1);
    CHECK(listed);
    CHECK(mps::is_secret_source_key("ledger.password_file"));
    CHECK(mps::is_secret_source_key("ledger.password_command"));

    write(dir / "ledger.pw", "from-file\n", 0644);
    auto file_config = mps::parse_config("[ledger]\npassword_file = \"ledger.pw\"\n", config_file);
    auto file_spec = mps::secret_spec(file_config, mps::SecretKind::ledger_password, "");
    CHECK_THAT(usage_message([&] { mps::resolve_secret(none, file_spec, config_file); }),
               Catch::Contains("ledger.password_file") && Catch::Contains("0644") &&
                   !Catch::Contains("from-file"));
    chmod((dir / "ledger.pw").c_str(), 0600);
    CHECK(mps::resolve_secret(none, file_spec, config_file) == "from-file");

    auto clear = usage_message(
        [&] { mps::parse_config("[ledger]\npassword = \"hunter2-ledger\"\n", config_file); });
    CHECK_THAT(clear, Catch::Contains("ledger.password_command") &&
                          Catch::Contains("MPSUPPORT_LEDGER_PASSWORD") &&
                          !Catch::Contains("hunter2-ledger"));
}
