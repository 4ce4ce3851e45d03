#pragma once
// Masking what a support bundle must not reveal (SPEC.md "Bundle"): the secrets the user gave,
// e-mail addresses, tokens, cookies and Authorization values found in logs and HTML. The same
// value always gets the same mask, so a reader can still follow it across files.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/report.hpp"
#include "util/environment.hpp"

namespace mps {

class Masker {
  public:
    // add_secret: a value that must never appear (password, webservice key...), whatever its
    // length (an empty value is ignored).
    void add_secret(const std::string& value);
    // mask: `text` with every secret, e-mail address, token, cookie and Authorization value
    // replaced.
    std::string mask(std::string_view text);
    // mask_json: every string of `value` (object keys too) masked, before it is serialised:
    // a secret holding `"` or `\` is found in the value, not in its escaped JSON form.
    nlohmann::json mask_json(const nlohmann::json& value);

  private:
    std::string mask_for(const std::string& kind, const std::string& value);
    std::string mask_secrets(std::string text);
    std::string mask_emails(const std::string& text);
    std::string mask_header_values(const std::string& text);
    std::string mask_named_values(const std::string& text);

    std::map<std::string, std::string> secrets_;  // value -> mask
    std::map<std::string, std::string> masks_;    // kind + value -> mask
    std::map<std::string, int> counters_;         // kind -> last number
};

// environment_secrets: the values of the environment's secrets (MPSUPPORT_ADMIN_PASSWORD,
// MPSUPPORT_SFTP_PASSWORD, MPSUPPORT_WEBSERVICE_KEY, MPSUPPORT_SMTP_PASSWORD) that are set: what
// a report or bundle must never show, whoever echoed them.
std::vector<std::string> environment_secrets(const Environment& env);

// redact_json: `value` with every occurrence of each secret, in strings and object keys,
// replaced by "***" (net/http's redact), whatever echoed it.
nlohmann::json redact_json(const nlohmann::json& value, const std::vector<std::string>& secrets);
// redact_check: the same for a check's message, hint and data.
void redact_check(Check& check, const std::vector<std::string>& secrets);

}  // namespace mps
