#include <catch2/catch.hpp>

#include "config/config.hpp"
#include "test_support.hpp"
#include "util/environment.hpp"
#include "util/error.hpp"
#include "util/paths.hpp"

using namespace mps;

namespace {
std::string error_of(const std::filesystem::path& file) {
    try {
        load_config(file, true);
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
        return e.what();
    }
    return "no error";
}
}  // namespace

TEST_CASE("a missing config file gives the mypresta.rocks defaults", "[config]") {
    testing::TempDir dir;
    Config c = load_config(dir / "none.toml", false);
    CHECK(c.vendor.name == "mypresta.rocks");
    CHECK(c.vendor.support_email == "support@mypresta.rocks");
    CHECK(c.policy.free_support_months == 1);
    CHECK(c.policy.max_support_months == 12);
    CHECK(c.policy.major_rewrite_ratio == 0.5);
    CHECK(c.policy.allowed_change == std::vector<std::string>{"*.tpl", "*.css"});
    CHECK_THROWS_AS(load_config(dir / "none.toml", true), Error);
}

TEST_CASE("config values are read and validated", "[config]") {
    testing::TempDir dir;
    testing::write(dir / "c.toml",
                   "[vendor]\nname = \"acme\"\nholidays = [\"2026-12-25\"]\n"
                   "[policy]\nmajor_rewrite_ratio = 0.25\nallowed_change = [\"*.tpl\"]\n"
                   "[policy.extended_products]\nEXT6 = 6\n"
                   "[stores.main]\nurl = \"https://shop.example\"\nmodules = [\"a\", \"b\"]\n");
    Config c = load_config(dir / "c.toml", true);
    CHECK(c.vendor.name == "acme");
    CHECK(c.vendor.support_email == "support@mypresta.rocks");
    CHECK(c.policy.major_rewrite_ratio == 0.25);
    CHECK(c.policy.extended_products.at("EXT6") == 6);
    CHECK(c.stores.at("main").modules.size() == 2);
    // A store's files, and their old key name.
    testing::write(dir / "f.toml",
                   "[stores.a]\nfiles = \"/srv/shop\"\n[stores.b]\nsftp = \"sftp://u@h/x\"\n");
    Config f = load_config(dir / "f.toml", true);
    CHECK(f.stores.at("a").files == "/srv/shop");
    CHECK(f.stores.at("b").files == "sftp://u@h/x");
    bool found = false;
    for (const auto& [key, value] : config_entries(c))
        if (key == "policy.major_rewrite_ratio") found = (value == "0.25");
    CHECK(found);
}

TEST_CASE("config errors name the file, the line and the key", "[config]") {
    testing::TempDir dir;
    testing::write(dir / "syntax.toml", "[vendor]\nname = \"acme\"\nsupport_email = \n");
    std::string syntax = error_of(dir / "syntax.toml");
    CHECK(syntax.find("syntax.toml:3") != std::string::npos);

    testing::write(dir / "type.toml", "[vendor]\n\nreply_business_days = \"one\"\n");
    std::string type = error_of(dir / "type.toml");
    CHECK(type.find("type.toml:3") != std::string::npos);
    CHECK(type.find("vendor.reply_business_days") != std::string::npos);

    testing::write(dir / "range.toml", "[policy]\nmajor_rewrite_ratio = 1.5\n");
    CHECK(error_of(dir / "range.toml")
              .find("policy.major_rewrite_ratio must be a number between 0 and 1") !=
          std::string::npos);

    testing::write(dir / "array.toml", "[policy]\nallowed_change = [\"*.tpl\", 3]\n");
    CHECK(error_of(dir / "array.toml").find("policy.allowed_change") != std::string::npos);

    testing::write(dir / "store.toml", "stores = 3\n");
    CHECK(error_of(dir / "store.toml").find("store.toml:1") != std::string::npos);
}

TEST_CASE("non-ASCII characters between tokens are syntax errors, inside strings text",
          "[config]") {
    // toml++ 3.3's Unicode tables reach undefined behaviour for these code points where the
    // parser asks whether a character is whitespace (U+00E9, U+2C60, U+3050, U+FB30 - the
    // fuzz target found U+FBC6); config.cpp makes them answer "not whitespace".
    testing::TempDir dir;
    int index = 1;
    for (const char* character :
         {"\xc3\xa9", "\xe2\xb1\xa0", "\xe3\x81\x90", "\xef\xac\xb0", "\xef\xaf\x86"}) {
        auto file = dir / ("c" + std::to_string(index) + ".toml");
        testing::write(file, std::string("[vendor]\nname = \"acme\" ") + character + "\n");
        CHECK(error_of(file).find(file.filename().string() + ":2: invalid TOML") !=
              std::string::npos);
        testing::write(file, std::string(character) + " = 1\n");
        CHECK(error_of(file).find(file.filename().string() + ":1: invalid TOML") !=
              std::string::npos);
        testing::write(file, std::string("[vendor]\nname = \"Boutique ") + character + "\" # " +
                                 character + "\n");
        CHECK(load_config(file, true).vendor.name == std::string("Boutique ") + character);
        ++index;
    }
    // toml++ asserts (debug builds) that a table header starts with a key character.
    testing::write(dir / "header.toml", "[;olicy]\n");
    CHECK(error_of(dir / "header.toml").find("header.toml:1: invalid TOML") != std::string::npos);
}

