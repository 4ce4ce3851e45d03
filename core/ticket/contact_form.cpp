#include "ticket/contact_form.hpp"

#include <algorithm>
#include <cctype>

#include "mail/message.hpp"
#include "net/page_fetch.hpp"
#include "net/url.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "util/text.hpp"

namespace mps {
namespace {

constexpr int kMaxRedirects = 5;

std::string joined(const std::vector<std::string>& messages) {
    return join(messages, " ");
}

struct Exchange {
    const ContactFormSettings& settings;
    const HttpFunction& http;
    CookieJar jar;
    std::vector<std::string> secrets;

    HttpRequest request(const std::string& method, const std::string& url) {
        HttpRequest r;
        r.method = method;
        r.url = url;
        r.cookies = jar.header(url);
        r.timeout_seconds = settings.timeout_seconds;
        r.tls = settings.tls;
        r.secrets = secrets;
        r.max_body = 8u << 20;
        r.hint =
            "check [vendor] contact_url and your connection; or send by e-mail with --via email";
        return r;
    }

    // perform: the request, following redirects (GET) within the contact page's site.
    std::pair<HttpResponse, std::string> perform(HttpRequest r) {
        std::string url = r.url;
        for (int hop = 0;; ++hop) {
            HttpResponse response = http(r);
            jar.absorb(response, r.url);
            if (response.status < 300 || response.status >= 400 || response.redirect_url.empty())
                return {std::move(response), url};
            if (hop == kMaxRedirects)
                throw Error(ErrorKind::unreachable,
                            "contact page " + settings.url + ": more than 5 redirects",
                            "check [vendor] contact_url");
            if (!same_origin(response.redirect_url, settings.url))
                throw Error(
                    ErrorKind::unreachable,
                    "contact page " + settings.url +
                        " redirects to another site: " + response.redirect_url,
                    "set [vendor] contact_url to the page it redirects to, if you trust it");
            log::debug("contact form: redirected to {}", response.redirect_url);
            url = response.redirect_url;
            r = request("GET", url);
        }
    }

