#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "ftp/ftp_hash.hpp"
#include "ftp/ftp_listing.hpp"
#include "ftp/ftp_url.hpp"
#include "util/error.hpp"

using namespace mps;

namespace {
ErrorKind kind_of(std::string_view text) {
    try {
        parse_ftp_url(text);
    } catch (const Error& e) {
        return e.kind();
    }
    return ErrorKind::internal;
}
std::string message_of(std::string_view text) {
    try {
        parse_ftp_url(text);
    } catch (const Error& e) {
        return std::string(e.what()) + " / " + e.hint();
    }
    return {};
}
// 2026-11-30 12:00:00 UTC
constexpr long long kNow = 1796040000;
}  // namespace

TEST_CASE("ftp:// and ftps:// addresses", "[ftp]") {
    FtpUrl a = parse_ftp_url("ftp://shop@example.com/var/www/shop");
    CHECK_FALSE(a.implicit_tls);
    CHECK(a.user == "shop");
    CHECK(a.host == "example.com");
    CHECK(a.port == 21);
    CHECK(a.path == "/var/www/shop");
    CHECK(a.display() == "ftp://shop@example.com/var/www/shop");

    FtpUrl b = parse_ftp_url("ftps://shop@example.com:2990/~/public_html/");
    CHECK(b.implicit_tls);
    CHECK(b.port == 2990);
    CHECK(b.path == "public_html");
    CHECK(b.display() == "ftps://shop@example.com:2990/~/public_html");

    FtpUrl c = parse_ftp_url("ftps://u@[::1]/~");
    CHECK(c.port == 990);
    CHECK(c.host == "::1");
    CHECK(c.path == ".");
    CHECK(c.display() == "ftps://u@[::1]/~");

    FtpUrl d = parse_ftp_url("ftp://u@h:2121");
    CHECK(d.port == 2121);
    CHECK(d.path == "/");
    CHECK(d.display() == "ftp://u@h:2121/");
    CHECK(is_ftp_url("ftp://x"));
    CHECK(is_ftp_url("ftps://x"));
    CHECK_FALSE(is_ftp_url("sftp://x"));
    CHECK_FALSE(is_ftp_url("/var/www"));

    // A password in the address: usage (exit 2), naming the variable, never echoing it.
    CHECK(kind_of("ftp://shop:s3cret@example.com/x") == ErrorKind::usage);
    std::string refused = message_of("ftp://shop:s3cret@example.com/x");
    CHECK(refused.find("MPSUPPORT_FTP_PASSWORD") != std::string::npos);
    CHECK(refused.find("s3cret") == std::string::npos);
    CHECK(message_of("ftp://shop:s3cret@exa mple.com/x").find("s3cret") == std::string::npos);
    for (const char* bad :
         {"ftp://", "ftp:///x", "ftp://h:0/x", "ftp://h:99999/x", "ftp://h:x/x", "ftp://[::1/x",
          "ftp://h/a\nb", "ftp://exa mple/x", "http://h/x", "ftp://u\x01@h/x"})
        CHECK(kind_of(bad) == ErrorKind::usage);
}

