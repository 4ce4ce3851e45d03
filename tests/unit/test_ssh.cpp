#include <catch2/catch.hpp>

#include "shop/prestashop_version.hpp"
#include "ssh/known_hosts.hpp"
#include "ssh/sftp_url.hpp"
#include "ssh/sftp_wire.hpp"
#include "util/base64.hpp"
#include "util/error.hpp"

using namespace mps;

namespace {
// A real ed25519 public key blob (from an OpenSSH known_hosts line).
const std::string kKeyB64 = "AAAAC3NzaC1lZDI1NTE5AAAAID/7zd6/QMRydfOVPqn5KBa1IycqurD3uGEPXRZMCRGL";
const std::string kOtherB64 =
    "AAAAC3NzaC1lZDI1NTE5AAAAIBqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq";
HostKey key() {
    return host_key_from_blob(*base64_decode(kKeyB64));
}
}  // namespace

TEST_CASE("base64 round trips and rejects junk", "[ssh]") {
    for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"})
        CHECK(base64_decode(base64_encode(s)) == s);
    CHECK(base64_encode("foobar") == "Zm9vYmFy");
    CHECK(base64_encode("fo") == "Zm8=");
    CHECK(base64_encode("fo", false) == "Zm8");
    CHECK_FALSE(base64_decode("Zm9v!").has_value());
}

TEST_CASE("host keys: type and SHA256 fingerprint as OpenSSH prints them", "[ssh]") {
    HostKey k = key();
    CHECK(k.type == "ssh-ed25519");
    CHECK(fingerprint_sha256(k) == "SHA256:w/A69fRdtbsf3y9PnthRnCFB3tvRzXu7vLs+EHZnOnU");
    CHECK(known_hosts_line("127.0.0.1", 2222, k) == "[127.0.0.1]:2222 ssh-ed25519 " + kKeyB64);
    CHECK(known_hosts_line("shop.example", 22, k) == "shop.example ssh-ed25519 " + kKeyB64);
    CHECK(host_key_from_blob("xx").type.empty());
}

TEST_CASE("known_hosts matching follows OpenSSH", "[ssh]") {
    HostKey k = key();
    auto status = [&](const std::string& text, const std::string& host, int port) {
        return check_known_hosts(text, "kh", host, port, k).status;
    };
    CHECK(status("", "h", 22) == HostKeyStatus::unknown);
    CHECK(status("h ssh-ed25519 " + kKeyB64 + "\n", "h", 22) == HostKeyStatus::known);
    CHECK(status("other,h ssh-ed25519 " + kKeyB64 + " comment\n", "H", 22) == HostKeyStatus::known);
    // A port other than 22 is only found as [host]:port.
    CHECK(status("h ssh-ed25519 " + kKeyB64 + "\n", "h", 2222) == HostKeyStatus::unknown);
    CHECK(status("[h]:2222 ssh-ed25519 " + kKeyB64 + "\n", "h", 2222) == HostKeyStatus::known);
    CHECK(status("*.example ssh-ed25519 " + kKeyB64 + "\n", "shop.example", 22) ==
          HostKeyStatus::known);
    CHECK(status("*.example,!shop.example ssh-ed25519 " + kKeyB64 + "\n", "shop.example", 22) ==
          HostKeyStatus::unknown);
    // Another key of the same type for the host is a change, unless a later line matches.
    auto changed = check_known_hosts("# c\nh ssh-ed25519 " + kOtherB64 + "\n", "kh", "h", 22, k);
    CHECK(changed.status == HostKeyStatus::changed);
    CHECK(changed.where == "kh:2");
    // Keys of other types only: unknown for this type, as in OpenSSH (which names the others).
    auto other_types = check_known_hosts(
        "h ecdsa-sha2-nistp256 AAAA\nh ssh-rsa AAAA\nh ssh-rsa BBBB\n", "kh", "h", 22, k);
    CHECK(other_types.status == HostKeyStatus::unknown);
    CHECK(other_types.known_types == std::vector<std::string>{"ecdsa-sha2-nistp256", "ssh-rsa"});
    CHECK(status("h ecdsa-sha2-nistp256 AAAA\nh ssh-ed25519 " + kOtherB64 + "\n", "h", 22) ==
          HostKeyStatus::changed);
    CHECK(status("h ecdsa-sha2-nistp256 AAAA\nh ssh-ed25519 " + kKeyB64 + "\n", "h", 22) ==
          HostKeyStatus::known);
    CHECK(status("h ssh-ed25519 " + kOtherB64 + "\nh ssh-ed25519 " + kKeyB64 + "\n", "h", 22) ==
          HostKeyStatus::known);
    CHECK(status("@revoked h ssh-ed25519 " + kKeyB64 + "\nh ssh-ed25519 " + kKeyB64 + "\n", "h",
                 22) == HostKeyStatus::changed);
    CHECK(status("@cert-authority h ssh-ed25519 " + kKeyB64 + "\n", "h", 22) ==
          HostKeyStatus::unknown);
    CHECK(status("s?op.*ple ssh-ed25519 " + kKeyB64 + "\n", "shop.example", 22) ==
          HostKeyStatus::known);
    CHECK(status("*sh*p*.e*x ssh-ed25519 " + kKeyB64 + "\n", "shop.example", 22) ==
          HostKeyStatus::unknown);
    // A pattern of many '*' (found by the known_hosts fuzzer) is matched without backtracking
    // exponentially: this took longer than 10 s before.
    CHECK(status(std::string(40, '*') + "x ssh-ed25519 " + kKeyB64 + "\n", "shop.example", 22) ==
          HostKeyStatus::unknown);
    CHECK(status("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b ssh-ed25519 " + kKeyB64 + "\n",
                 std::string(60, 'a'), 22) == HostKeyStatus::unknown);
    // Hashed entries are checked end to end against ssh-keygen -H output in the sftp tests.
    CHECK(status("garbage line\n\n|1|bad ssh-ed25519 x\n", "h", 22) == HostKeyStatus::unknown);
}

