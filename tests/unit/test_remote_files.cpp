// The remote-files interface without a server: the verify engine over this machine's file
// system (LocalFiles) gives verify_local's answers, and over an in-memory fake it handles hostile
// names, transports that run no commands and connections that break half way.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <deque>
#include <filesystem>
#include <map>
#include <set>

#include "files/local_files.hpp"
#include "files/remote_files.hpp"
#include "integrity/verify.hpp"
#include "remote/verify_all_remote.hpp"
#include "remote/verify_remote.hpp"
#include "test_support.hpp"
#include "util/error.hpp"
#include "util/progress.hpp"

namespace fs = std::filesystem;
using namespace mps;

namespace {

// MemoryFiles: a server held in a map (absolute path -> file); folders are implied by paths.
// `break_after_reads`: run() throws Error(unreachable) once that many files were read.
class MemoryFiles final : public RemoteFiles {
  public:
    std::map<std::string, std::string> files;  // path -> content
    std::map<std::string, std::string> links;  // path -> target
    std::optional<std::size_t> break_after_reads;
    std::size_t reads = 0;

    std::string kind() const override { return "memory"; }
    std::string label() const override { return "fake@memory"; }
    std::string connect_message() const override { return "connected to the fake"; }

    std::optional<FileAttributes> attributes(const std::string& path) const {
        FileAttributes attrs;
        if (auto it = files.find(path); it != files.end()) {
            attrs.permissions = S_IFREG | 0644;
            attrs.size = it->second.size();
            return attrs;
        }
        if (links.count(path)) {
            attrs.permissions = S_IFLNK | 0777;
            return attrs;
        }
        for (const auto* map : {&files, &links})
            for (const auto& [p, unused] : *map)
                if (p.rfind(path + "/", 0) == 0) {
                    attrs.permissions = S_IFDIR | 0755;
                    return attrs;
                }
        return std::nullopt;
    }

    void stat(const std::string& path, bool,
              std::function<void(std::optional<FileAttributes>)> done) override {
        queue_.push_back([this, path, done] { done(attributes(path)); });
    }

    struct Listing final : TreeListing {
        RemoteListing listing;
        bool missing = false;
        RemoteListing take() override {
            if (missing) throw Error(ErrorKind::not_found, "no such folder");
            return listing;
        }
    };

    std::unique_ptr<TreeListing> list(const std::string& root, ListLimits limits,
                                      TreeEvents events) override {
        auto out = std::make_unique<Listing>();
        queue_.push_back([this, root, limits, events, l = out.get()] {
            auto attrs = attributes(root);
            if (!attrs || !attrs->is_dir()) {
                l->missing = true;
            } else {
                std::set<std::string> folders;
                for (const auto* map : {&files, &links})
                    for (const auto& [p, unused] : *map) {
                        if (p.rfind(root + "/", 0) != 0) continue;
                        std::string relative = p.substr(root.size() + 1);
                        auto slash = relative.find('/');
                        if (limits.max_depth == 0 && slash != std::string::npos) {
                            folders.insert(relative.substr(0, slash));
                            continue;
                        }
                        std::string name = relative.substr(relative.rfind('/') + 1);
                        if (!acceptable_remote_name(name)) {
                            l->listing.refused.push_back(printable_remote_name(relative));
                            continue;
                        }
                        l->listing.files.push_back({relative, *attributes(p)});
                        if (events.on_file) events.on_file(l->listing.files.back());
                    }
                for (const auto& folder : folders)
                    l->listing.unreadable.push_back(folder + ": nested too deeply");
            }
            if (events.on_done) events.on_done();
        });
        return out;
    }

    struct Reads final : FileReads {
        MemoryFiles* owner;
        std::string root;
        FileSink sink;
        std::size_t waiting = 0;
        void add(RemoteEntry file) override {
            ++waiting;
            owner->queue_.push_back([this, file] {
                --waiting;
                if (owner->break_after_reads && owner->reads >= *owner->break_after_reads)
                    throw Error(ErrorKind::unreachable, "fake@memory stopped answering");
                ++owner->reads;
                auto it = owner->files.find(remote_join(root, file.path));
                if (it == owner->files.end()) return sink.on_error(file, "no such file");
                FileAccumulator data(file);
                data.append(std::string_view(it->second).substr(file.offset));
                FetchedFile done = data.finish();
                sink.on_file(file, done);
            });
        }
        std::size_t pending() const override { return waiting; }
    };

    std::unique_ptr<FileReads> read(const std::string& root, std::vector<RemoteEntry> entries,
                                    FileSink sink, std::size_t) override {
        auto out = std::make_unique<Reads>();
        out->owner = this;
        out->root = root;
        out->sink = std::move(sink);
        for (auto& e : entries) out->add(std::move(e));
        return out;
    }

