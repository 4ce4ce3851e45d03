#include "diagnose/masker.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "net/http.hpp"

namespace mps {
namespace {

bool email_local_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '%' ||
           c == '+' || c == '-';
}
bool email_domain_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
}

bool value_char(char c) {
    return !std::isspace(static_cast<unsigned char>(c)) && c != '&' && c != '"' && c != '\'' &&
           c != '<' && c != '>' && c != ';' && c != ',' && c != '\\' && c != '}' && c != ')';
}

bool starts_with_nocase(std::string_view text, std::size_t pos, std::string_view prefix) {
    if (pos + prefix.size() > text.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(text[pos + i])) !=
            std::tolower(static_cast<unsigned char>(prefix[i])))
            return false;
    return true;
}

// Names whose values are secrets wherever they appear: query strings, forms, JSON, JS, logs.
const std::vector<std::string>& secret_names() {
    static const std::vector<std::string> names = {
        "static_token", "token",         "_token",         "ws_key",        "passwd",
        "password",     "contactkey",    "secret",         "api_key",       "apikey",
        "access_token", "refresh_token", "phpsessid",      "cookie_key",    "cookie_iv",
        "_cookie_key_", "_cookie_iv_",   "_rijndael_key_", "_rijndael_iv_", "database_password",
        "secure_key",   "securekey"};
    return names;
}

}  // namespace

void Masker::add_secret(const std::string& value) {
    if (value.empty() || secrets_.count(value)) return;
    secrets_[value] = "[secret-" + std::to_string(++counters_["secret"]) + "]";
}

std::string Masker::mask_for(const std::string& kind, const std::string& value) {
    auto key = kind + '\n' + value;
    auto it = masks_.find(key);
    if (it != masks_.end()) return it->second;
    int n = ++counters_[kind];
    std::string mask = kind == "email" ? "email-" + std::to_string(n) + "@masked.invalid"
                                       : "[" + kind + "-" + std::to_string(n) + "]";
    masks_[key] = mask;
    return mask;
}

