#include <catch2/catch.hpp>

#include <map>

#include "integrity/module_info.hpp"
#include "util/error.hpp"

using namespace mps;

TEST_CASE("version from real-shaped main classes", "[module-info]") {
    CHECK(version_from_main_class(
              "<?php\nclass A extends Module {\n  function __construct() {\n"
              "    $this->name = 'a';\n    $this->version = '3.4.1';\n  }\n}\n") == "3.4.1");
    CHECK(version_from_main_class("$this->version=\"2.0.0\";") == "2.0.0");
    CHECK(version_from_main_class("$this -> version  =  '1.0.0-beta.2' ;") == "1.0.0-beta.2");
    // PrestaShop's own modules (ps_facetedsearch 3.x) use a class constant.
    CHECK(version_from_main_class(
              "class Ps_Facetedsearch extends Module {\n  const VERSION = '3.14.1';\n"
              "  public function __construct() {\n    $this->version = self::VERSION;\n  }\n}") ==
          "3.14.1");
    CHECK(version_from_main_class(
              "const MODULE_VERSION = '2.1.0';\n$this->version = static::MODULE_VERSION;") ==
          "2.1.0");
    // Comments and look-alike properties are not the version.
    CHECK(version_from_main_class("// $this->version = '0.1';\n$this->version = '0.2';") == "0.2");
    CHECK(version_from_main_class("$this->versions = ['1'];\n$this->version = '0.3';") == "0.3");
    CHECK(version_from_main_class("if ($this->version == '1.0') {}\n$this->version = '0.4';") ==
          "0.4");
    CHECK_FALSE(version_from_main_class("<?php class A {}").has_value());
}

TEST_CASE("config.xml elements with and without CDATA", "[module-info]") {
    std::string cdata =
        "<?xml version=\"1.0\"?>\n<module>\n\t<name>blockreassurance</name>\n"
        "\t<displayName><![CDATA[Customer reassurance]]></displayName>\n"
        "\t<version><![CDATA[5.1.4]]></version>\n</module>";
    CHECK(xml_element_text(cdata, "name") == "blockreassurance");
    CHECK(xml_element_text(cdata, "version") == "5.1.4");
    CHECK(xml_element_text("<module><version> 1.2.0 </version></module>", "version") == "1.2.0");
    CHECK_FALSE(xml_element_text("<module></module>", "version").has_value());
}

TEST_CASE("detect_module prefers the main class over config.xml", "[module-info]") {
    std::map<std::string, std::string> files = {
        {"mymod.php", "$this->version = '2.0.0';"},
        {"config.xml", "<module><name>mymod</name><version>1.9.0</version></module>"}};
    FileLookup lookup = [&](const std::string& p) -> std::optional<std::string> {
        auto it = files.find(p);
        return it == files.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    auto id = detect_module(lookup, "mymod", "", "", "test");
    CHECK(id.name == "mymod");
    CHECK(id.version == "2.0.0");
    CHECK(id.version_source == "mymod.php");
    // A zip without a top folder: the name comes from config.xml.
    auto from_xml = detect_module(lookup, "", "", "", "test");
    CHECK(from_xml.name == "mymod");
    files.erase("mymod.php");
    auto xml_only = detect_module(lookup, "mymod", "", "", "test");
    CHECK(xml_only.version == "1.9.0");
    CHECK(xml_only.version_source == "config.xml");
    CHECK(detect_module(lookup, "mymod", "", "7.0.0", "test").version == "7.0.0");
    files.clear();
    CHECK_THROWS_AS(detect_module(lookup, "mymod", "", "", "test"), Error);
    CHECK_THROWS_AS(detect_module(lookup, "../etc", "", "", "test"), Error);
    CHECK_THROWS_AS(detect_module(lookup, "mymod", "", "../1", "test"), Error);
}

TEST_CASE("names and versions that are safe as file names", "[module-info]") {
    CHECK(is_valid_module_name("ps_facetedsearch"));
    CHECK_FALSE(is_valid_module_name("a/b"));
    CHECK_FALSE(is_valid_module_name(".."));
    CHECK(is_valid_version("1.7.8.10"));
    CHECK(is_valid_version("2.0.0-rc.1+build5"));
    CHECK_FALSE(is_valid_version("../1.0"));
    CHECK_FALSE(is_valid_version("1.0/x"));
    CHECK_FALSE(is_valid_version(""));
}

TEST_CASE("version_less sorts versions naturally", "[module-info]") {
    CHECK(version_less("1.9.0", "1.10.0"));
    CHECK_FALSE(version_less("1.10.0", "1.9.0"));
    CHECK(version_less("1.0", "1.0.1"));
    CHECK_FALSE(version_less("1.0.0", "1.0.0"));
    CHECK(version_less("2.0.0-beta", "2.0.0-rc"));
}

namespace {
// pad_to: `chunk` repeated to at least `size` bytes.
std::string repeat_to(const std::string& chunk, std::size_t size) {
    std::string out;
    out.reserve(size + chunk.size());
    while (out.size() < size) out += chunk;
    return out;
}
}  // namespace

// These inputs took minutes before (the scan was quadratic); they must simply finish.
TEST_CASE("the main-class version scan stays linear on 8 MiB inputs", "[module-info]") {
    const std::size_t size = 8u << 20;
    // One 8 MiB line of assignments that are not literals: each one rescanned the line before.
    std::string one_line =
        repeat_to("$this->version = $x; ", size) + "\n$this->version = '9.9.9';\n";
    CHECK(version_from_main_class(one_line) == "9.9.9");
    // A commented-out line holding them all.
    CHECK(version_from_main_class("// " + one_line) == "9.9.9");
    // Thousands of distinct class constants, none defined: each one rescanned the whole file.
    std::string constants;
    for (int i = 0; constants.size() < size; ++i)
        constants += "$this->version = self::V" + std::to_string(i) + ";\n";
    CHECK_FALSE(version_from_main_class(constants).has_value());
    CHECK(version_from_main_class(constants + "const V7 = '7.0.0';\n") == "7.0.0");
    // Unterminated literals and a very long identifier made of "const".
    CHECK_FALSE(
        version_from_main_class(repeat_to("$this->version = '" + std::string(70, 'x'), size))
            .has_value());
    CHECK_FALSE(version_from_main_class("$this->version = self::X;" + repeat_to("const", size))
                    .has_value());
}
