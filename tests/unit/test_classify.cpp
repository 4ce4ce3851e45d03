#include <catch2/catch.hpp>

#include "integrity/classify.hpp"
#include "integrity/compare.hpp"
#include "util/error.hpp"

using namespace mps;

namespace {
std::string tpl(int lines, int changed = 0) {
    std::string out;
    for (int i = 0; i < lines; ++i)
        out += (i < changed ? "<p>custom " : "<div>{$item") + std::to_string(i) +
               (i < changed ? "</p>\n" : "}</div>\n");
    return out;
}
}  // namespace

TEST_CASE("whitespace-only changes are benign for every file type", "[classify]") {
    PolicyConfig policy;
    std::string php = "<?php\necho 1;\n";
    for (std::string installed :
         {std::string("<?php\r\necho 1;\r\n"), std::string("\xEF\xBB\xBF<?php\necho 1;\n"),
          std::string("<?php   \necho 1;\t\n"), std::string("<?php\necho 1;\n\n\n")}) {
        auto v = classify_changed("main.php", php, installed, policy, false);
        CHECK(v.file_class == FileClass::whitespace_only);
        CHECK_FALSE(v.voids);
    }
}

TEST_CASE("a changed PHP or JS file is modified and voids support", "[classify]") {
    PolicyConfig policy;
    auto v = classify_changed("src/Service.php", "<?php\nreturn 1;\n", "<?php\nreturn 2;\n", policy,
                              true);
    CHECK(v.file_class == FileClass::modified);
    CHECK(v.voids);
    CHECK(v.rule.find("POLICY.md §5") != std::string::npos);
    CHECK(v.diff.find("+return 2;") != std::string::npos);
    auto js = classify_changed("views/js/front.js", "a();\n", "b();\n", policy, false);
    CHECK(js.file_class == FileClass::modified);
    CHECK(js.diff.empty());
}

TEST_CASE("binary files that differ are modified", "[classify]") {
    PolicyConfig policy;
    auto v = classify_changed("logo.png", std::string("\x89PNG\0\1", 6),
                              std::string("\x89PNG\0\2", 6), policy, true);
    CHECK(v.file_class == FileClass::modified);
    CHECK(v.voids);
    CHECK(v.note == "binary file");
    CHECK(v.diff.empty());
}

TEST_CASE("allowed-change and major-rewrite at the threshold edges", "[classify]") {
    PolicyConfig policy;  // major_rewrite_ratio 0.5
    // Changing k of 10 lines gives a ratio of 2k/20 = k/10.
    auto at = classify_changed("a.tpl", tpl(10), tpl(10, 5), policy, false);
    CHECK(at.changed_ratio == Approx(0.5));
    CHECK(at.file_class == FileClass::allowed_change);
    CHECK_FALSE(at.voids);
    auto above = classify_changed("a.tpl", tpl(10), tpl(10, 6), policy, false);
    CHECK(above.changed_ratio == Approx(0.6));
    CHECK(above.file_class == FileClass::major_rewrite);
    CHECK(above.voids);
    auto small = classify_changed("views/css/x.css", tpl(10), tpl(10, 1), policy, false);
    CHECK(small.file_class == FileClass::allowed_change);

    policy.major_rewrite_ratio = 0.3;
    CHECK(classify_changed("a.tpl", tpl(10), tpl(10, 3), policy, false).file_class ==
          FileClass::allowed_change);
    CHECK(classify_changed("a.tpl", tpl(10), tpl(10, 4), policy, false).file_class ==
          FileClass::major_rewrite);
    policy.major_rewrite_ratio = 0.0;
    CHECK(classify_changed("a.tpl", tpl(10), tpl(10, 1), policy, false).file_class ==
          FileClass::major_rewrite);
}

TEST_CASE("whitespace is ignored when measuring a template change", "[classify]") {
    PolicyConfig policy;
    std::string crlf;
    for (char c : tpl(10, 1)) crlf += (c == '\n') ? std::string("\r\n") : std::string(1, c);
    auto v = classify_changed("a.tpl", tpl(10), crlf, policy, false);
    CHECK(v.file_class == FileClass::allowed_change);
    CHECK(v.changed_ratio == Approx(0.1));
}

TEST_CASE("added and missing files", "[classify]") {
    PolicyConfig policy;
    CHECK(classify_presence("hack.php", FileClass::added, policy).voids);
    CHECK(classify_presence("views/js/extra.js", FileClass::added, policy).voids);
    CHECK_FALSE(classify_presence("views/img/new.png", FileClass::added, policy).voids);
    CHECK_FALSE(classify_presence("views/templates/hook/new.tpl", FileClass::added, policy).voids);
    auto missing = classify_presence("views/img/logo.png", FileClass::missing, policy);
    CHECK(missing.file_class == FileClass::missing);
    CHECK(missing.voids);
}