std::string Masker::mask_secrets(std::string text) {
    if (secrets_.empty()) return text;
    // One pass, longest first at each place, so a secret containing another is masked whole
    // and a short secret never matches inside a mask already written.
    std::vector<std::pair<std::string, std::string>> ordered(secrets_.begin(), secrets_.end());
    std::sort(ordered.begin(), ordered.end(),
              [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const std::pair<std::string, std::string>* hit = nullptr;
        for (const auto& secret : ordered)
            if (text.compare(i, secret.first.size(), secret.first) == 0) {
                hit = &secret;
                break;
            }
        if (hit) {
            out += hit->second;
            i += hit->first.size();
        } else {
            out += text[i++];
        }
    }
    return out;
}

std::string Masker::mask_emails(const std::string& text) {
    std::string out;
    std::size_t copied = 0;
    for (std::size_t at = text.find('@'); at != std::string::npos; at = text.find('@', at + 1)) {
        if (at < copied) continue;
        std::size_t start = at;
        while (start > copied && email_local_char(text[start - 1])) --start;
        std::size_t end = at + 1;
        while (end < text.size() && email_domain_char(text[end])) ++end;
        while (end > at + 1 && (text[end - 1] == '.' || text[end - 1] == '-')) --end;
        std::string domain = text.substr(at + 1, end - at - 1);
        auto dot = domain.rfind('.');
        bool valid =
            start < at && dot != std::string::npos && dot > 0 && domain.size() - dot - 1 >= 2 &&
            std::all_of(domain.begin() + static_cast<long>(dot) + 1, domain.end(),
                        [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
        if (!valid) continue;
        std::string address = text.substr(start, end - start);
        if (address.find("@masked.invalid") != std::string::npos) continue;
        out.append(text, copied, start - copied);
        out += mask_for("email", address);
        copied = end;
        at = end - 1;
    }
    out.append(text, copied, std::string::npos);
    return out;
}

std::string Masker::mask_header_values(const std::string& text) {
    static const std::pair<const char*, const char*> headers[] = {
        {"set-cookie:", "cookie"},
        {"cookie:", "cookie"},
        {"authorization:", "authorization"},
        {"proxy-authorization:", "authorization"}};
    std::string out;
    std::size_t line_start = 0;
    while (line_start < text.size()) {
        std::size_t line_end = text.find('\n', line_start);
        if (line_end == std::string::npos) line_end = text.size();
        std::size_t pos = line_start;
        std::string replaced;
        // A header may start the line or follow a quote/space (logged request dumps).
        for (std::size_t i = line_start; i < line_end && replaced.empty(); ++i) {
            if (i != line_start && !std::isspace(static_cast<unsigned char>(text[i - 1])) &&
                text[i - 1] != '"' && text[i - 1] != '\'')
                continue;
            for (const auto& [name, kind] : headers) {
                if (!starts_with_nocase(text, i, name)) continue;
                std::size_t value_start = i + std::string_view(name).size();
                while (value_start < line_end && text[value_start] == ' ') ++value_start;
                std::size_t value_end = value_start;
                while (value_end < line_end && text[value_end] != '\r' && text[value_end] != '"' &&
                       text[value_end] != '\'')
                    ++value_end;
                if (value_end == value_start) break;
                replaced = text.substr(line_start, value_start - line_start) +
                           mask_for(kind, text.substr(value_start, value_end - value_start));
                pos = value_end;
                break;
            }
        }
        if (replaced.empty())
            out.append(text, line_start, line_end - line_start);
        else
            out += replaced + text.substr(pos, line_end - pos);
        if (line_end < text.size()) out += '\n';
        line_start = line_end + 1;
    }
    return out;
}

std::string Masker::mask_named_values(const std::string& text) {
    std::string out;
    std::size_t copied = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        bool boundary = i == 0 || !(std::isalnum(static_cast<unsigned char>(text[i - 1])) ||
                                    text[i - 1] == '_');
        const std::string* matched = nullptr;
        if (boundary)
            for (const auto& name : secret_names())
                if (starts_with_nocase(text, i, name) &&
                    !(i + name.size() < text.size() &&
                      (std::isalnum(static_cast<unsigned char>(text[i + name.size()])) ||
                       text[i + name.size()] == '_'))) {
                    if (!matched || name.size() > matched->size()) matched = &name;
                }
        bool cookie = !matched && boundary && text.compare(i, 11, "PrestaShop-") == 0;
        if (!matched && !cookie) {
            ++i;
            continue;
        }
        std::size_t j = i + (matched ? matched->size() : 11);
        if (cookie)
            while (j < text.size() && std::isxdigit(static_cast<unsigned char>(text[j]))) ++j;
        // name="token" value="..." (a hidden form field)
        std::size_t k = j;
        if (k < text.size() && (text[k] == '"' || text[k] == '\'')) ++k;
        std::size_t value_start = std::string::npos;
        if (text.compare(k, 8, " value=\"") == 0)
            value_start = k + 8;
        else {
            while (k < text.size() &&
                   (text[k] == ' ' || text[k] == '"' || text[k] == '\'' || text[k] == ']'))
                ++k;
            if (k < text.size() && (text[k] == '=' || text[k] == ':')) {
                ++k;
                while (k < text.size() && (text[k] == ' ' || text[k] == '"' || text[k] == '\''))
                    ++k;
                value_start = k;
            }
        }
        if (value_start == std::string::npos) {
            i = j;
            continue;
        }
        std::size_t value_end = value_start;
        while (value_end < text.size() && value_char(text[value_end])) ++value_end;
        if (value_end - value_start < 3 || text.compare(value_start, 1, "[") == 0) {
            i = value_end > j ? value_end : j;
            continue;
        }
        out.append(text, copied, value_start - copied);
        out += mask_for(cookie ? "cookie" : "token",
                        text.substr(value_start, value_end - value_start));
        copied = value_end;
        i = value_end;
    }
    out.append(text, copied, std::string::npos);
    return out;
}

std::string Masker::mask(std::string_view text) {
    std::string out = mask_secrets(std::string(text));
    out = mask_header_values(out);
    out = mask_named_values(out);
    return mask_emails(out);
}

}  // namespace mps

namespace mps {

nlohmann::json Masker::mask_json(const nlohmann::json& value) {
    if (value.is_string()) return mask(value.get_ref<const std::string&>());
    if (value.is_array()) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& item : value) out.push_back(mask_json(item));
        return out;
    }
    if (value.is_object()) {
        nlohmann::json out = nlohmann::json::object();
        for (auto it = value.begin(); it != value.end(); ++it)
            out[mask(it.key())] = mask_json(it.value());
        return out;
    }
    return value;
}

namespace {

std::string redact_all(std::string text, const std::vector<std::string>& secrets) {
    for (const auto& secret : secrets) text = redact(std::move(text), secret);
    return text;
}

}  // namespace

nlohmann::json redact_json(const nlohmann::json& value, const std::vector<std::string>& secrets) {
    if (value.is_string()) return redact_all(value.get<std::string>(), secrets);
    if (value.is_array()) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& item : value) out.push_back(redact_json(item, secrets));
        return out;
    }
    if (value.is_object()) {
        nlohmann::json out = nlohmann::json::object();
        for (auto it = value.begin(); it != value.end(); ++it)
            out[redact_all(it.key(), secrets)] = redact_json(it.value(), secrets);
        return out;
    }
    return value;
}

void redact_check(Check& check, const std::vector<std::string>& secrets) {
    check.message = redact_all(std::move(check.message), secrets);
    check.hint = redact_all(std::move(check.hint), secrets);
    check.data = redact_json(check.data, secrets);
}

std::vector<std::string> environment_secrets(const Environment& env) {
    std::vector<std::string> secrets;
    for (const char* name : {"MPSUPPORT_ADMIN_PASSWORD", "MPSUPPORT_SFTP_PASSWORD",
                             "MPSUPPORT_WEBSERVICE_KEY", "MPSUPPORT_SMTP_PASSWORD"})
        if (auto secret = env.get(name)) secrets.push_back(*secret);
    return secrets;
}

}  // namespace mps
