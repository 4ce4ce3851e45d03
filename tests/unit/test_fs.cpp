#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "test_support.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

using namespace mps;

TEST_CASE("read_file: special files are refused for what they are, never hang", "[fs]") {
    // /dev/zero never ends and a FIFO would block on open: both are refused at once, and the
    // message names the file's kind rather than a stale errno ("No such file or directory").
    CHECK_THROWS_WITH(read_file("/dev/zero"), Catch::Contains("/dev/zero: not a regular file"));
    CHECK_THROWS_WITH(read_file_head("/dev/zero", 16), Catch::Contains("not a regular file"));
    CHECK_THROWS_WITH(read_file("/"), Catch::Contains("Is a directory"));
    CHECK_THROWS_WITH(read_file("/nonexistent-mps-file"), Catch::Contains("No such file"));
}

TEST_CASE("read_file_head reads at most its limit", "[fs]") {
    testing::TempDir dir;
    auto path = dir.path() / "f";
    write_file_atomic(path, std::string(100000, 'x'));
    CHECK(read_file_head(path, 10) == std::string(10, 'x'));
    CHECK(read_file(path).size() == 100000);
    ::mkfifo((dir.path() / "fifo").c_str(), 0600);
    CHECK_THROWS_WITH(read_file(dir.path() / "fifo"), Catch::Contains("not a regular file"));
}