    void run() override {
        // A job that throws ends the run: the work still queued belongs to it and is dropped.
        try {
            while (!queue_.empty()) {
                auto job = std::move(queue_.front());
                queue_.pop_front();
                job();
            }
        } catch (...) {
            queue_.clear();
            throw;
        }
    }
    std::uint64_t bytes_received() const override { return 0; }

  private:
    std::deque<std::function<void()>> queue_;
};

AddOptions add_options() {
    AddOptions o;
    o.now = std::chrono::system_clock::time_point(std::chrono::seconds(1790000000));
    return o;
}

std::map<std::string, std::string> classes_of(const Report& report) {
    std::map<std::string, std::string> out;
    for (const auto& f : report.body["files"]) out[f["path"]] = f["class"];
    return out;
}

}  // namespace

TEST_CASE("verify over LocalFiles gives verify_local's answer", "[remote-files]") {
    testing::TempDir dir;
    auto release = testing::module_files("mymod", "1.2.3");
    testing::write_tree(dir / "release" / "mymod", release);
    PristineStore store(dir / "store");
    store.add(dir / "release" / "mymod", add_options());
    PolicyConfig policy;

    fs::path shop = dir / "shop";
    testing::write_tree(shop / "modules" / "mymod", release);
    fs::create_directories(shop / "classes");
    fs::create_directories(shop / "config");
    fs::path module = shop / "modules" / "mymod";
    testing::write(module / "mymod.php", release.at("mymod.php") + "\n// changed\n");
    testing::write(module / "extra.php", "<?php // added\n");
    fs::create_symlink("/etc/passwd", module / "linked.php");

    VerifyRequest local;
    local.target = module;
    Report expected = verify_local(local, store, policy);

    for (const auto& [path, where] :
         {std::pair{module.string(), module.string()}, std::pair{shop.string(), shop.string()}}) {
        LocalFiles files;
        RemoteVerifyOptions options;
        if (path == shop.string()) options.module = "mymod";
        Report got = verify_files(files, path, where, options, store, policy);
        INFO(got.body.dump(2));
        CHECK(got.body["support"] == expected.body["support"]);
        CHECK(classes_of(got) == classes_of(expected));
        CHECK(got.body["transport"]["kind"] == "local");
        CHECK(got.body["version"] == "1.2.3");
    }
}

TEST_CASE("verify over a transport without commands, with hostile names and a broken link",
          "[remote-files]") {
    testing::TempDir dir;
    auto release = testing::module_files("mymod", "1.2.3");
    testing::write_tree(dir / "release" / "mymod", release);
    PristineStore store(dir / "store");
    store.add(dir / "release" / "mymod", add_options());
    PolicyConfig policy;

    MemoryFiles server;
    for (const auto& [path, content] : release) server.files["/srv/mymod/" + path] = content;
    server.files["/srv/mymod/views/evil\nname.php"] = "<?php";

    RemoteVerifyOptions options;
    Report clean = verify_files(server, "/srv/mymod", "memory:/srv/mymod", options, store, policy);
    CHECK(clean.body["support"] == "covered");
    CHECK(clean.body["transport"]["hashing"] == "memory");
    bool listing_warned = false;
    for (const auto& check : clean.checks)
        if (check.id == "files.listing") {
            listing_warned = check.status == Status::warn;
            CHECK(check.data["refused"].size() == 1);
        }
    CHECK(listing_warned);

    // --exec-hash only where no command can run: a usage error (exit 2), after the release is
    // known to be there.
    options.exec_hash = ExecHash::only;
    try {
        verify_files(server, "/srv/mymod", "memory:/srv/mymod", options, store, policy);
        FAIL("--exec-hash only should have been refused");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
        CHECK_THAT(std::string(e.what()), Catch::Contains("runs no commands"));
    }

    // The connection breaks after a few files: a partial report, support unknown.
    options.exec_hash = ExecHash::auto_;
    server.break_after_reads = 4;
    server.reads = 0;
    Report partial =
        verify_files(server, "/srv/mymod", "memory:/srv/mymod", options, store, policy);
    CHECK(partial.body["partial"] == true);
    CHECK(partial.body["support"] == "unknown");
    CHECK(partial.checks.front().status == Status::fail);

    // A folder that is not there: not found.
    try {
        verify_files(server, "/srv/other", "memory:/srv/other", {}, store, policy);
        FAIL("a missing folder should be not_found");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::not_found);
    }
}