TEST_CASE("files PrestaShop writes itself never void support", "[classify]") {
    PolicyConfig policy;
    auto xml =
        classify_changed("config.xml", "<module><version>1</version></module>\n",
                         "<module><version>1</version><tab>x</tab></module>\n", policy, false);
    CHECK(xml.file_class == FileClass::modified);
    CHECK_FALSE(xml.voids);
    CHECK(xml.shop_managed);
    auto translation = classify_presence("translations/fr.php", FileClass::added, policy);
    CHECK_FALSE(translation.voids);
    CHECK(classify_presence("config_fr.xml", FileClass::added, policy).shop_managed);
}

TEST_CASE("compare_with_pristine classifies every file of both sides", "[classify]") {
    PolicyConfig policy;
    std::map<std::string, std::string> pristine = {
        {"a.php", "<?php\n1;\n"}, {"b.tpl", tpl(10)}, {"c.css", "x {}\n"}, {"gone.js", "x();\n"}};
    std::map<std::string, std::string> installed = {{"a.php", "<?php\n1;\n"},
                                                    {"b.tpl", tpl(10, 2)},
                                                    {"c.css", "x {}\r\n"},
                                                    {"new.php", "<?php\n"}};
    std::map<std::string, std::string> by_sha;
    Manifest release;
    release.module = "m";
    release.version = "1.0.0";
    for (const auto& [path, content] : pristine) {
        std::string sha = std::to_string(std::hash<std::string>{}(content));
        by_sha[sha] = content;
        release.files.push_back({path, sha, content.size()});
    }
    std::vector<InstalledFile> local;
    for (const auto& [path, content] : installed)
        local.push_back({path, std::to_string(std::hash<std::string>{}(content))});
    local.push_back({"link.php", "", true});
    auto result = compare_with_pristine(
        release, local, [&](const std::string& p) { return installed.at(p); },
        [&](const std::string& sha) { return by_sha.at(sha); }, policy, false, 2);
    CHECK(result.count(FileClass::unchanged) == 1);
    CHECK(result.count(FileClass::allowed_change) == 1);
    CHECK(result.count(FileClass::whitespace_only) == 1);
    CHECK(result.count(FileClass::missing) == 1);
    CHECK(result.count(FileClass::added) == 2);
    CHECK(result.voiding == 3);  // gone.js, new.php, link.php
    CHECK(result.files.size() == 6);
    CHECK(std::is_sorted(result.files.begin(), result.files.end(),
                         [](const auto& a, const auto& b) { return a.path < b.path; }));
}

TEST_CASE("files over the comparison bounds are judged without a line comparison", "[classify]") {
    PolicyConfig policy;
    std::string big(kCompareLimit + 1, 'x');  // what a bounded reader returns for a larger file
    auto code =
        classify_changed("src/Service.php", "<?php\nreturn 1;\n", "<?php\n" + big, policy, true);
    CHECK(code.file_class == FileClass::modified);
    CHECK(code.voids);
    CHECK(code.note.find("not compared line by line") != std::string::npos);
    CHECK(code.diff.empty());
    auto themed = classify_changed("views/a.tpl", tpl(10), tpl(10) + big, policy, true);
    CHECK(themed.file_class == FileClass::major_rewrite);
    CHECK(themed.voids);
    CHECK(themed.diff.empty());
    // Binary is decided from the first 8 KiB alone.
    auto binary =
        classify_changed("a.php", "<?php\n", std::string(9000, '\0') + big, policy, false);
    CHECK(binary.note == "binary file");
    // Too many lines for a line comparison, but whitespace changes are still recognised.
    std::string lines, lines_crlf;
    for (std::size_t i = 0; i <= kCompareLineLimit; ++i) {
        lines += "a\n";
        lines_crlf += "a\r\n";
    }
    CHECK(classify_changed("x.css", lines, lines_crlf, policy, false).file_class ==
          FileClass::whitespace_only);
    auto many = classify_changed("x.css", lines, lines + "b\n", policy, true);
    CHECK(many.file_class == FileClass::major_rewrite);
    CHECK(many.note.find("lines: not compared line by line") != std::string::npos);
}

TEST_CASE("an installed file that cannot be read is not judged", "[classify]") {
    PolicyConfig policy;
    Manifest release;
    release.files.push_back({"a.php", "1", 5});
    std::vector<InstalledFile> local = {{"a.php", "2"}};
    auto result = compare_with_pristine(
        release, local,
        [](const std::string&) -> std::string {
            throw Error(ErrorKind::usage, "cannot read a.php");
        },
        [](const std::string&) { return std::string("<?php"); }, policy, false, 2);
    REQUIRE(result.files.size() == 1);
    CHECK_FALSE(result.files[0].judged);
    CHECK(result.unreadable == 1);
    CHECK(result.voiding == 0);
}
