// Signatures, PrestaShop core checksum lists and the core comparison (pure parts).
#include <sys/stat.h>
#include <catch2/catch.hpp>

#include "integrity/core_checksums.hpp"
#include "integrity/core_integrity.hpp"
#include "integrity/release_fetch.hpp"
#include "integrity/signature.hpp"
#include "remote/core_integrity_remote.hpp"
#include "test_support.hpp"
#include "util/error.hpp"
#include "util/md5.hpp"

using namespace mps;

namespace {

std::string expect_xml_error(const std::string& xml, const std::string& needle,
                             const CoreXmlLimits& limits = {}) {
    try {
        parse_core_checksum_xml(xml, "list.xml", limits);
        FAIL("accepted: " << xml.substr(0, 200));
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
        CHECK_THAT(e.what(), Catch::Contains("list.xml"));
        CHECK_THAT(e.what(), Catch::Contains(needle));
        return e.what();
    }
    return {};
}

const char* kDigest = "0123456789abcdef0123456789abcdef";

std::string small_list(const std::string& body, const std::string& version = "8.2.0") {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checksum_list><ps_root_dir version=\"" +
           version + "\">" + body + "</ps_root_dir></checksum_list>\n";
}

}  // namespace

TEST_CASE("Ed25519: keygen, sign and verify round trip; tampering is refused", "[signature]") {
    testing::TempDir dir;
    auto key = write_new_signing_key(dir / "keys/vendor.key");
    struct stat st {};
    REQUIRE(::stat(key.private_file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(testing::slurp(key.public_file).find("BEGIN PUBLIC KEY") != std::string::npos);
    CHECK(testing::slurp(key.private_file).find("BEGIN PRIVATE KEY") != std::string::npos);
    CHECK(is_valid_public_key(key.public_key));
    CHECK(public_key_of_file(key.private_file) == key.public_key);

    std::string data = "PK\x03\x04 release bytes";
    std::string sig = sign_bytes(key.private_file, data);
    CHECK(sig.back() == '\n');
    CHECK(check_signature(key.public_key, data, sig) == SignatureCheck::valid);
    std::string changed = data;
    changed[5] ^= 1;
    CHECK(check_signature(key.public_key, changed, sig) == SignatureCheck::mismatch);
    CHECK(check_signature(key.public_key, data, sig.substr(0, sig.size() / 2)) ==
          SignatureCheck::malformed);
    CHECK(check_signature(key.public_key, data, "<html>404</html>") == SignatureCheck::malformed);
    CHECK(check_signature(key.public_key, data, "") == SignatureCheck::malformed);

    auto other = write_new_signing_key(dir / "other.key");
    CHECK(check_signature(other.public_key, data, sig) == SignatureCheck::mismatch);
    CHECK(check_signature(key.public_key, data, sign_bytes(other.private_file, data)) ==
          SignatureCheck::mismatch);

    // An existing key is never overwritten.
    CHECK_THROWS_AS(write_new_signing_key(dir / "keys/vendor.key"), Error);
    CHECK_THROWS_AS(check_signature("ed25519:short", data, sig), Error);
    CHECK(is_placeholder_public_key(""));
    CHECK(is_placeholder_public_key("ed25519:UNSET-mypresta.rocks-placeholder-set-the-vendor-key"));
    CHECK_FALSE(is_placeholder_public_key(key.public_key));
}

TEST_CASE("release URLs come from the template, checked and encoded", "[fetch]") {
    CHECK(release_url("https://v.example/r/{module}/{module}-{version}.zip", "mymod", "1.2.3") ==
          "https://v.example/r/mymod/mymod-1.2.3.zip");
    CHECK(release_url("https://v.example/{module}?v={version}", "mymod", "1.0+b") ==
          "https://v.example/mymod?v=1.0%2Bb");
    CHECK_THROWS_AS(release_url("https://v.example/{module}.zip", "mymod", "1.2.3"), Error);
    CHECK_THROWS_AS(release_url("https://v.example/{module}/{version}", "../etc", "1.2.3"), Error);
    CHECK_THROWS_AS(release_url("ftp://v.example/{module}/{version}", "mymod", "1.2.3"), Error);
}

TEST_CASE("checksum XML: the PrestaShop format is read", "[core-list]") {
    std::string xml =
        small_list(std::string("<md5file name=\"index.php\">") + kDigest + "</md5file>\n" +
                   "<dir name=\"classes\"><md5file name=\"Cart.php\">" +
                   "ABCDEF0123456789ABCDEF0123456789</md5file><dir name=\"db\">" +
                   "<md5file name='Db&amp;Co.php'>" + kDigest + "</md5file></dir></dir>" +
                   "<!-- comment --><dir name=\"empty\"/>");
    auto list = parse_core_checksum_xml(xml, "list.xml");
    CHECK(list.version == "8.2.0");
    REQUIRE(list.files.size() == 3);
    CHECK(list.files.at("classes/Cart.php") == "abcdef0123456789abcdef0123456789");
    CHECK(list.files.at("classes/db/Db&Co.php") == kDigest);
    CHECK(list.files.count("index.php") == 1);
}

TEST_CASE("checksum XML: malformed and hostile documents are refused", "[core-list]") {
    std::string file = std::string("<md5file name=\"a.php\">") + kDigest + "</md5file>";
    expect_xml_error(
        "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;\">]>" + small_list(file),
        "DOCTYPE");
    expect_xml_error(small_list("<md5file name=\"&lol;\">" + std::string(kDigest) + "</md5file>"),
                     "entity");
    expect_xml_error(small_list("<![CDATA[x]]>" + file), "CDATA");
    expect_xml_error(
        small_list(std::string("<md5file name=\"../../etc/passwd\">") + kDigest + "</md5file>"),
        "unsafe name");
    expect_xml_error(small_list(std::string("<md5file name=\"a/b.php\">") + kDigest + "</md5file>"),
                     "unsafe name");
    expect_xml_error(small_list("<md5file name=\"a.php\">nothex</md5file>"), "32 hex");
    // A Latin-1 name is not UTF-8: refused, named with the byte escaped.
    expect_xml_error(
        small_list(std::string("<md5file name=\"caf\xe9.php\">") + kDigest + "</md5file>"),
        "caf\\xe9.php");
    expect_xml_error(small_list(std::string("<dir name=\"r\xe9\"><md5file name=\"a.php\">") +
                                kDigest + "</md5file></dir>"),
                     "r\\xe9");
    expect_xml_error(small_list(file + file), "listed twice");
    expect_xml_error(small_list(""), "no files");
    expect_xml_error(small_list(file, "../1"), "version");
    expect_xml_error(small_list("<script name=\"x\"/>" + file), "unexpected <script>");
    expect_xml_error(small_list("<dir name=\"x\">" + file), "does not close");
    expect_xml_error("<checksum_list><ps_root_dir version=\"8.2.0\">" + file, "unterminated");
    expect_xml_error(small_list(file) + "<extra/>", "after </checksum_list>");
    expect_xml_error("<html><body>Not found</body></html>", "<html>");
    expect_xml_error("", "expected an element");
    std::string deep;
    for (int i = 0; i < 100; ++i) deep += "<dir name=\"d\">";
    deep += file;
    for (int i = 0; i < 100; ++i) deep += "</dir>";
    expect_xml_error(small_list(deep), "nested deeper");
    std::string many;
    for (int i = 0; i < 50; ++i)
        many += "<md5file name=\"f" + std::to_string(i) + "\">" + kDigest + "</md5file>";
    CoreXmlLimits limits;
    limits.max_elements = 20;
    expect_xml_error(small_list(many), "more than 20 elements", limits);
    limits = {};
    limits.max_bytes = 100;
    expect_xml_error(small_list(many), "too large", limits);
}

TEST_CASE("core lists are stored per version", "[core-list]") {
    testing::TempDir dir;
    CoreListStore lists(dir / "core");
    CHECK(lists.versions().empty());
    CoreChecksumList list;
    list.version = "1.7.8.10";
    list.source = "1.7.8.10.xml";
    list.files = {{"index.php", kDigest}};
    CHECK(lists.save(list) == CoreImportOutcome::added);
    CHECK(lists.save(list) == CoreImportOutcome::unchanged);
    list.files["classes/Cart.php"] = kDigest;
    CHECK(lists.save(list) == CoreImportOutcome::replaced);
    list.version = "8.2.0";
    lists.save(list);
    CHECK(lists.versions() == std::vector<std::string>{"1.7.8.10", "8.2.0"});
    // A source file name that is not UTF-8 is kept readable, not a crash in the JSON writer.
    list.source = "list-\xe9.xml";
    list.files["classes/Order.php"] = kDigest;
    CHECK(lists.save(list) == CoreImportOutcome::replaced);
    CHECK(lists.load("8.2.0")->source == "list-\\xe9.xml");
    REQUIRE(lists.load("1.7.8.10"));
    CHECK(lists.load("1.7.8.10")->files.size() == 2);
    CHECK_FALSE(lists.load("9.0.0"));
}

TEST_CASE("core plan: skips like PrestaShop, admin folder mapped, leftovers known",
          "[core-integrity]") {
    CHECK(is_skipped_core_path("install/index.php"));
    CHECK(is_skipped_core_path("install-dev/x.php"));
    CHECK(is_skipped_core_path("img/logo.jpg"));
    CHECK(is_skipped_core_path("modules/x/x.php"));
    CHECK(is_skipped_core_path("override/classes/index.php"));
    CHECK_FALSE(is_skipped_core_path("override/classes/Cart.php"));
    CHECK_FALSE(is_skipped_core_path("classes/Cart.php"));
    CHECK_FALSE(is_skipped_core_path("admin/themes/default/x.tpl"));
    CHECK(is_upgrade_leftover("vendor/composer/installers/src/Installer.php"));
    CHECK(is_upgrade_leftover("config/defines.inc.php"));
    CHECK_FALSE(is_upgrade_leftover("vendor/composer/autoload_real.php"));

    CoreChecksumList list;
    list.version = "8.2.0";
    list.files = {{"admin/index.php", kDigest},    {"admin/init.php", kDigest},
                  {"admin/themes/x.tpl", kDigest}, {"classes/Cart.php", kDigest},
                  {"img/a.png", kDigest},          {"index.php", kDigest}};
    auto candidates = admin_candidates(list, {"admin42xyz", "classes", "img", "backup"});
    CHECK(candidates == std::vector<std::string>{"admin42xyz", "backup"});
    auto admin = choose_admin_folder(
        list, {{"admin42xyz", {"index.php", "init.php", "themes"}}, {"backup", {"x"}}});
    REQUIRE(admin);
    CHECK(*admin == "admin42xyz");
    CHECK_FALSE(choose_admin_folder(list, {{"backup", {"index.php"}}}));

    auto plan = plan_core_check(list, admin);
    CHECK(plan.skipped == 1);
    CHECK(plan.files.size() == 5);
    auto unmapped = plan_core_check(list, std::nullopt);
    CHECK(unmapped.admin_unchecked == 3);
    CHECK(checksum_list_url("1.6.1.24") == "https://api.prestashop.com/xml/md5/1.6.1.24.xml");
    CHECK(checksum_list_url("1.7.8.10") == "https://api.prestashop.com/xml/md5-1.7/1.7.8.10.xml");
    CHECK(checksum_list_url("8.2.0") == "https://api.prestashop.com/xml/md5-8/8.2.0.xml");
}

TEST_CASE("core check: grouped by area, leftovers apart, non-standard is a warning",
          "[core-integrity]") {
    CoreChecksumList list;
    list.version = "8.2.0";
    std::string same = md5_hex("same");
    list.files = {{"classes/Cart.php", same},
                  {"classes/Order.php", same},
                  {"index.php", same},
                  {"vendor/composer/installers/x.php", same},
                  {"config/defines.inc.php", same}};
    auto plan = plan_core_check(list, std::nullopt);
    std::map<std::string, CoreFileState> states = {
        {"classes/Cart.php", {true, md5_hex("changed")}},
        {"index.php", {true, same}},
        {"config/defines.inc.php", {true, md5_hex("dev mode")}}};
    Check check = core_check_from(list, plan, states, "/srv/shop");
    CHECK(check.id == "files.core-integrity");
    CHECK(check.status == Status::warn);
    CHECK(core_marks_non_standard(check));
    CHECK(check.data["updated"] == 1);
    CHECK(check.data["missing"] == 1);
    CHECK(check.data["areas"]["classes"]["updated"][0] == "classes/Cart.php");
    CHECK(check.data["areas"]["classes"]["missing"][0] == "classes/Order.php");
    CHECK(check.data["upgrade_leftovers"].size() == 2);

    states["classes/Cart.php"] = {true, same};
    states["classes/Order.php"] = {true, same};
    Check only_leftovers = core_check_from(list, plan, states, "/srv/shop");
    CHECK(only_leftovers.status == Status::pass);
    CHECK_FALSE(core_marks_non_standard(only_leftovers));
    CHECK_THAT(only_leftovers.message, Catch::Contains("upgrade leftover"));
}

TEST_CASE("remote core hashing output is parsed strictly", "[core-integrity]") {
    using namespace std::string_literals;
    std::string ok = "MPS-FILES\0"s + kDigest + "  ./index.php\0"s + kDigest +
                     "  ./classes/Cart.php\0"s + "MPS-LINKS\0./classes/Link.php\0MPS-END\0"s;
    auto parsed = parse_remote_core_md5(ok);
    REQUIRE(parsed);
    CHECK(parsed->md5.size() == 2);
    CHECK(parsed->md5.at("classes/Cart.php") == kDigest);
    CHECK(parsed->links == std::vector<std::string>{"classes/Link.php"});
    CHECK_FALSE(
        parse_remote_core_md5("MPS-FILES\0"s + kDigest + "  ./index.php\0MPS-LINKS\0"s));  // no end
    CHECK_FALSE(parse_remote_core_md5("MPS-FILES\0"s + kDigest +
                                      "  ./../etc/passwd\0MPS-LINKS\0MPS-END\0"s));
    CHECK_FALSE(parse_remote_core_md5("MPS-FILES\0nothex  ./a\0MPS-LINKS\0MPS-END\0"s));
    CHECK_FALSE(parse_remote_core_md5("MPS-FILES\0"s + kDigest + "  ./a\0"s + kDigest +
                                      "  ./a\0MPS-LINKS\0MPS-END\0"s));
    std::string command = remote_core_md5_command("/srv/it's shop", {"classes", "admin1"});
    CHECK_THAT(command, Catch::Contains("cd -- '/srv/it'\\''s shop'"));
    CHECK_THAT(command, Catch::Contains("md5sum -z"));
    CHECK_THAT(command, Catch::Contains("'./classes' './admin1'"));
}
