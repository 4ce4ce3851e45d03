#include <catch2/catch.hpp>

#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include "integrity/pristine_store.hpp"
#include "raw_zip.hpp"
#include "test_support.hpp"
#include "util/error.hpp"

using namespace mps;
using testing::ZipEntry;

namespace {

AddOptions options() {
    AddOptions o;
    o.now = std::chrono::system_clock::time_point(std::chrono::seconds(1790000000));
    return o;
}

// expect_refused: adding `zip` fails with a usage error mentioning `needle`, and the store
// holds nothing afterwards (no manifest, no object, no staging leftovers).
void expect_refused(const std::vector<ZipEntry>& entries, const std::string& needle) {
    testing::TempDir dir;
    testing::make_zip(dir / "bad.zip", entries);
    PristineStore store(dir / "store");
    try {
        store.add(dir / "bad.zip", options());
        FAIL("no error for " << needle);
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
        CHECK_THAT(e.what(), Catch::Contains(needle));
        CHECK_THAT(e.what(), Catch::Contains("bad.zip"));
    }
    CHECK(testing::count_files(dir / "store") == 0);
    CHECK(store.list().empty());
}

// expect_raw_refused: like expect_refused, for a hand-written zip.
void expect_raw_refused(const std::string& bytes, const std::string& needle) {
    testing::TempDir dir;
    testing::write(dir / "bad.zip", bytes);
    PristineStore store(dir / "store");
    try {
        store.add(dir / "bad.zip", options());
        FAIL("no error for " << needle);
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
        CHECK_THAT(e.what(), Catch::Contains(needle));
        CHECK_THAT(e.what(), Catch::Contains("bad.zip"));
    }
    CHECK(testing::count_files(dir / "store" / "objects") == 0);
    CHECK(testing::count_files(dir / "store" / "tmp") == 0);
    CHECK(testing::count_files(dir / "store") == 0);
    CHECK(store.list().empty());
}

std::vector<testing::RawZipEntry> raw_module() {
    return testing::raw_zip_entries(testing::module_files("mymod", "1.0.0"), "mymod");
}

}  // namespace

TEST_CASE("a release zip is stored by content with a manifest", "[pristine]") {
    testing::TempDir dir;
    auto files = testing::module_files("mymod", "1.2.3");
    testing::make_zip(dir / "mymod.zip", testing::zip_entries(files, "mymod"));
    PristineStore store(dir / "store");
    auto result = store.add(dir / "mymod.zip", options());
    CHECK(result.outcome == AddOutcome::added);
    CHECK(result.manifest.module == "mymod");
    CHECK(result.manifest.version == "1.2.3");
    CHECK(result.manifest.files.size() == files.size());
    CHECK(result.new_objects == files.size());
    CHECK(result.manifest.added_at == "2026-09-21T14:13:20Z");
    auto loaded = store.load("mymod", "1.2.3");
    REQUIRE(loaded);
    CHECK(loaded->digest == result.manifest.digest);
    const auto* entry = loaded->find("views/css/front.css");
    REQUIRE(entry);
    CHECK(store.read_object(entry->sha256) == files.at("views/css/front.css"));
    CHECK(testing::count_files(dir / "store" / "tmp") == 0);

    SECTION("the same release again is a no-op, even re-zipped") {
        auto entries = testing::zip_entries(files, "mymod");
        std::reverse(entries.begin() + 1, entries.end());
        testing::make_zip(dir / "again.zip", entries);
        CHECK(store.add(dir / "again.zip", options()).outcome == AddOutcome::already_present);
    }
    SECTION("a different release of the same version is refused unless replaced") {
        auto changed = files;
        changed["views/js/front.js"] = "changed();\n";
        testing::make_zip(dir / "other.zip", testing::zip_entries(changed, "mymod"));
        try {
            store.add(dir / "other.zip", options());
            FAIL("a different release was accepted");
        } catch (const Error& e) {
            CHECK_THAT(e.what(), Catch::Contains("already stored"));
            CHECK_THAT(e.hint(), Catch::Contains("--replace"));
        }
        CHECK(store.load("mymod", "1.2.3")->digest == result.manifest.digest);
        auto asked = options();
        int questions = 0;
        asked.confirm_replace = [&](const Manifest&, const Manifest&) {
            return ++questions, false;
        };
        CHECK_THROWS_AS(store.add(dir / "other.zip", asked), Error);
        CHECK(questions == 1);
        auto replace = options();
        replace.replace = true;
        CHECK(store.add(dir / "other.zip", replace).outcome == AddOutcome::replaced);
        CHECK(store.load("mymod", "1.2.3")->digest != result.manifest.digest);
    }
    SECTION("versions are listed in natural order") {
        testing::make_zip(dir / "v10.zip",
                          testing::zip_entries(testing::module_files("mymod", "1.10.0"), "mymod"));
        testing::make_zip(dir / "v9.zip",
                          testing::zip_entries(testing::module_files("mymod", "1.9.0"), "mymod"));
        store.add(dir / "v10.zip", options());
        store.add(dir / "v9.zip", options());
        CHECK(store.versions("mymod") == std::vector<std::string>{"1.2.3", "1.9.0", "1.10.0"});
    }
}

