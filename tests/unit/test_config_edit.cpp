// `config set`: text edits that keep comments and layout, values shaped like the key's type,
// and a file that stays as it was when the new value is wrong.
#include <catch2/catch.hpp>

#include "config/config_edit.hpp"
#include "test_support.hpp"
#include "util/error.hpp"

using namespace mps;

TEST_CASE("set_toml_key: replace in place, add to a table, add a table", "[config]") {
    std::string text =
        "# my config\n[vendor]\nname = \"old\"  # trailing comment\n# support_email = "
        "\"x\"\n\n[policy]\n"
        "allowed_change = [\n  \"*.tpl\",\n  \"*.css\",\n]\nmajor_rewrite_ratio = 0.5\n";
    std::string edited = set_toml_key(text, "vendor", "name", "\"new\"");
    CHECK(edited.find("name = \"new\"\n") != std::string::npos);
    CHECK(edited.find("# my config") == 0);
    CHECK(edited.find("# support_email = \"x\"") != std::string::npos);

    edited = set_toml_key(text, "policy", "allowed_change", "[\"*.tpl\"]");
    CHECK(edited.find("allowed_change = [\"*.tpl\"]\nmajor_rewrite_ratio = 0.5") !=
          std::string::npos);
    CHECK(edited.find("\"*.css\"") == std::string::npos);

    edited = set_toml_key(text, "vendor", "support_email", "\"a@b.example\"");
    CHECK(edited.find("name = \"old\"  # trailing comment\nsupport_email = \"a@b.example\"\n") !=
          std::string::npos);

    edited = set_toml_key(text, "stores.myshop", "url", "\"https://x.example\"");
    CHECK_THAT(edited, Catch::EndsWith("0.5\n\n[stores.myshop]\nurl = \"https://x.example\"\n"));
    CHECK(set_toml_key("", "orders", "source", "\"ledger\"") == "[orders]\nsource = \"ledger\"\n");
    CHECK(set_toml_key("", "policy.extended_products", "{module}-6m", "6") ==
          "[policy.extended_products]\n\"{module}-6m\" = 6\n");
}

TEST_CASE("toml_value_for: strings quoted, lists split, numbers checked", "[config]") {
    Config config;
    CHECK(toml_value_for(config, "vendor.name", "a \"b\"") == "\"a \\\"b\\\"\"");
    CHECK(toml_value_for(config, "remind.thresholds", "14, 3") == "[14, 3]");
    CHECK(toml_value_for(config, "policy.allowed_change", "*.tpl,*.css") ==
          "[\"*.tpl\", \"*.css\"]");
    CHECK(toml_value_for(config, "stores.newshop.modules", "a") == "[\"a\"]");
    CHECK(toml_value_for(config, "stores.newshop.url", "https://x") == "\"https://x\"");
    CHECK(toml_value_for(config, "policy.major_rewrite_ratio", "0.4") == "0.4");
    CHECK_THROWS_AS(toml_value_for(config, "policy.major_rewrite_ratio", "abc"), Error);
    CHECK_THROWS_AS(toml_value_for(config, "vendor.reply_business_days", "1.5"), Error);
    CHECK_THROWS_AS(toml_value_for(config, "vendor.nope", "1"), Error);
}

TEST_CASE("set_config_value: validated before the file is replaced", "[config]") {
    testing::TempDir dir;
    auto file = dir / "config.toml";
    testing::write(file, "# keep me\n[policy]\nmajor_rewrite_ratio = 0.5\n");
    Config config = load_config(file, true);
    set_config_value(file, config, "policy.major_rewrite_ratio", "0.25");
    CHECK(testing::slurp(file) == "# keep me\n[policy]\nmajor_rewrite_ratio = 0.25\n");
    CHECK(load_config(file, true).policy.major_rewrite_ratio == Approx(0.25));
    // Out of range for the loader: refused, file unchanged, no temporary left behind.
    CHECK_THROWS_AS(set_config_value(file, config, "policy.major_rewrite_ratio", "7"), Error);
    CHECK(testing::slurp(file) == "# keep me\n[policy]\nmajor_rewrite_ratio = 0.25\n");
    CHECK(testing::count_files(dir.path()) == 1);
}
