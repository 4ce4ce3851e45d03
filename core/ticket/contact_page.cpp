#include "ticket/contact_page.hpp"
#include "util/html.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace mps {
namespace {

struct Tag {
    std::string name;                               // lower case; "/form" for a closing tag
    std::map<std::string, std::string> attributes;  // names lower case, values decoded
    std::size_t begin = 0;                          // offset of '<'
    std::size_t end = 0;                            // offset after '>'
};

// next_tag: the next tag at or after `from` (comments, doctype and script/style bodies skipped).
std::optional<Tag> next_tag(std::string_view html, std::size_t from) {
    std::size_t i = from;
    while (true) {
        i = html.find('<', i);
        if (i == std::string_view::npos || i + 1 >= html.size()) return std::nullopt;
        if (html.compare(i, 4, "<!--") == 0) {
            std::size_t close = html.find("-->", i + 4);
            if (close == std::string_view::npos) return std::nullopt;
            i = close + 3;
            continue;
        }
        char c = html[i + 1];
        if (!(std::isalpha(static_cast<unsigned char>(c)) || c == '/')) {
            ++i;
            continue;
        }
        Tag tag;
        tag.begin = i;
        std::size_t p = i + 1;
        if (html[p] == '/') ++p;
        std::size_t name_end = p;
        while (name_end < html.size() &&
               (std::isalnum(static_cast<unsigned char>(html[name_end])) || html[name_end] == '-'))
            ++name_end;
        tag.name = (html[i + 1] == '/' ? "/" : "") + to_lower(html.substr(p, name_end - p));
        p = name_end;
        while (p < html.size() && html[p] != '>') {
            if (std::isspace(static_cast<unsigned char>(html[p])) || html[p] == '/') {
                ++p;
                continue;
            }
            std::size_t an = p;
            while (p < html.size() && !std::isspace(static_cast<unsigned char>(html[p])) &&
                   html[p] != '=' && html[p] != '>' && html[p] != '/')
                ++p;
            std::string name = to_lower(html.substr(an, p - an));
            while (p < html.size() && std::isspace(static_cast<unsigned char>(html[p]))) ++p;
            std::string value;
            if (p < html.size() && html[p] == '=') {
                ++p;
                while (p < html.size() && std::isspace(static_cast<unsigned char>(html[p]))) ++p;
                if (p < html.size() && (html[p] == '"' || html[p] == '\'')) {
                    char q = html[p++];
                    std::size_t close = html.find(q, p);
                    if (close == std::string_view::npos) close = html.size();
                    value = decode_entities(html.substr(p, close - p));
                    p = std::min(close + 1, html.size());
                } else {
                    std::size_t vs = p;
                    while (p < html.size() && !std::isspace(static_cast<unsigned char>(html[p])) &&
                           html[p] != '>')
                        ++p;
                    value = decode_entities(html.substr(vs, p - vs));
                }
            }
            if (!name.empty() && !tag.attributes.count(name)) tag.attributes[name] = value;
        }
        tag.end = std::min(p + 1, html.size());
        if (tag.name == "script" || tag.name == "style") {
            std::size_t close = to_lower(html.substr(tag.end)).find("</" + tag.name);
            if (close == std::string::npos) return std::nullopt;
            i = tag.end + close;
            continue;
        }
        return tag;
    }
}

std::string attr(const Tag& tag, const char* name) {
    auto it = tag.attributes.find(name);
    return it == tag.attributes.end() ? std::string() : it->second;
}

bool has_class(const Tag& tag, const char* cls) {
    std::string classes = " " + attr(tag, "class") + " ";
    for (char& c : classes)
        if (std::isspace(static_cast<unsigned char>(c))) c = ' ';
    return classes.find(std::string(" ") + cls + " ") != std::string::npos;
}

// text_until: the decoded text from `from` up to the next '<'.
std::string text_until_tag(std::string_view html, std::size_t from) {
    std::size_t close = html.find('<', from);
    if (close == std::string_view::npos) close = html.size();
    return html_text(html.substr(from, close - from));
}

// element_inner: the inner HTML of the element opened by `tag` (nested same-name tags counted).
std::string_view element_inner(std::string_view html, const Tag& tag) {
    int depth = 1;
    std::size_t from = tag.end;
    while (auto t = next_tag(html, from)) {
        if (t->name == tag.name) ++depth;
        if (t->name == "/" + tag.name && --depth == 0)
            return html.substr(tag.end, t->begin - tag.end);
        from = t->end;
    }
    return html.substr(tag.end);
}

ContactPage parse_form(std::string_view html, const Tag& form, std::size_t end) {
    ContactPage page;
    page.action = attr(form, "action");
    page.multipart = to_lower(attr(form, "enctype")) == "multipart/form-data";
    bool submit = false, message = false;
    std::string select;  // the select being read
    std::size_t from = form.end;
    while (auto t = next_tag(html, from)) {
        if (t->begin >= end) break;
        from = t->end;
        std::string name = attr(*t, "name");
        if (t->name == "input" || t->name == "button" || t->name == "textarea" ||
            t->name == "select") {
            if (name == "submitMessage") submit = true;
            if (name == "message" && t->name == "textarea") message = true;
            if (name == "token") page.token = attr(*t, "value");
            if (name == "contactKey") page.contact_key = attr(*t, "value");
            if (name == "fileUpload" && to_lower(attr(*t, "type")) == "file")
                page.file_upload = true;
            if (name == "url") page.honeypot = true;
            if (name == "psgdpr_consent_checkbox") page.gdpr_consent = true;
            if (name == "id_order" && t->name == "input") page.order_text = true;
            if (name == "MAX_FILE_SIZE") {
                std::string v = attr(*t, "value");
                if (!v.empty() && v.size() < 19 &&
                    v.find_first_not_of("0123456789") == std::string::npos)
                    page.max_file_size = std::stoull(v);
            }
        }
        if (t->name == "select") select = name;
        if (t->name == "/select") select.clear();
        if (t->name == "option") {
            std::string value = attr(*t, "value");
            std::string label = text_until_tag(html, t->end);
            if (select == "id_contact" && !value.empty() && value != "0")
                page.subjects.push_back({value, label});
            if (select == "id_order" && !value.empty())
                page.order_options.push_back({value, label});
        }
    }
    page.has_form = submit && message;
    return page;
}

}  // namespace

