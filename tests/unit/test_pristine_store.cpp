#include <catch2/catch.hpp>

#include <algorithm>

#include "integrity/pristine_store.hpp"
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
        asked.confirm_replace = [&](const Manifest&, const Manifest&) { return ++questions, false; };
        CHECK_THROWS_AS(store.add(dir / "other.zip", asked), Error);
        CHECK(questions == 1);
        auto replace = options();
        replace.replace = true;
        CHECK(store.add(dir / "other.zip", replace).outcome == AddOutcome::replaced);
        CHECK(store.load("mymod", "1.2.3")->digest != result.manifest.digest);
    }
    SECTION("versions are listed in natural order") {
        testing::make_zip(dir / "v10.zip", testing::zip_entries(testing::module_files("mymod", "1.10.0"), "mymod"));
        testing::make_zip(dir / "v9.zip", testing::zip_entries(testing::module_files("mymod", "1.9.0"), "mymod"));
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
    testing::make_zip(dir / "good.zip", testing::zip_entries(testing::module_files("mymod", "1.0.0"), "mymod"));
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
    testing::make_zip(dir / "m.zip", testing::zip_entries(testing::module_files("mymod", "1.0.0"), "mymod"));
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
