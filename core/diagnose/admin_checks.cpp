#include "diagnose/admin_checks.hpp"

#include <chrono>

#include <fmt/format.h>

#include "diagnose/masker.hpp"
#include "diagnose/page_markers.hpp"
#include "net/url.hpp"
#include "report/check_ids.hpp"
#include "util/html.hpp"
#include "util/json_limits.hpp"
#include "util/text.hpp"

namespace mps {
namespace {

// folder_url: the admin folder of a back-office URL ("https://shop/admin123/"), whatever page
// of it the redirects ended on.
std::string folder_url(const std::string& url) {
    std::string base = url.substr(0, url.find_first_of("?#"));
    auto php = base.find("/index.php");
    if (php != std::string::npos) return base.substr(0, php + 1);
    return base.substr(0, base.rfind('/') + 1);
}

std::string folder_name(const std::string& url) {
    std::string folder = folder_url(url);
    if (!folder.empty() && folder.back() == '/') folder.pop_back();
    return folder.substr(folder.rfind('/') + 1);
}

Check refused(const std::string& message, const std::string& hint) {
    Check check{check_id::admin_credentials, Status::fail, message, hint};
    check.outcome = ErrorKind::auth;
    return check;
}

Check odd_answer(const std::string& message) {
    Check check{check_id::admin_credentials, Status::fail, message,
                "log in with a browser to see what the back office says"};
    check.outcome = ErrorKind::unreachable;
    return check;
}

// other_origin: the password would go to `target`, which is not the origin of --admin: it is
// not sent (a redirect to another host, https to http, a form posting elsewhere).
std::optional<Check> other_origin(const std::string& admin_url, const std::string& target) {
    if (same_origin(admin_url, target)) return std::nullopt;
    std::string where = url_origin(target).empty() ? printable(target) : url_origin(target);
    Check check{check_id::admin_credentials, Status::fail,
                "password not sent: the login would go to " + where +
                    ", not to the origin of --admin (" + url_origin(admin_url) + ")",
                "the password is only sent to the scheme, host and port of --admin; if you trust " +
                    where + ", give its back-office URL as --admin"};
    check.outcome = ErrorKind::auth;
    check.data = {{"sent", false}, {"target_origin", where}};
    return check;
}

// ajax_login: 1.6-8, the AJAX request of the login page's login.js.
Check ajax_login(const FetchedPage& page, const LoginPageFacts& facts, const AdminProbe& probe,
                 const Deadline& deadline) {
    const AdminCredentials& credentials = *probe.credentials;
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
    std::string folder = folder_url(page.chain.back().url);
    bool legacy = facts.version.rfind("1.6", 0) == 0;
    std::vector<std::string> targets = {legacy ? "ajax-tab.php"
                                               : "index.php?rand=" + std::to_string(ms)};
    if (facts.version.empty()) targets.push_back("ajax-tab.php");
    for (const auto& target : targets) {
        HttpRequest request;
        request.method = "POST";
        request.url = folder + target;
        if (auto refused = other_origin(probe.admin_url, request.url)) return *refused;
        if (deadline.passed()) return odd_answer(deadline.expired(request.url).message);
        request.cookies = page.cookies.header(request.url);
        request.tls = probe.tls;
        request.timeout_ms = deadline.remaining_ms();
        request.secrets = {credentials.password};
        request.headers = {{"X-Requested-With", "XMLHttpRequest"}};
        request.form = {{"ajax", "1"},
                        {"token", ""},
                        {"controller", "AdminLogin"},
                        {"submitLogin", "1"},
                        {"email", credentials.email},
                        {"passwd", credentials.password},
                        {"stay_logged_in", "0"}};
        HttpOutcome outcome = try_http_request(request);
        if (!outcome.response) return odd_answer(outcome.failure.message);
        auto answer = parse_remote_json(outcome.response->body).value;  // null when too deep
        if (answer.is_discarded() || !answer.is_object() || !answer.contains("hasErrors")) continue;
        bool errors = answer["hasErrors"].is_boolean() ? answer["hasErrors"].get<bool>()
                                                       : answer["hasErrors"] != 0;
        if (!errors)
            return Check{check_id::admin_credentials, Status::pass,
                         credentials.email + " can log in (nothing was changed)"};
        std::string why;
        if (answer.contains("errors") && answer["errors"].is_array() && !answer["errors"].empty() &&
            answer["errors"][0].is_string())
            why = answer["errors"][0].get<std::string>();
        return refused("the back office refused " + credentials.email +
                           (why.empty() ? "" : ": " + html_text(why)),
                       "check --admin-email and MPSUPPORT_ADMIN_PASSWORD (an employee account that "
                       "support may use)");
    }
    return odd_answer(
        "the back office did not answer the login request as PrestaShop does (no JSON hasErrors)");
}

// form_login: 9.0, the Symfony login form posted like a browser; success is a redirect away
// from the login route.
Check form_login(const FetchedPage& page, const LoginPageFacts& facts, const AdminProbe& probe,
                 const Deadline& deadline) {
    const AdminCredentials& credentials = *probe.credentials;
    std::string action = facts.form_action.empty()
                             ? page.chain.back().url
                             : resolve_url(page.chain.back().url, facts.form_action);
    if (auto refused = other_origin(probe.admin_url, action)) return *refused;
    if (deadline.passed()) return odd_answer(deadline.expired(action).message);
    HttpRequest request;
    request.method = "POST";
    request.url = action;
    request.cookies = page.cookies.header(action);
    request.tls = probe.tls;
    request.timeout_ms = deadline.remaining_ms();
    request.secrets = {credentials.password};
    for (const auto& [name, value] : facts.hidden_fields) request.form.push_back({name, value});
    request.form.push_back({facts.email_field, credentials.email});
    request.form.push_back({facts.password_field, credentials.password});
    if (!facts.submit_field.empty()) request.form.push_back({facts.submit_field, ""});
    HttpOutcome outcome = try_http_request(request);
    if (!outcome.response) return odd_answer(outcome.failure.message);
    const HttpResponse& r = *outcome.response;
    std::string location = r.header("location");
    if (r.status >= 300 && r.status < 400 && !location.empty()) {
        if (to_lower(location).find("login") == std::string::npos)
            return Check{check_id::admin_credentials, Status::pass,
                         credentials.email + " can log in (nothing was changed)"};
        return refused(
            "the back office refused " + credentials.email + " (sent back to the login page)",
            "check --admin-email and MPSUPPORT_ADMIN_PASSWORD (an employee account that support "
            "may use)");
    }
    LoginPageFacts again = read_login_page(r.status, r);
    if (again.login_page)
        return refused(
            "the back office refused " + credentials.email + " (the login page came back)",
            "check --admin-email and MPSUPPORT_ADMIN_PASSWORD");
    return odd_answer("the back office answered the login with HTTP " + std::to_string(r.status));
}

}  // namespace

std::vector<Check> check_admin(const AdminProbe& probe, const CheckSelection& selection,
                               const Deadline& deadline) {
    std::vector<Check> checks;
    PageFetchOptions options;
    options.tls = probe.tls;
    HttpFailure failure;
    auto page = fetch_page(probe.admin_url, options, deadline, failure);
    if (!page) {
        Check check{check_id::admin_reach, Status::fail, failure.message,
                    "check --admin and that the shop is online"};
        check.outcome = ErrorKind::unreachable;
        checks.push_back(check);
        return checks;
    }
    const HttpResponse& r = page->response;
    LoginPageFacts facts = read_login_page(r.status, r);
    auto want = [&](const char* id) { return selection.selected(id); };
    if (want(check_id::admin_reach)) {
        Check check{check_id::admin_reach, Status::pass,
                    fmt::format("HTTP {} in {:.2f} s", r.status, page->seconds)};
        if (page->chain.size() > 1)
            check.message += " after " + std::to_string(page->chain.size() - 1) + " redirect(s)";
        check.data = {{"status", r.status}, {"url", page->chain.back().url}};
        if (r.status >= 500) {
            check.status = Status::fail;
            check.outcome = ErrorKind::unreachable;
            check.hint = "the back office fails: see the shop's logs";
        }
        checks.push_back(check);
    }
    if (want(check_id::admin_login_page)) {
        Check check{check_id::admin_login_page};
        check.data = {{"evidence", facts.evidence}, {"flavour", facts.flavour}};
        if (facts.login_page) {
            check.message = "PrestaShop back-office login page (" + facts.flavour + ")";
        } else {
            check.status = Status::fail;
            check.message =
                facts.not_found_page
                    ? probe.admin_url + " shows the shop's \"page not found\", not the back office"
                    : probe.admin_url + " is not a PrestaShop login page";
            check.hint =
                "check --admin: PrestaShop renames the admin folder at install (admin + digits + "
                "letters)";
        }
        checks.push_back(check);
    }
    if (facts.login_page && want(check_id::admin_version)) {
        Check check{check_id::admin_version, Status::info};
        std::string version = facts.version;
        std::string source = facts.version_source;
        if (version.empty())
            if (auto cookie = version_from_cookies(
                    page->cookie_names, host_of(page->chain.back().url), PsFamily::unknown)) {
                version = *cookie;
                source = "back-office cookie name";
            }
        if (version.empty()) {
            check.message = "the login page does not show the PrestaShop version";
        } else {
            check.message = "PrestaShop " + version + " (" + source + ")";
            check.data = {{"version", version}, {"source", source}};
            if (facts.version.empty()) facts.version = version;
        }
        checks.push_back(check);
    }
    if (want(check_id::admin_security)) {
        std::vector<std::string> problems, fixes;
        std::string url = page->chain.back().url;
        bool default_name = folder_name(url) == "admin";
        if (default_name) problems.push_back("the admin folder is still called \"admin\"");
        if (facts.admin_folder_warning && !default_name)
            problems.push_back("the login page asks to rename the admin folder");
        if (default_name || facts.admin_folder_warning) fixes.push_back("rename the admin folder");
        if (facts.install_warning) {
            problems.push_back("the login page says the /install folder still exists");
            fixes.push_back("delete the /install folder");
        }
        if (url.rfind("http://", 0) == 0) {
            problems.push_back(
                "the back office is served over plain HTTP (passwords travel in clear)");
            fixes.push_back("serve the back office over HTTPS");
        }
        if (page->tls_failure) {
            problems.push_back("its certificate is not trusted: " + page->tls_failure->message);
            fixes.push_back("fix the certificate");
        }
        Check check{check_id::admin_security, problems.empty() ? Status::pass : Status::warn};
        check.message = problems.empty() ? "admin folder renamed, no install folder warning, HTTPS"
                                         : join(problems, "; ");
        if (!fixes.empty()) check.hint = join(fixes, ", ");
        check.data = {{"problems", problems}};
        checks.push_back(check);
    }
    if (facts.login_page && probe.credentials && want(check_id::admin_credentials)) {
        if (page->tls_failure) {
            // Never hand a password to a server whose certificate did not verify.
            checks.push_back(
                Check{check_id::admin_credentials, Status::skip,
                      "password not sent: the back office's certificate is not trusted",
                      "fix the certificate, or trust its CA with MPSUPPORT_CA_BUNDLE"});
        } else {
            checks.push_back(facts.flavour.rfind("9.0", 0) == 0
                                 ? form_login(*page, facts, probe, deadline)
                                 : ajax_login(*page, facts, probe, deadline));
        }
    }
    if (probe.credentials && !probe.credentials->password.empty()) {
        // A back office may echo what it was sent (an error quoting the password): whatever
        // came from it, the password never reaches the report.
        const std::string& password = probe.credentials->password;
        std::vector<std::string> secrets = {password};
        if (url_encode(password) != password) secrets.push_back(url_encode(password));
        for (auto& check : checks) redact_check(check, secrets);
    }
    return checks;
}

}  // namespace mps