TEST_CASE("MLSD lines: RFC 3659 facts", "[ftp]") {
    auto f = parse_mlsd_line(
        "modify=20261130185500;perm=adfr;size=1234;type=file;unique=FD00U1;UNIX.group=1000;"
        "UNIX.mode=0640;UNIX.owner=1000; a file.php");
    REQUIRE(f);
    CHECK(f->name == "a file.php");
    CHECK(f->attrs.is_regular());
    CHECK(*f->attrs.permissions == (S_IFREG | 0640));
    CHECK(*f->attrs.size == 1234);
    CHECK(*f->attrs.mtime == 1796064900u);

    auto d = parse_mlsd_line("Type=dir;Modify=20200101000000.123;Perm=flcdmpe; controllers");
    REQUIRE(d);
    CHECK(d->attrs.is_dir());
    CHECK(*d->attrs.permissions == (S_IFDIR | 0755));
    CHECK(*d->attrs.mtime == 1577836800u);

    auto l = parse_mlsd_line("type=OS.unix=symlink;size=4;UNIX.mode=0777; out");
    REQUIRE(l);
    CHECK(l->attrs.is_link());
    auto s = parse_mlsd_line("type=OS.unix=slink:/etc;size=4; out");
    REQUIRE(s);
    CHECK(s->attrs.is_link());
    CHECK(s->link_target == "/etc");

    CHECK_FALSE(parse_mlsd_line("type=cdir;modify=20200101000000; /var/www"));
    CHECK_FALSE(parse_mlsd_line("type=pdir; .."));
    CHECK_FALSE(parse_mlsd_line("no facts here"));
    CHECK_FALSE(parse_mlsd_line("type=file;"));
    CHECK_FALSE(parse_mlsd_line(""));
    auto dev = parse_mlsd_line("type=OS.unix=chr-13/29;UNIX.mode=0600; tty");
    REQUIRE(dev);
    CHECK_FALSE(dev->attrs.has_type());
    // Names are kept as sent: the caller refuses hostile ones.
    auto dots = parse_mlsd_line("type=dir; ..");
    REQUIRE(dots);
    CHECK(dots->name == "..");
    auto spaced = parse_mlsd_line("type=file;size=1;  leading space");
    REQUIRE(spaced);
    CHECK(spaced->name == " leading space");
    // Big sizes and junk sizes.
    CHECK(*parse_mlsd_line("type=file;size=18446744073709551615; big")->attrs.size ==
          18446744073709551615ull);
    CHECK_FALSE(parse_mlsd_line("type=file;size=18446744073709551616; big")->attrs.size);
    CHECK_FALSE(parse_mlsd_line("type=file;size=12x; j")->attrs.size);
}

TEST_CASE("LIST lines: ls -l as ProFTPD, vsftpd and pyftpdlib write it, and IIS", "[ftp]") {
    // vsftpd (numeric owners), a time within six months.
    auto v =
        parse_list_line("-rw-r--r--    1 1000     1000          123 Nov 30 18:55 config.xml", kNow);
    REQUIRE(v);
    CHECK(v->name == "config.xml");
    CHECK(*v->attrs.permissions == (S_IFREG | 0644));
    CHECK(*v->attrs.size == 123);
    CHECK(*v->attrs.mtime == 1796064900u - 1796064900u % 60);
    // A date in the "future" this year means last year.
    auto old = parse_list_line("-rw-r--r--    1 0 0  1 Dec 25 10:00 x", kNow);
    REQUIRE(old);
    CHECK(*old->attrs.mtime < kNow);
    // ProFTPD (names), with a year, a name with spaces.
    auto p =
        parse_list_line("drwxr-sr-x   3 shop     www-data     4096 Jan  1  2020 my  folder ", kNow);
    REQUIRE(p);
    CHECK(p->name == "my  folder ");
    CHECK(*p->attrs.permissions == (S_IFDIR | 02755));
    CHECK(*p->attrs.mtime == 1577836800u);
    // Symbolic link, and no group column.
    auto l = parse_list_line("lrwxrwxrwx 1 shop 4 Nov 29 09:00 out -> /etc", kNow);
    REQUIRE(l);
    CHECK(l->attrs.is_link());
    CHECK(l->name == "out");
    CHECK(l->link_target == "/etc");
    // A name that looks like a date is still the name.
    auto tricky = parse_list_line("-rw-r--r-- 1 a b 5 Nov 30 18:55 Nov 30 18:55", kNow);
    REQUIRE(tricky);
    CHECK(tricky->name == "Nov 30 18:55");
    // IIS.
    auto iis = parse_list_line("11-30-26  06:55PM       <DIR>          modules", kNow);
    REQUIRE(iis);
    CHECK(iis->attrs.is_dir());
    CHECK(iis->name == "modules");
    auto iisf = parse_list_line("01-02-20  12:05AM                 1234 index.php", kNow);
    REQUIRE(iisf);
    CHECK(*iisf->attrs.size == 1234);
    CHECK(*iisf->attrs.mtime == 1577923500u);
    // Refused lines.
    for (const char* bad : {"total 12", "", "-rw-r--r--", "xyz 1 2 3 4 5 6 7 8",
                            "-rw-r--r-- 1 a b 5 Nov 30 18:55", "-rwqr--r-- 1 a b 5 Nov 30 18:55 x"})
        CHECK_FALSE(parse_list_line(bad, kNow));
    auto special = parse_list_line("crw-rw-rw- 1 0 0 1 Nov 30 18:55 null", kNow);
    REQUIRE(special);
    CHECK_FALSE(special->attrs.has_type());
}