TEST_CASE("a module folder is stored like a zip", "[pristine]") {
    testing::TempDir dir;
    testing::write_tree(dir / "src" / "mymod", testing::module_files("mymod", "2.0.0"));
    testing::write(dir / "src" / "mymod" / ".DS_Store", "junk");
    PristineStore store(dir / "store");
    auto result = store.add(dir / "src" / "mymod", options());
    CHECK(result.manifest.module == "mymod");
    CHECK(result.manifest.version == "2.0.0");
    CHECK_FALSE(result.manifest.find(".DS_Store"));
    auto overridden = options();
    overridden.module = "mymod";
    overridden.version = "2.0.0-custom";
    CHECK(store.add(dir / "src" / "mymod", overridden).manifest.version == "2.0.0-custom");
}

TEST_CASE("hostile or broken zips are refused and nothing is stored", "[pristine]") {
    auto good = testing::zip_entries(testing::module_files("mymod", "1.0.0"), "mymod");
    auto with = [&](ZipEntry extra) {
        auto entries = good;
        entries.push_back(std::move(extra));
        return entries;
    };
    expect_refused(with({"mymod/../../evil.php", "<?php"}), "'..' leaves the folder");
    expect_refused(with({"/etc/cron.d/evil", "x"}), "absolute path");
    expect_refused(with({"mymod/link.php", "", ZipEntry::symlink, "/etc/passwd"}), "link");
    expect_refused(with({"mymod/views/css/front.css", "dup"}), "appears twice");
    expect_refused({}, "bad.zip");
}

TEST_CASE("truncated and non-zip files are refused", "[pristine]") {
    testing::TempDir dir;
    testing::make_zip(dir / "good.zip",
                      testing::zip_entries(testing::module_files("mymod", "1.0.0"), "mymod"));
    std::string bytes = testing::slurp(dir / "good.zip");
    testing::write(dir / "truncated.zip", bytes.substr(0, bytes.size() / 2));
    testing::write(dir / "text.zip", "this is not a zip file\n");
    PristineStore store(dir / "store");
    CHECK_THROWS_AS(store.add(dir / "truncated.zip", options()), Error);
    CHECK_THROWS_WITH(store.add(dir / "text.zip", options()), Catch::Contains("text.zip"));
    CHECK_THROWS_WITH(store.add(dir / "absent.zip", options()), Catch::Contains("absent.zip"));
    CHECK(store.list().empty());
    CHECK(testing::count_files(dir / "store") == 0);
}

TEST_CASE("a damaged manifest is reported, not trusted", "[pristine]") {
    testing::TempDir dir;
    testing::make_zip(dir / "m.zip",
                      testing::zip_entries(testing::module_files("mymod", "1.0.0"), "mymod"));
    PristineStore store(dir / "store");
    store.add(dir / "m.zip", options());
    auto manifest = dir / "store" / "manifests" / "mymod" / "1.0.0.json";
    std::string text = testing::slurp(manifest);
    testing::write(manifest, text.substr(0, text.size() / 2));
    CHECK_THROWS_WITH(store.load("mymod", "1.0.0"), Catch::Contains("damaged pristine manifest"));
    auto path_pos = text.find("\"views/css/front.css\"");
    REQUIRE(path_pos != std::string::npos);
    text.replace(path_pos, 21, "\"../../../etc/passwd\"");
    testing::write(manifest, text);
    CHECK_THROWS_WITH(store.load("mymod", "1.0.0"), Catch::Contains("bad path"));
}

