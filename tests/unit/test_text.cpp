#include <catch2/catch.hpp>

#include <cctype>
#include <cstdint>
#include <string_view>

#include "util/glob.hpp"
#include "util/safe_path.hpp"
#include "util/text.hpp"

using namespace mps;

TEST_CASE("normalize_whitespace ignores what PHP and browsers ignore", "[text]") {
    std::string lf = "a\nb\n";
    CHECK(normalize_whitespace("a\r\nb\r\n") == lf);
    CHECK(normalize_whitespace("a\rb\r") == lf);
    CHECK(normalize_whitespace("\xEF\xBB\xBF"
                               "a\nb\n") == lf);
    CHECK(normalize_whitespace("a  \t\nb \n") == lf);
    CHECK(normalize_whitespace("a\nb") == lf);
    CHECK(normalize_whitespace("a\nb\n\n\n") == lf);
    CHECK(normalize_whitespace("") == "");
    CHECK(normalize_whitespace("\n\n") == "");
    // Leading blanks and inner blank lines are content.
    CHECK(normalize_whitespace("  a\nb\n") != lf);
    CHECK(normalize_whitespace("a\n\nb\n") != lf);
    CHECK(normalize_whitespace("a b\n") != "ab\n");
}

TEST_CASE("split_lines keeps every line without terminators", "[text]") {
    auto lines = split_lines("one\r\ntwo\nthree");
    REQUIRE(lines.size() == 3);
    CHECK(lines[0] == "one");
    CHECK(lines[1] == "two");
    CHECK(lines[2] == "three");
    CHECK(split_lines("").empty());
    CHECK(split_lines("\n").size() == 1);
}

TEST_CASE("looks_binary finds NUL bytes", "[text]") {
    CHECK(looks_binary(std::string("ab\0cd", 5)));
    CHECK_FALSE(looks_binary("plain text"));
}

TEST_CASE("glob_match on base names and paths", "[glob]") {
    CHECK(glob_match("*.tpl", "views/templates/hook/a.tpl"));
    CHECK(glob_match("*.TPL", "a.tpl"));
    CHECK_FALSE(glob_match("*.tpl", "a.tpl.php"));
    CHECK(glob_match("translations/*.php", "translations/fr.php"));
    CHECK_FALSE(glob_match("translations/*.php", "translations/sub/fr.php"));
    CHECK_FALSE(glob_match("translations/*.php", "x/translations/fr.php"));
    CHECK(glob_match("views/**/*.css", "views/css/front.css"));
    CHECK(glob_match("views/**/*.css", "views/a/b/c.css"));
    CHECK(glob_match("config_*.xml", "config_fr.xml"));
    CHECK(glob_match("config_??.xml", "config_fr.xml"));
    CHECK_FALSE(glob_match("config_??.xml", "config_fra.xml"));
}

TEST_CASE("normalize_relative_path refuses escapes", "[safe-path]") {
    std::string why;
    CHECK(normalize_relative_path("a/./b//c.php", why) == "a/b/c.php");
    CHECK(normalize_relative_path("a\\b.php", why) == "a/b.php");
    CHECK(normalize_relative_path("../evil.php", why).empty());
    CHECK(why.find("..") != std::string::npos);
    CHECK(normalize_relative_path("a/../../evil.php", why).empty());
    CHECK(normalize_relative_path("/etc/passwd", why).empty());
    CHECK(why == "absolute path");
    CHECK(normalize_relative_path("C:/x", why).empty());
    CHECK(normalize_relative_path(std::string("a\nb", 3), why).empty());
    CHECK(normalize_relative_path("", why).empty());
    CHECK(is_ignored_junk("__MACOSX/mod/._a.php"));
    CHECK(is_ignored_junk("views/.DS_Store"));
    CHECK_FALSE(is_ignored_junk("views/a.php"));
}

