#include <catch2/catch.hpp>

#include "util/glob.hpp"
#include "util/safe_path.hpp"
#include "util/text.hpp"

using namespace mps;

TEST_CASE("normalize_whitespace ignores what PHP and browsers ignore", "[text]") {
    std::string lf = "a\nb\n";
    CHECK(normalize_whitespace("a\r\nb\r\n") == lf);
    CHECK(normalize_whitespace("a\rb\r") == lf);
    CHECK(normalize_whitespace("\xEF\xBB\xBF" "a\nb\n") == lf);
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