TEST_CASE("a zip entry whose CRC-32 does not match its data is refused", "[pristine][zip]") {
    auto entries = raw_module();
    entries[2].bad_crc = true;
    expect_raw_refused(testing::raw_zip(entries), "CRC-32");
    // The same zip with right checksums is stored: the helper writes valid archives.
    testing::TempDir dir;
    testing::write(dir / "good.zip", testing::raw_zip(raw_module()));
    PristineStore store(dir / "store");
    CHECK(store.add(dir / "good.zip", options()).manifest.files.size() == raw_module().size());
}

TEST_CASE("central-directory entries that share or overlap a local stream are refused",
          "[pristine][zip]") {
    auto entries = raw_module();
    for (int i = 0; i < 10; ++i)
        entries.push_back({"mymod/hidden" + std::to_string(i) + ".php", "", false, 1});
    expect_raw_refused(testing::raw_zip(entries), "overlap");

    // One entry whose data runs into the next local header.
    auto bytes = testing::raw_zip(raw_module());
    auto second = bytes.find("PK\x03\x04", 4);
    REQUIRE(second != std::string::npos);
    auto cd = bytes.find("PK\x01\x02");
    std::size_t first_size_pos = cd + 20;  // compressed size of the first central entry
    std::uint32_t size = 0;
    for (int i = 3; i >= 0; --i)
        size = (size << 8) | static_cast<unsigned char>(bytes[first_size_pos + i]);
    size += 40;
    for (int i = 0; i < 4; ++i)
        bytes[first_size_pos + i] = static_cast<char>((size >> (8 * i)) & 0xFF);
    // Keep uncompressed == compressed, as for any stored entry.
    for (int i = 0; i < 4; ++i) bytes[cd + 24 + i] = bytes[first_size_pos + i];
    expect_raw_refused(bytes, "overlap");
}

TEST_CASE("bytes no central entry accounts for are refused", "[pristine][zip]") {
    // A local entry left out of the central directory: unzip and PHP would not see it, but it
    // is no part of a release we can vouch for.
    auto entries = raw_module();
    entries.insert(entries.begin() + 1, {"mymod/ghost.php", "<?php hidden();"});
    std::string with_ghost = testing::raw_zip(entries);
    // Drop the ghost's central record, so the central directory lists one entry fewer.
    auto cd = with_ghost.find("PK\x01\x02");
    REQUIRE(cd != std::string::npos);
    // Drop the ghost's central record (the second one) and fix the counts and the size.
    std::size_t first_len = 46 + entries[0].name.size();
    std::size_t ghost_len = 46 + entries[1].name.size();
    std::string patched =
        with_ghost.substr(0, cd + first_len) + with_ghost.substr(cd + first_len + ghost_len);
    auto eocd = patched.rfind("PK\x05\x06");
    REQUIRE(eocd != std::string::npos);
    std::uint16_t count = static_cast<std::uint16_t>(entries.size() - 1);
    patched[eocd + 8] = patched[eocd + 10] = static_cast<char>(count & 0xFF);
    patched[eocd + 9] = patched[eocd + 11] = static_cast<char>(count >> 8);
    std::uint32_t cd_size = static_cast<std::uint32_t>(eocd - cd);
    for (int i = 0; i < 4; ++i)
        patched[eocd + 12 + i] = static_cast<char>((cd_size >> (8 * i)) & 0xFF);
    expect_raw_refused(patched, "not listed");
}

TEST_CASE("a zip with a long archive comment is read", "[pristine][zip]") {
    for (std::size_t length : {std::size_t{100}, std::size_t{30000}, std::size_t{65535}}) {
        testing::TempDir dir;
        std::string comment(length, 'c');
        testing::write(dir / "commented.zip", testing::raw_zip(raw_module(), comment));
        PristineStore store(dir / "store");
        INFO(length);
        CHECK(store.add(dir / "commented.zip", options()).manifest.files.size() ==
              raw_module().size());
    }
}

TEST_CASE("a NUL in a zip entry name is refused, not truncated", "[pristine][zip]") {
    auto entries = raw_module();
    entries.push_back({std::string("mymod/evil.php") + std::string(1, '\0') + ".txt", "<?php"});
    expect_raw_refused(testing::raw_zip(entries), "evil.php\\x00.txt");
}