TEST_CASE("FileAccumulator hashes everything, keeps a bounded head, stops a growing file",
          "[remote-files]") {
    RemoteEntry listed{"a", {}};
    listed.attrs.size = 10;
    FileAccumulator small(listed);
    CHECK(small.append("0123456789"));
    FetchedFile done = small.finish();
    CHECK(done.content == "0123456789");
    CHECK(done.complete);
    CHECK(done.sha256.size() == 64);

    FileAccumulator growing(listed);
    std::string mib(1u << 20, 'x');
    CHECK(growing.append(mib));
    CHECK_FALSE(growing.append(std::string(32, 'y')));  // past 10 listed + 1 MiB of margin
    CHECK_THAT(growing.error(), Catch::Contains("kept growing"));
    CHECK(growing.finish().sha256.empty());

    CHECK(acceptable_remote_name("index.php"));
    CHECK_FALSE(acceptable_remote_name(".."));
    CHECK_FALSE(acceptable_remote_name("a/b"));
    CHECK_FALSE(acceptable_remote_name("a\nb"));
    CHECK(remote_join("", "x") == "x");
    CHECK(remote_join("/srv/", "x") == "/srv/x");
}

namespace {

// RecordingProgress: what a Progress was told, tasks nested as ProgressLine nests them.
struct RecordingProgress : Progress {
    struct Task {
        std::string label, unit;
        std::uint64_t total = 0, total_bytes = 0, items = 0, bytes = 0;
    };
    std::vector<Task> running, done;
    void start(std::string_view label, std::string_view unit, std::uint64_t total,
               std::uint64_t total_bytes) override {
        running.push_back({std::string(label), std::string(unit), total, total_bytes, 0, 0});
    }
    void set_total(std::uint64_t total, std::uint64_t total_bytes) override {
        REQUIRE(!running.empty());
        running.back().total = total;
        running.back().total_bytes = total_bytes;
    }
    void advance(std::uint64_t items, std::uint64_t bytes) override {
        REQUIRE(!running.empty());
        running.back().items += items;
        running.back().bytes += bytes;
    }
    void finish() override {
        REQUIRE(!running.empty());
        done.push_back(running.back());
        running.pop_back();
    }
};

}  // namespace

TEST_CASE("remote verify reports files and bytes read, and verify --all modules done",
          "[remote-files][progress]") {
    testing::TempDir dir;
    auto release = testing::module_files("mymod", "1.2.3");
    testing::write_tree(dir / "release" / "mymod", release);
    PristineStore store(dir / "store");
    store.add(dir / "release" / "mymod", add_options());
    PolicyConfig policy;

    MemoryFiles server;
    std::uint64_t bytes = 0;
    for (const auto& [path, content] : release) {
        server.files["/srv/shop/modules/mymod/" + path] = content;
        bytes += content.size();
    }
    server.files["/srv/shop/modules/mymod/extra.php"] = "<?php // added\n";
    bytes += server.files["/srv/shop/modules/mymod/extra.php"].size();
    server.files["/srv/shop/modules/other/other.php"] = "<?php // no release\n";
    server.files["/srv/shop/classes/Module.php"] = "<?php";
    server.files["/srv/shop/config/settings.inc.php"] = "<?php";

    RecordingProgress progress;
    RemoteVerifyOptions options;
    options.progress = &progress;
    Report one =
        verify_files(server, "/srv/shop/modules/mymod", "memory:/mymod", options, store, policy);
    CHECK(one.body["support"] == "voided");  // extra.php
    CHECK(progress.running.empty());         // finished
    REQUIRE(progress.done.size() == 1);
    const auto& task = progress.done[0];
    CHECK(task.label == "verify mymod");
    CHECK(task.unit == "files");
    CHECK(task.items == release.size() + 1);
    CHECK(task.bytes == bytes);
    // The listing's totals once it is complete, not the release's.
    CHECK(task.total == release.size() + 1);
    CHECK(task.total_bytes == bytes);

    progress.done.clear();
    Report all = verify_all_files(server, "/srv/shop", "memory:/srv/shop", options, store, policy);
    CHECK(all.body["counts"]["verified"] == 1);
    CHECK(all.body["counts"]["skipped"] == 1);
    CHECK(progress.running.empty());
    REQUIRE(progress.done.size() == 2);  // mymod's files inside the modules of the shop
    CHECK(progress.done[0].label == "verify mymod");
    CHECK(progress.done[0].items == release.size() + 1);
    CHECK(progress.done[1].label == "verify --all memory:/srv/shop");
    CHECK(progress.done[1].unit == "modules");
    CHECK(progress.done[1].total == 2);
    CHECK(progress.done[1].items == 2);
}
