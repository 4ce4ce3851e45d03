// The HTTP layer (core/net/http) against real servers: php -S for methods, forms, uploads and
// cookies; nginx with TLS for trust, self-signed and expired certificates, and redirects.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "net/http.hpp"
#include "test_support.hpp"
#include "tls_fixture.hpp"
#include "util/error.hpp"
#include "util/progress.hpp"
#include "util/sha256.hpp"

namespace {

struct EchoServer {
    int port = testing::free_port();
    testing::ServerProcess php{{"/usr/bin/php", "-S", "127.0.0.1:" + std::to_string(port),
                                MPSUPPORT_FIXTURES "/http_echo.php"},
                               port};
    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(port) + path;
    }
};

}  // namespace

TEST_CASE("http: POST urlencoded and multipart forms, headers and cookies", "[http]") {
    EchoServer echo;
    testing::TempDir dir;
    testing::write(dir.path() / "bundle.zip",
                   std::string("PK\x03\x04 not really a zip \x00\x01", 24));

    mps::CookieJar jar;
    mps::HttpRequest get;
    get.url = echo.url("/cookie");
    mps::HttpResponse first = mps::http_request(get);
    CHECK(first.status == 200);
    CHECK(first.header("X-FIXTURE") == "echo");
    jar.absorb(first, get.url);
    CHECK(jar.names() == std::vector<std::string>{"session", "other"});

    mps::HttpRequest post;
    post.method = "POST";
    post.url = echo.url("/form");
    post.cookies = jar.header(post.url);
    post.headers = {{"X-Test", "yes"}};
    post.form = {{"from", "a+b@example.com"}, {"message", "line 1\nline 2 & more"}, {"url", ""}};
    auto answer = nlohmann::json::parse(mps::http_request(post).body);
    CHECK(answer["method"] == "POST");
    CHECK(answer["post"]["from"] == "a+b@example.com");
    CHECK(answer["post"]["message"] == "line 1\nline 2 & more");
    CHECK(answer["post"]["url"] == "");
    CHECK(answer["cookies"]["session"] == "abc123");
    CHECK(answer["header"] == "yes");

    post.multipart = true;
    post.form.push_back(
        {"fileUpload", "", (dir.path() / "bundle.zip").string(), "ABC-123.zip", "application/zip"});
    answer = nlohmann::json::parse(mps::http_request(post).body);
    CHECK(answer["post"]["message"] == "line 1\nline 2 & more");
    CHECK(answer["files"]["fileUpload"]["name"] == "ABC-123.zip");
    CHECK(answer["files"]["fileUpload"]["type"] == "application/zip");
    CHECK(answer["files"]["fileUpload"]["sha256"] ==
          mps::sha256_hex(testing::slurp(dir.path() / "bundle.zip")));

    post.form.back().file_path = (dir.path() / "missing.zip").string();
    CHECK_THROWS_WITH(mps::http_request(post), Catch::Contains("missing.zip"));
}

TEST_CASE("http: redirects are reported, not followed", "[http]") {
    EchoServer echo;
    mps::HttpRequest get;
    get.url = echo.url("/redirect");
    mps::HttpResponse response = mps::http_request(get);
    CHECK(response.status == 301);
    CHECK(response.redirect_url == echo.url("/landing?from=redirect"));
}

TEST_CASE("http: TLS trust, self-signed and expired certificates, certificate dates",
          "[http][tls]") {
    testing::TempDir dir;
    testing::TestCa ca(dir.path() / "ca");
    std::filesystem::create_directories(dir.path() / "www");
    testing::write(dir.path() / "www/index.html", "hello over TLS\n");
    std::string root = "    root " + (dir.path() / "www").string() + ";\n";
    testing::NginxServer nginx(dir.path() / "nginx",
                               {{testing::free_port(), ca.issue("good", -1, 5), root},
                                {testing::free_port(), ca.self_signed("self"), root},
                                {testing::free_port(), ca.issue("expired", -30, -2), root}});
    auto url = [&](std::size_t site) {
        return "https://localhost:" + std::to_string(nginx.port(site)) + "/index.html";
    };

    mps::HttpRequest request;
    request.url = url(0);
    request.tls.ca_file = ca.ca_cert().string();
    request.want_certificate = true;
    mps::HttpOutcome good = mps::try_http_request(request);
    REQUIRE(good.response);
    CHECK(good.response->body == "hello over TLS\n");
    REQUIRE(good.response->certificate);
    REQUIRE(good.response->certificate->not_after);
    double days_left =
        std::difftime(*good.response->certificate->not_after, std::time(nullptr)) / 86400.0;
    CHECK(days_left > 4.9);
    CHECK(days_left < 5.1);
    CHECK(good.response->timings.total >= good.response->timings.tls);

    request.tls.ca_file.clear();  // the system's CAs do not know the test CA
    mps::HttpOutcome untrusted = mps::try_http_request(request);
    CHECK_FALSE(untrusted.response);
    CHECK(untrusted.failure.kind == mps::HttpFailureKind::tls);
    CHECK_THAT(untrusted.failure.message,
               Catch::Contains("localhost:" + std::to_string(nginx.port(0))));

    request.tls.ca_file = ca.ca_cert().string();
    request.url = url(1);
    CHECK(mps::try_http_request(request).failure.kind == mps::HttpFailureKind::tls);
    request.url = url(2);
    mps::HttpOutcome expired = mps::try_http_request(request);
    CHECK(expired.failure.kind == mps::HttpFailureKind::tls);
    CHECK_THAT(expired.failure.message, Catch::Contains("expired"));
    CHECK_THROWS_AS(mps::http_request(request), mps::Error);

    request.tls.insecure = true;  // --insecure still reads the page, and the dates
    mps::HttpOutcome insecure = mps::try_http_request(request);
    REQUIRE(insecure.response);
    REQUIRE(insecure.response->certificate);
    REQUIRE(insecure.response->certificate->not_after);
    CHECK(*insecure.response->certificate->not_after < std::time(nullptr));
}

TEST_CASE("http: a Progress hears the body's bytes and its length", "[http][progress]") {
    struct Recording : mps::Progress {
        std::uint64_t bytes = 0, total_bytes = 0;
        void set_total(std::uint64_t, std::uint64_t b) override { total_bytes = b; }
        void advance(std::uint64_t, std::uint64_t b) override { bytes += b; }
    } progress;
    EchoServer server;
    mps::HttpRequest request;
    request.url = server.url("/bytes");
    request.progress = &progress;
    auto response = mps::http_request(request);
    REQUIRE(response.status == 200);
    CHECK(response.body.size() == 300000);
    CHECK(progress.bytes == 300000);
    CHECK(progress.total_bytes == 300000);

    Recording untouched;
    request.progress = nullptr;  // none given: nothing is reported anywhere
    CHECK(mps::http_request(request).body.size() == 300000);
    CHECK(untouched.bytes == 0);
}