TEST_CASE("FTP listings: CRLF or LF lines, totals and cdir/pdir skipped", "[ftp]") {
    auto list = parse_ftp_listing(
        "total 8\r\n-rw-r--r-- 1 a b 5 Nov 30 18:55 a.php\r\ngarbage\r\n"
        "drwxr-xr-x 2 a b 4096 Nov 30 18:55 sub\n",
        false, kNow);
    REQUIRE(list.entries.size() == 2);
    CHECK(list.entries[0].name == "a.php");
    CHECK(list.entries[1].name == "sub");
    CHECK(list.unparsed == 1);
    auto mlsd = parse_ftp_listing(
        "type=cdir;modify=20200101000000; .\r\ntype=pdir; ..\r\ntype=file;size=3; x\r\n", true,
        kNow);
    REQUIRE(mlsd.entries.size() == 1);
    CHECK(mlsd.unparsed == 0);
}

TEST_CASE("HASH: FEAT's algorithms and the digest of a reply", "[ftp][hash]") {
    auto feature =
        mps::hash_feature({"211-Features:", " EPSV", " HASH CRC32;MD5;SHA-1*;SHA-256;SHA-512;",
                           " MLST size*;type*;", "211 End"});
    CHECK(feature.sha256);
    CHECK_FALSE(feature.sha256_selected);
    CHECK(mps::hash_feature({" HASH SHA-256*;SHA-1"}).sha256_selected);
    CHECK_FALSE(mps::hash_feature({" HASH SHA-1*;MD5", " XSHA256"}).sha256);
    CHECK_FALSE(mps::hash_feature({"HASH SHA-256"}).sha256);  // not a feature line

    std::string hex = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";
    std::vector<std::string> reply = {"213-Computing SHA-256 digest",
                                      "213 SHA-256 0-6 " + hex + " a file.txt"};
    CHECK(mps::hash_reply_digest(reply, 6) == hex);
    CHECK(mps::hash_reply_digest(reply, std::nullopt) == hex);
    CHECK_FALSE(mps::hash_reply_digest(reply, 7));  // another size than listed: read it
    std::string upper = hex;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    CHECK(mps::hash_reply_digest({"213 sha-256 0-6 " + upper + " a"}, 6) == hex);
    CHECK(mps::hash_reply_algorithm(reply) == "SHA-256");
    CHECK(mps::hash_reply_algorithm({"213 SHA-1 0-6 f572d396fae9206628714fb2ce00f72e94f2258f a"}) ==
          "SHA-1");
    // Not a digest: another algorithm, a part of the file, a refusal, garbage.
    for (const auto& bad : std::vector<std::vector<std::string>>{
             {"213 SHA-1 0-6 f572d396fae9206628714fb2ce00f72e94f2258f a"},
             {"213 SHA-256 1-6 " + hex + " a"},
             {"213 SHA-256 0-6 " + hex.substr(1) + " a"},
             {"213 SHA-256 0-6 " + hex.substr(1) + "g a"},
             {"213 SHA-256 0-x " + hex + " a"},
             {"213 SHA-256 0-99999999999999999999 " + hex + " a"},
             {"550 a: No such file or directory"},
             {"213-SHA-256 0-6 " + hex + " a"},
             {"213 SHA-256"},
             {}}) {
        CHECK_FALSE(mps::hash_reply_digest(bad, 6));
    }
    CHECK(mps::final_reply_code({"213-x", "213 y"}) == 213);
    CHECK(mps::final_reply_code({"500 'HASH': command not understood"}) == 500);
    CHECK(mps::final_reply_code({"213-x"}) == 0);
}