TEST_CASE("host key algorithms: the recorded types first, in OpenSSH's order", "[ssh]") {
    // libssh2 1.10's list, in its own order (ecdsa first).
    const std::vector<std::string> libssh2 = {"ecdsa-sha2-nistp256",
                                              "ecdsa-sha2-nistp384",
                                              "ecdsa-sha2-nistp521",
                                              "ssh-ed25519",
                                              "ssh-rsa",
                                              "ssh-dss"};
    const std::string openssh_order =
        "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,ssh-rsa,ssh-dss";
    CHECK(host_key_preference({}, libssh2) == openssh_order);
    CHECK(host_key_preference({"ssh-ed25519"}, libssh2) == openssh_order);
    CHECK(
        host_key_preference({"ecdsa-sha2-nistp384"}, libssh2) ==
        "ecdsa-sha2-nistp384,ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp521,ssh-rsa,ssh-dss");
    CHECK(
        host_key_preference({"ssh-rsa", "ecdsa-sha2-nistp256"}, libssh2) ==
        "ecdsa-sha2-nistp256,ssh-rsa,ssh-ed25519,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,ssh-dss");
    // A newer libssh2 with rsa-sha2-*: a recorded ssh-rsa key brings them forward, SHA-2 first.
    CHECK(host_key_preference(
              {"ssh-rsa"}, {"ssh-ed25519", "ssh-rsa", "rsa-sha2-256", "rsa-sha2-512", "x-new"}) ==
          "rsa-sha2-512,rsa-sha2-256,ssh-rsa,ssh-ed25519,x-new");
    // Types nobody supports change nothing.
    CHECK(host_key_preference({"sk-ssh-ed25519@openssh.com"}, libssh2) == openssh_order);
    std::string text =
        "# c\n[h]:2222 ssh-rsa AAAA\n@revoked [h]:2222 ssh-ed25519 AAAA\n"
        "h ecdsa-sha2-nistp256 AAAA\n[h]:2222 ssh-rsa BBBB\n";
    CHECK(recorded_key_types(text, "h", 2222) == std::vector<std::string>{"ssh-rsa"});
    CHECK(recorded_key_types(text, "H", 22) == std::vector<std::string>{"ecdsa-sha2-nistp256"});
    CHECK(recorded_key_types(text, "other", 22).empty());
}

TEST_CASE("known_hosts patterns with many stars are matched without backtracking blow-up",
          "[ssh]") {
    // Found by tests/fuzz/fuzz_known_hosts: 40 '*' against a host name took minutes (exponential).
    HostKey k = key();
    std::string stars(40, '*');
    CHECK(check_known_hosts(stars + "x ssh-ed25519 " + kKeyB64 + "\n", "kh", "shop.example", 22, k)
              .status == HostKeyStatus::unknown);
    CHECK(check_known_hosts(stars + ".example ssh-ed25519 " + kKeyB64 + "\n", "kh", "shop.example",
                            22, k)
              .status == HostKeyStatus::known);
    CHECK(check_known_hosts("s*?*p.e*" + stars + "e ssh-ed25519 " + kKeyB64 + "\n", "kh",
                            "SHOP.example", 22, k)
              .status == HostKeyStatus::known);
    CHECK(
        check_known_hosts("sh?p.exampl ssh-ed25519 " + kKeyB64 + "\n", "kh", "shop.example", 22, k)
            .status == HostKeyStatus::unknown);
}