TEST_CASE("deeply nested dotted keys, table headers and inline tables are refused before parsing",
          "[config]") {
    testing::TempDir dir;
    auto dotted = [](std::size_t levels) {
        std::string key = "k";
        for (std::size_t i = 1; i < levels; ++i) key += ".k";
        return key;
    };
    // 50,000 levels used to overflow the stack inside toml++ (its depth limit skips dotted keys).
    testing::write(dir / "key.toml", "[vendor]\nname = \"acme\"\n" + dotted(50000) + " = 1\n");
    std::string key = error_of(dir / "key.toml");
    CHECK(key.find("key.toml:3") != std::string::npos);
    CHECK(key.find("nested more than 64 levels") != std::string::npos);

    testing::write(dir / "table.toml", "# deep\n[" + dotted(50000) + "]\nx = 1\n");
    CHECK(error_of(dir / "table.toml").find("table.toml:2") != std::string::npos);
    testing::write(dir / "array.toml", "[[" + dotted(50000) + "]]\n");
    CHECK(error_of(dir / "array.toml").find("array.toml:1") != std::string::npos);

    // Inline tables whose keys are dotted: each level adds its dots.
    std::string inline_nest;
    for (int i = 0; i < 30; ++i) inline_nest += "a.b.c = {";
    inline_nest += "x = 1" + std::string(30, '}') + "\n";
    testing::write(dir / "inline.toml", "[stores.s]\n" + inline_nest);
    CHECK(error_of(dir / "inline.toml").find("inline.toml:2") != std::string::npos);
    testing::write(dir / "arrays.toml",
                   "x = " + std::string(100, '[') + std::string(100, ']') + "\n");
    CHECK(error_of(dir / "arrays.toml").find("arrays.toml:1") != std::string::npos);

    // Dots inside strings and comments, floats and times do not count; 50 levels still parse.
    testing::write(dir / "ok.toml",
                   "[stores.\"a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g.h."
                   "i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g.h\"]\n"
                   "url = "
                   "'https://"
                   "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g.h.i.j.k.l.m."
                   "n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f'\n"
                   "# "
                   "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g.h.i.j.k.l.m."
                   "n.o.p.q.r.s.t.u.v.w.x.y.z\n"
                   "order = "
                   "\"\"\"a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g.h.i.j."
                   "k.l.m.n.o.p.q.\n"
                   "r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z\"\"\"\n"
                   "[policy]\nmajor_rewrite_ratio = 0.25\n"
                   "[remind]\nthresholds = [30, 7, 1]\n"
                   "[x]\n" +
                       dotted(50) + " = { a = [[[1.5, 2.5]]], b = 1979-05-27T07:32:00.999 }\n");
    Config ok = load_config(dir / "ok.toml", true);
    CHECK(ok.policy.major_rewrite_ratio == 0.25);
    CHECK(ok.stores.size() == 1);
}

TEST_CASE("XDG paths and the config search order", "[config]") {
    auto env = Environment::fixed({{"HOME", "/home/u"}});
    Paths p = resolve_paths(env, std::nullopt);
    CHECK(p.config_file == "/home/u/.config/mpsupport/config.toml");
    CHECK(p.data_dir == "/home/u/.local/share/mpsupport");
    CHECK_FALSE(p.config_explicit);
    auto xdg = Environment::fixed({{"HOME", "/home/u"},
                                   {"XDG_CONFIG_HOME", "/c"},
                                   {"XDG_DATA_HOME", "/d"},
                                   {"MPSUPPORT_CONFIG", "/e/m.toml"}});
    Paths q = resolve_paths(xdg, std::nullopt);
    CHECK(q.config_file == "/e/m.toml");
    CHECK(q.config_explicit);
    CHECK(q.pristine_dir() == "/d/mpsupport/pristine");
    CHECK(resolve_paths(xdg, std::filesystem::path("/f.toml")).config_file == "/f.toml");
    // A relative XDG value is ignored, as the XDG spec says.
    auto relative = Environment::fixed({{"HOME", "/home/u"}, {"XDG_DATA_HOME", "rel"}});
    CHECK(resolve_paths(relative, std::nullopt).data_dir == "/home/u/.local/share/mpsupport");
    CHECK_THROWS_AS(resolve_paths(Environment::fixed({}), std::nullopt), Error);
}