    std::pair<ContactPage, std::string> load_page() {
        auto [response, url] = perform(request("GET", settings.url));
        if (response.status != 200)
            throw Error(ErrorKind::unreachable,
                        "contact page " + settings.url + " answered HTTP " +
                            std::to_string(response.status),
                        "check [vendor] contact_url; or send by e-mail with --via email");
        ContactPage page = parse_contact_page(response.body);
        if (!page.has_form)
            throw Error(ErrorKind::unreachable, "no PrestaShop contact form at " + url,
                        "check [vendor] contact_url (the shop's contact page); or send by e-mail "
                        "with --via email");
        for (const auto* secret : {&page.token, &page.contact_key})
            if (!secret->empty()) secrets.push_back(*secret);
        return {std::move(page), url};
    }
};

}  // namespace

std::string choose_subject(const ContactPage& page, const std::string& wanted,
                           const std::string& url) {
    if (page.subjects.empty())
        throw Error(ErrorKind::unreachable, "the contact form at " + url + " offers no subject",
                    "send by e-mail with --via email");
    if (!wanted.empty()) {
        for (const auto& s : page.subjects)
            if (s.id == wanted || to_lower(s.label) == to_lower(wanted)) return s.id;
        std::string offered;
        for (const auto& s : page.subjects)
            offered += (offered.empty() ? "" : ", ") + s.id + " (" + s.label + ")";
        throw Error(ErrorKind::usage,
                    "the contact form at " + url + " has no subject '" + wanted + "'",
                    "give --contact-subject (or [vendor] contact_subject) one of: " + offered);
    }
    for (const char* word : {"support", "customer service", "technique", "sav"})
        for (const auto& s : page.subjects)
            if (to_lower(s.label).find(word) != std::string::npos) return s.id;
    return page.subjects.front().id;
}

namespace {

// check_attachment: Error(usage) when the form cannot take the ticket's attachment.
void check_attachment(const Ticket& t, const ContactPage& page, const std::string& page_url) {
    if (!t.attachment) return;
    if (!page.file_upload)
        throw Error(ErrorKind::usage, "the contact form at " + page_url + " takes no attachments",
                    "send by e-mail with --via email, or leave out --bundle");
    if (page.max_file_size && t.attachment->size > *page.max_file_size)
        throw Error(
            ErrorKind::usage,
            "--bundle " + t.attachment->filename + " is " + std::to_string(t.attachment->size) +
                " bytes; the contact form takes at most " + std::to_string(*page.max_file_size),
            "send by e-mail with --via email, or make a smaller bundle");
}

// form_post: the POST of the ticket through the form of `page` (same site only).
HttpRequest form_post(Exchange& x, const Ticket& t, const ContactPage& page,
                      const std::string& page_url, const std::string& subject) {
    HttpRequest post = x.request("POST", resolve_url(page_url, page.action));
    if (!same_origin(post.url, page_url))
        throw Error(ErrorKind::unreachable,
                    "the contact form at " + page_url + " posts to another site: " + post.url,
                    "check [vendor] contact_url");
    auto& f = post.form;
    f.push_back({"id_contact", subject});
    f.push_back({"from", t.customer_email});
    if (page.order_text) f.push_back({"id_order", t.order_reference});
    for (const auto& o : page.order_options)
        if (o.label == t.order_reference) f.push_back({"id_order", o.value});
    f.push_back({"message", ticket_body(t)});
    f.push_back({"url", ""});
    if (page.legacy())
        f.push_back({"contactKey", page.contact_key});
    else
        f.push_back({"token", page.token});
    if (page.gdpr_consent) f.push_back({"psgdpr_consent_checkbox", "1"});
    if (t.attachment)
        f.push_back({"fileUpload", "", t.attachment->path, t.attachment->filename,
                     content_type_for(t.attachment->filename)});
    f.push_back({"submitMessage", "Send"});
    post.multipart = page.multipart || t.attachment.has_value();
    return post;
}

}  // namespace

TicketOutcome send_ticket_form(const Ticket& t, const ContactFormSettings& settings,
                               const HttpFunction& http) {
    TicketOutcome out{"form", settings.url, "", "", "", std::nullopt, ""};
    if (auto why = http_url_problem(settings.url); !why.empty())
        throw Error(ErrorKind::usage,
                    "[vendor] contact_url '" + printable(settings.url) +
                        "' is not a usable address: " + why,
                    "set it to the shop's contact page, e.g. https://vendor.example/contact-us");
    Exchange x{settings, http, {}, {}};
    try {
        auto [page, page_url] = x.load_page();
        std::string subject = choose_subject(page, settings.subject, page_url);
        check_attachment(t, page, page_url);
        for (int attempt = 1;; ++attempt) {
            HttpRequest post = form_post(x, t, page, page_url, subject);
            log::info("contact form: posting to {} (attempt {})", post.url, attempt);
            auto [response, answer_url] = x.perform(std::move(post));
            if (response.status >= 500)
                throw Error(ErrorKind::unreachable,
                            "contact form " + answer_url + " answered HTTP " +
                                std::to_string(response.status),
                            "try again later, or send by e-mail with --via email");
            ContactAnswer answer = parse_contact_answer(response.body);
            switch (answer.kind) {
                case ContactAnswerKind::success:
                    out.outcome = "sent";
                    out.detail = joined(answer.messages);
                    return out;
                case ContactAnswerKind::already_sent:
                    out.outcome = "already-sent";
                    out.detail = joined(answer.messages);
                    return out;
                case ContactAnswerKind::error:
                    if (is_token_error(answer) && attempt == 1) {
                        log::info("contact form: the shop refused the token; reading a fresh one");
                        ContactPage fresh = parse_contact_page(response.body);
                        if (fresh.has_form &&
                            (!fresh.token.empty() || !fresh.contact_key.empty())) {
                            for (const auto* s : {&fresh.token, &fresh.contact_key})
                                if (!s->empty()) x.secrets.push_back(*s);
                            page = std::move(fresh);
                        } else {
                            std::tie(page, page_url) = x.load_page();
                        }
                        continue;
                    }
                    out.outcome = "rejected";
                    out.failure = ErrorKind::finding;
                    out.detail = joined(answer.messages);
                    out.hint = is_token_error(answer)
                                   ? "the shop refused the form twice; try again later, or send by "
                                     "e-mail with --via email"
                                   : "correct what the shop says and send again";
                    return out;
                case ContactAnswerKind::none:
                    throw Error(
                        ErrorKind::unreachable,
                        "contact form " + answer_url + " answered HTTP " +
                            std::to_string(response.status) + " without a success or error message",
                        "check the contact page in a browser, or send by e-mail with --via email");
            }
        }
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::unreachable) throw;
        out.outcome = "failed";
        out.failure = ErrorKind::unreachable;
        out.detail = e.what();
        out.hint = e.hint();
        return out;
    }
}

}  // namespace mps