TEST_CASE("printable escapes control characters and bad UTF-8", "[text]") {
    CHECK(printable("plain café ✓ a\\b") == "plain café ✓ a\\b");
    CHECK(printable("x\nVerdict: support covered") == "x\\nVerdict: support covered");
    CHECK(printable("\x1b[2J\r\t\x7f") == "\\x1b[2J\\r\\t\\x7f");
    CHECK(printable(std::string("a\0b", 3)) == "a\\x00b");
    CHECK(printable("caf\xe9.tpl") == "caf\xEF\xBF\xBD.tpl");
    CHECK(printable("\xC2\x9b"
                    "31m") == "\\u009b31m");                      // C1 CSI
    CHECK(printable("\xE2\x80\xAEgpj.php") == "\\u202egpj.php");  // right-to-left override
    CHECK(printable("\xED\xA0\x80") ==
          "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate: invalid
    CHECK(printable("\xF0\x9F\x98\x80") == "\xF0\x9F\x98\x80");
    CHECK(printable("\xF0\x9F\x98") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // truncated
    CHECK(printable_multiline("-a\x1b[31m\n+b\tc\n") == "-a\\x1b[31m\n+b\tc\n");
    CHECK(valid_utf8("caf\xe9\n") == "caf\xEF\xBF\xBD\n");
}

TEST_CASE("normalized_lines and same_ignoring_whitespace agree with normalize_whitespace",
          "[text]") {
    std::vector<std::string> samples = {"",
                                        "\n",
                                        "a",
                                        "a\n",
                                        "a\r\nb\r\n",
                                        "a\rb\r",
                                        "\xEF\xBB\xBF"
                                        "a\n",
                                        "a  \t\nb \n",
                                        "a\nb\n\n\n",
                                        "  a\nb\n",
                                        "a\n\nb\n",
                                        "a \n \n\t\n",
                                        "\r\r\n\n",
                                        "a\n\r\nb",
                                        "x\ny",
                                        "x\ny\n "};
    for (const auto& a : samples) {
        INFO("a = " << printable(a));
        auto lines = normalized_lines(a);
        CHECK(lines == split_lines(normalize_whitespace(a)));
        for (const auto& b : samples) {
            INFO("b = " << printable(b));
            CHECK(same_ignoring_whitespace(a, b) ==
                  (normalize_whitespace(a) == normalize_whitespace(b)));
        }
    }
}

namespace {
// The matcher glob.cpp used before: exponential, but simple; the reference for random tests.
bool reference_match(std::string_view p, std::string_view s) {
    auto same = [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) ==
               std::tolower(static_cast<unsigned char>(b));
    };
    while (!p.empty()) {
        if (p.substr(0, 2) == "**") {
            p.remove_prefix(2);
            if (!p.empty() && p.front() == '/' && reference_match(p.substr(1), s)) return true;
            for (std::size_t i = 0; i <= s.size(); ++i)
                if (reference_match(p, s.substr(i))) return true;
            return false;
        }
        if (p.front() == '*') {
            p.remove_prefix(1);
            for (std::size_t i = 0; i <= s.size(); ++i) {
                if (reference_match(p, s.substr(i))) return true;
                if (i < s.size() && s[i] == '/') break;
            }
            return false;
        }
        if (s.empty()) return false;
        if (p.front() == '?' ? s.front() == '/' : !same(p.front(), s.front())) return false;
        p.remove_prefix(1);
        s.remove_prefix(1);
    }
    return s.empty();
}
}  // namespace

TEST_CASE("glob_match is linear on hostile patterns and agrees with the simple matcher", "[glob]") {
    // Seven '*' against a 60-character name backtracked for 10 s before.
    std::string name(60, 'a');
    CHECK_FALSE(glob_match("*a*a*a*a*a*a*b", name));
    CHECK(glob_match("*a*a*a*a*a*a*a", name));
    std::string deep;
    for (int i = 0; i < 30; ++i) deep += "a/";
    CHECK_FALSE(glob_match("**/a**/a**/a**/a**/a**/a**/b", deep + "a"));
    CHECK_FALSE(glob_match("**a*a*a*a*a*a*a*a*a*a*b", std::string(4000, 'a')));
    CHECK(glob_match("**/x.tpl", "x.tpl"));
    CHECK(glob_match("**/x.tpl", "a/b/x.tpl"));
    CHECK_FALSE(glob_match("a/**/x.tpl", "ab/x.tpl"));

    // Random patterns and paths over a small alphabet: same answers as the simple matcher.
    std::uint32_t seed = 12345;
    auto next = [&] { return seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff; };
    const std::string pattern_chars = "ab/*?", path_chars = "ab/";
    for (int round = 0; round < 20000; ++round) {
        std::string p, s;
        for (std::uint32_t i = 0, n = next() % 8; i < n; ++i)
            p += pattern_chars[next() % pattern_chars.size()];
        for (std::uint32_t i = 0, n = next() % 9; i < n; ++i)
            s += path_chars[next() % path_chars.size()];
        if (p.find('/') != std::string::npos) {
            INFO("pattern " << p << " path " << s);
            REQUIRE(glob_match(p, s) == reference_match(p, s));
        } else {
            INFO("pattern " << p << " name " << s);
            std::string base = s.substr(s.rfind('/') == std::string::npos ? 0 : s.rfind('/') + 1);
            REQUIRE(glob_match(p, s) == reference_match(p, base));
        }
    }
}