TEST_CASE("a zip entry name that is not UTF-8 is refused, naming it escaped", "[pristine][zip]") {
    auto entries = raw_module();
    entries.push_back({"mymod/views/templates/caf\xe9.tpl", "{$x}"});  // CP1252, as Windows zips it
    expect_raw_refused(testing::raw_zip(entries), "caf\\xe9.tpl");
    // UTF-8 names are fine.
    testing::TempDir dir;
    auto good = raw_module();
    good.push_back({"mymod/views/templates/caf\xc3\xa9.tpl", "{$x}"});
    testing::write(dir / "good.zip", testing::raw_zip(good));
    PristineStore store(dir / "store");
    CHECK(store.add(dir / "good.zip", options()).manifest.find("views/templates/caf\xc3\xa9.tpl"));
}

TEST_CASE("a zip holding a file and a folder of the same name is refused", "[pristine][zip]") {
    auto good = testing::zip_entries(testing::module_files("mymod", "1.0.0"), "mymod");
    auto entries = good;
    entries.push_back({"mymod/a", "file"});
    entries.push_back({"mymod/a/b.php", "<?php"});
    expect_refused(entries, "'mymod/a' is both a file and a folder");
    entries = good;
    entries.push_back({"mymod/views/css/front.css/x.php", "<?php"});
    expect_refused(entries, "both a file and a folder");
    entries = good;
    entries.push_back({"mymod/a/b.php", "<?php"});
    entries.push_back({"mymod/a", "file"});
    expect_refused(entries, "'mymod/a' is both a file and a folder");
}

namespace {

// add_unreadable: add a module folder with an unreadable sub-folder; returns "" when refused
// with a usage error naming the folder, else what happened. As root, permissions do not stop
// reads, so the add runs in a child process that dropped to nobody.
std::string add_unreadable(const testing::TempDir& dir) {
    auto files = testing::module_files("mymod", "2.0.0");
    files["views/templates/admin/secret.tpl"] = "{$x}";
    testing::write_tree(dir / "src" / "mymod", files);
    auto locked = dir / "src" / "mymod" / "views" / "templates" / "admin";
    auto run = [&]() -> std::string {
        PristineStore store(dir / "store");
        try {
            auto result = store.add(dir / "src" / "mymod", options());
            return "stored " + std::to_string(result.manifest.files.size()) + " files";
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::usage) return std::string("wrong kind: ") + e.what();
            if (std::string(e.what()).find("views/templates/admin") == std::string::npos)
                return std::string("does not name the folder: ") + e.what();
            return "";
        }
    };
    ::chmod(locked.c_str(), 0);
    if (::geteuid() != 0) return run();
    // Root: hand the tree to nobody and run the add there.
    for (auto& entry : std::filesystem::recursive_directory_iterator(dir.path()))
        (void)!::lchown(entry.path().c_str(), 65534, 65534);
    (void)!::chown(dir.path().c_str(), 65534, 65534);
    int pipe_fds[2];
    REQUIRE(::pipe(pipe_fds) == 0);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(pipe_fds[0]);
        std::string outcome;
        if (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0)
            outcome = "cannot drop privileges";
        else
            outcome = run();
        (void)!::write(pipe_fds[1], outcome.data(), outcome.size());
        ::_exit(0);
    }
    ::close(pipe_fds[1]);
    std::string outcome;
    char buffer[512];
    for (ssize_t got; (got = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;)
        outcome.append(buffer, got);
    ::close(pipe_fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return outcome;
}

}  // namespace

TEST_CASE("a module folder with an unreadable sub-folder is refused, nothing stored",
          "[pristine]") {
    testing::TempDir dir;
    CHECK(add_unreadable(dir) == "");
    CHECK(testing::count_files(dir / "store") == 0);
}

TEST_CASE("a release whose own file name is not UTF-8 is stored, its source escaped",
          "[pristine][zip]") {
    testing::TempDir dir;
    testing::write(dir / "r\xe9lease.zip", testing::raw_zip(raw_module()));
    PristineStore store(dir / "store");
    auto result = store.add(dir / "r\xe9lease.zip", options());
    CHECK(result.manifest.source == "r\\xe9lease.zip");
    CHECK(store.load("mymod", "1.0.0")->source == "r\\xe9lease.zip");
}