TEST_CASE("sftp:// addresses", "[ssh]") {
    auto u = parse_sftp_url("sftp://deploy@shop.example:2222/var/www/shop/");
    CHECK(u.user == "deploy");
    CHECK(u.host == "shop.example");
    CHECK(u.port == 2222);
    CHECK(u.path == "/var/www/shop");
    CHECK(u.display() == "sftp://deploy@shop.example:2222/var/www/shop");
    CHECK(parse_sftp_url("sftp://h").path == "/");
    CHECK(parse_sftp_url("sftp://h/~/www").path == "www");
    // A relative address is shown as written, never as the absolute path of the same name.
    CHECK(parse_sftp_url("sftp://u@h/~/public_html/").display() == "sftp://u@h/~/public_html");
    CHECK(parse_sftp_url("sftp://u@h:2222/~").display() == "sftp://u@h:2222/~");
    CHECK(parse_sftp_url("sftp://u@h/~/").path == ".");
    CHECK(parse_sftp_url("sftp://u@h/~/").display() == "sftp://u@h/~");
    CHECK(parse_sftp_url("sftp://u@h/srv/~/x").display() == "sftp://u@h/srv/~/x");
    CHECK(display_remote_path(".") == "~");
    CHECK(display_remote_path("www/modules/m") == "~/www/modules/m");
    CHECK(display_remote_path("/srv/shop") == "/srv/shop");
    CHECK(parse_sftp_url("sftp://[::1]:23/x").host == "::1");
    CHECK_THROWS_AS(parse_sftp_url("sftp://u:secret@h/x"), Error);
    CHECK_THROWS_AS(parse_sftp_url("sftp://h:99999/x"), Error);
    CHECK_THROWS_AS(parse_sftp_url("sftp:///x"), Error);
    CHECK_THROWS_AS(parse_sftp_url("http://h/x"), Error);
    CHECK_THROWS_WITH(parse_sftp_url("ftp://u:hunter2@h/x"), !Catch::Contains("hunter2"));
    try {
        parse_sftp_url("sftp://u:secret@h/x");
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("secret") == std::string::npos);  // never echoed back
    }
}

TEST_CASE("SFTP packets are built and parsed with bounds checks", "[ssh]") {
    std::string packet =
        sftp::Writer(sftp::OPEN, 7u).str("a/b.php").u32(sftp::kOpenRead).empty_attrs().finish();
    sftp::Reader r(packet);
    CHECK(r.u32() == packet.size() - 4);
    CHECK(r.u8() == sftp::OPEN);
    CHECK(r.u32() == 7);
    CHECK(r.str() == "a/b.php");
    CHECK(r.u32() == sftp::kOpenRead);
    CHECK(r.u32() == 0);
    CHECK(r.at_end());
    CHECK_FALSE(r.failed());
    r.u32();
    CHECK(r.failed());

    // A NAME reply with one regular file of 1234 bytes.
    std::string body = sftp::Writer(sftp::NAME, std::nullopt)
                           .u32(1)
                           .str("x.php")
                           .str("-rw-r--r-- x.php")
                           .u32(0x1 | 0x4)
                           .u64(1234)
                           .u32(0100644)
                           .finish();
    sftp::Reader names(std::string_view(body).substr(5));
    auto entries = sftp::parse_names(names);
    REQUIRE(entries);
    REQUIRE(entries->size() == 1);
    CHECK((*entries)[0].name == "x.php");
    CHECK((*entries)[0].attrs.size == 1234u);
    CHECK((*entries)[0].attrs.is_regular());
    // A count the body cannot hold is refused, not trusted.
    std::string lying = sftp::Writer(sftp::NAME, std::nullopt).u32(5).str("x").finish();
    sftp::Reader lie(std::string_view(lying).substr(5));
    CHECK_FALSE(sftp::parse_names(lie).has_value());
}

TEST_CASE("PrestaShop version files", "[shop]") {
    CHECK(prestashop_version_from(
              "<?php\nfinal class Version\n{\n    public const VERSION = '8.2.0';\n") == "8.2.0");
    CHECK(prestashop_version_from(
              "class AppKernel extends Kernel\n{\n    const VERSION = '1.7.8.10';\n") ==
          "1.7.8.10");
    CHECK(prestashop_version_from(
              "define('_DB_PASSWD_', 'x');\ndefine('_PS_VERSION_', '1.6.1.24');\n") == "1.6.1.24");
    CHECK(prestashop_version_from("const VERSION_MAJOR = 8;\n const VERSION = \"9.0.0\";") ==
          "9.0.0");
    CHECK_FALSE(prestashop_version_from("define('_DB_PASSWD_', 'secret');").has_value());
}