ContactPage parse_contact_page(std::string_view html) {
    std::size_t from = 0;
    ContactPage first;
    while (auto t = next_tag(html, from)) {
        from = t->end;
        if (t->name != "form") continue;
        std::size_t end = html.size();
        std::size_t scan = t->end;
        while (auto c = next_tag(html, scan)) {
            if (c->name == "/form") {
                end = c->begin;
                break;
            }
            scan = c->end;
        }
        ContactPage page = parse_form(html, *t, end);
        if (page.has_form) return page;
        from = std::max(from, end);
    }
    return first;
}

ContactAnswer parse_contact_answer(std::string_view html) {
    ContactAnswer success, warning, error;
    std::size_t from = 0;
    while (auto t = next_tag(html, from)) {
        from = t->end;
        if (t->name.empty() || t->name[0] == '/') continue;
        ContactAnswer* target = has_class(*t, "alert-danger")    ? &error
                                : has_class(*t, "alert-warning") ? &warning
                                : has_class(*t, "alert-success") ? &success
                                                                 : nullptr;
        if (!target) continue;
        std::string_view inner = element_inner(html, *t);
        std::vector<std::string> items;
        std::size_t pos = 0;
        while (auto li = next_tag(inner, pos)) {
            pos = li->end;
            if (li->name == "li") items.push_back(html_text(element_inner(inner, *li)));
        }
        if (items.empty()) items.push_back(html_text(inner));
        for (auto& item : items)
            if (!item.empty() && std::find(target->messages.begin(), target->messages.end(),
                                           item) == target->messages.end())
                target->messages.push_back(item);
        from = t->end + inner.size();
    }
    if (!error.messages.empty()) {
        error.kind = ContactAnswerKind::error;
        return error;
    }
    if (!success.messages.empty()) {
        success.kind = ContactAnswerKind::success;
        return success;
    }
    for (const auto& m : warning.messages)
        if (to_lower(m).find("already been sent") != std::string::npos) {
            warning.kind = ContactAnswerKind::already_sent;
            return warning;
        }
    return {};
}

bool is_token_error(const ContactAnswer& answer) {
    if (answer.kind != ContactAnswerKind::error) return false;
    for (const auto& m : answer.messages)
        if (m.rfind("An error occurred while sending the message", 0) == 0) return true;
    return false;
}

bool allowed_attachment(std::string_view filename) {
    std::string name = to_lower(filename);
    static const char* const extensions[] = {".txt", ".rtf",  ".doc", ".docx", ".pdf", ".zip",
                                             ".png", ".jpeg", ".gif", ".jpg",  ".webp"};
    for (const char* e : extensions) {
        std::string ext = e;
        if (name.size() > ext.size() &&
            name.compare(name.size() - ext.size(), ext.size(), ext) == 0)
            return true;
    }
    return false;
}

}  // namespace mps