TEST_CASE("STAT listings: whole only when the echo of the nonce follows them", "[ftp][stat]") {
    const std::string nonce = ".mpsupport-0123456789abcdef-1";
    const std::string echo = "550 " + nonce + ": No such file or directory";
    std::vector<std::string> login = {"220 ProFTPD Server", "230 User shopuser logged in",
                                      "257 \"/\" is the current directory"};
    auto reply = [&](std::vector<std::string> stat_lines, bool with_echo = true) {
        std::vector<std::string> lines = login;
        lines.insert(lines.end(), stat_lines.begin(), stat_lines.end());
        if (with_echo) lines.push_back(echo);
        return lines;
    };
    std::vector<std::string> folder = {
        "212-Status of /shop/modules/mymod:",
        " drwxr-xr-x   3 0        0            4096 Dec  1 04:03 .",
        " drwxr-xr-x   4 0        0            4096 Dec  1 04:02 ..",
        " -rw-r--r--   1 0        0              12 Dec  1 04:01 .htaccess",
        " -rw-r--r--   1 0        0               3 Dec  1 04:00 a b.php",
        "212 End of status"};

    SECTION("a folder") {
        StatListing s = stat_listing(reply(folder), nonce);
        CHECK(s.well_formed);
        CHECK(s.code == 212);
        auto parsed = parse_ftp_listing(s.text, false, 1800000000);
        REQUIRE(parsed.entries.size() == 4);
        CHECK(parsed.entries[2].name == ".htaccess");
        CHECK(parsed.entries[3].name == "a b.php");
        CHECK(*parsed.entries[3].attrs.size == 3);
    }
    SECTION("a refusal is one line, well formed") {
        StatListing s = stat_listing(reply({"450 /shop/nope: No such file or directory"}), nonce);
        CHECK(s.well_formed);
        CHECK(s.code == 450);
        CHECK(s.last_line == "450 /shop/nope: No such file or directory");
    }
    SECTION("a name holding CRLF ends the reply early: the echo is not next") {
        // "evil\r\n212 End of status": libcurl ends the STAT reply there and reads the rest of
        // the listing as the next command's answer.
        std::vector<std::string> cut = {
            folder[0], folder[1], " -rw-r--r--  1 0 0 1 Dec  1 04:03 evil", "212 End of status"};
        std::vector<std::string> lines = reply(cut, false);
        lines.push_back(" -rw-r--r--   1 0        0               3 Dec  1 04:00 z.php");
        lines.push_back("212 End of status");
        CHECK_FALSE(stat_listing(lines, nonce).well_formed);
    }
    SECTION("an unpadded inner line (a bare line feed in a name) is not a listing") {
        auto broken = folder;
        broken.insert(broken.begin() + 3, "line.txt");
        CHECK_FALSE(stat_listing(reply(broken), nonce).well_formed);
    }
    SECTION("no echo, another nonce, or no reply") {
        CHECK_FALSE(stat_listing(reply(folder, false), nonce).well_formed);
        CHECK_FALSE(stat_listing(reply(folder), ".mpsupport-other-1").well_formed);
        CHECK_FALSE(stat_listing({}, nonce).well_formed);
        CHECK_FALSE(stat_listing(reply(folder), "").well_formed);
    }
    SECTION("a 212 without its opening line is not a listing") {
        CHECK_FALSE(stat_listing(reply({"212 End of status"}), nonce).well_formed);
    }
}