#include "remote/remote_hashes.hpp"

TEST_CASE("remote hash output is parsed strictly", "[ssh]") {
    std::string sha(64, 'a');
    auto out = [](std::initializer_list<std::string> records) {
        std::string s;
        for (const auto& r : records) s += r + std::string(1, '\0');
        return s;
    };
    std::vector<std::string> refused;
    auto files =
        parse_remote_hashes(out({"MPS-FILES", sha + "  ./a.php", sha + "  ./views/x y.tpl",
                                 sha + "  ./bad\nname", "MPS-LINKS", "./link.php", "MPS-END"}),
                            refused);
    REQUIRE(files);
    REQUIRE(files->size() == 3);
    CHECK((*files)[1].path == "views/x y.tpl");
    CHECK((*files)[2].is_link);
    CHECK(refused == std::vector<std::string>{"bad?name"});  // control characters never kept raw
    // Anything unexpected: no answer, and the caller falls back to SFTP.
    CHECK_FALSE(parse_remote_hashes(out({"MPS-FILES", sha + "  ./a.php", "MPS-LINKS"}), refused));
    CHECK_FALSE(parse_remote_hashes(
        out({"MPS-FILES", sha + "  ./../etc/passwd", "MPS-LINKS", "MPS-END"}), refused));
    CHECK_FALSE(parse_remote_hashes(
        out({"MPS-FILES", sha + "  /etc/passwd", "MPS-LINKS", "MPS-END"}), refused));
    CHECK_FALSE(
        parse_remote_hashes(out({"MPS-FILES", "zz  ./a", "MPS-LINKS", "MPS-END"}), refused));
    CHECK_FALSE(parse_remote_hashes(
        out({"MPS-FILES", sha + "  ./a", sha + "  ./a", "MPS-LINKS", "MPS-END"}), refused));
    CHECK_FALSE(parse_remote_hashes("Welcome to my server!\n", refused));
    CHECK_FALSE(parse_remote_hashes("", refused));
    CHECK(remote_hash_command("it's").find("'it'\\''s'") != std::string::npos);
}

TEST_CASE("the identity files that come with the remote hashes are parsed strictly", "[ssh]") {
    using namespace std::string_literals;
    const std::vector<std::string> names = {"mymod.php", "config.xml"};
    std::map<std::string, std::string> identity;
    // Contents are length-framed: NUL bytes and marker-like text inside them are just bytes.
    std::string xml = "<module>\0MPS-IDENT-END\0</module>"s;
    std::string out = "MPS-IDENT\0config.xml\0"s + std::to_string(xml.size()) + "\0"s + xml +
                      "MPS-IDENT-END\0MPS-FILES\0"s;
    auto start = parse_identity_section(out, names, identity);
    REQUIRE(start);
    CHECK(out.substr(*start) == "MPS-FILES\0"s);
    CHECK(identity.size() == 1);
    CHECK(identity["config.xml"] == xml);
    // Nothing found is fine; anything malformed gives nothing.
    CHECK(parse_identity_section("MPS-IDENT\0MPS-IDENT-END\0"s, names, identity) == 24u);
    CHECK_FALSE(parse_identity_section("MPS-FILES\0"s, names, identity));
    CHECK_FALSE(
        parse_identity_section("MPS-IDENT\0other.php\0001\0xMPS-IDENT-END\0"s, names, identity));
    CHECK_FALSE(parse_identity_section("MPS-IDENT\0config.xml\0009\0short"s, names, identity));
    CHECK_FALSE(
        parse_identity_section("MPS-IDENT\0config.xml\0-1\0MPS-IDENT-END\0"s, names, identity));
    CHECK_FALSE(parse_identity_section(
        "MPS-IDENT\0config.xml\0001\0xconfig.xml\0001\0yMPS-IDENT-END\0"s, names, identity));
    // The command asks only for plain names, quoted; names that could be options are left out.
    std::string command =
        remote_hash_command("/srv/shop", {"it's.php", "-rf", "a/b", "config.xml"});
    CHECK(command.find("'it'\\''s.php'") != std::string::npos);
    CHECK(command.find("'config.xml'") != std::string::npos);
    CHECK(command.find("-rf") == std::string::npos);
    CHECK(command.find("a/b") == std::string::npos);
    CHECK(remote_hash_command("/srv/shop").find("MPS-IDENT") == std::string::npos);
}
