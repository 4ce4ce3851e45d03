#pragma once
// PrestaShop's contact page (PRESTASHOP.md "Contact form"), read without a browser: the form
// of the `contactform` module (1.7, 8, 9: hidden `token`) or of 1.6 (hidden `contactKey`),
// and the alerts the shop shows after a POST.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mps {

struct ContactSubject {
    std::string id;     // the <option value>
    std::string label;  // its text, entities decoded
};

struct ContactOrderOption {
    std::string value;  // id_order to send
    std::string label;  // the order reference shown
};

struct ContactPage {
    bool has_form = false;    // a form holding `submitMessage` and `message` was found
    std::string action;       // the form's action attribute (may be relative; empty: the page)
    bool multipart = false;   // enctype="multipart/form-data"
    std::string token;        // 1.7+: hidden `token`
    std::string contact_key;  // 1.6: hidden `contactKey`
    std::vector<ContactSubject> subjects;         // `id_contact` options with a non-zero value
    bool file_upload = false;                     // an input named `fileUpload`
    std::optional<std::uintmax_t> max_file_size;  // hidden MAX_FILE_SIZE (1.6)
    bool order_text = false;  // `id_order` is a text input (1.6, guest): takes the reference
    std::vector<ContactOrderOption> order_options;  // `id_order` is a select (logged-in customer)
    bool gdpr_consent = false;                      // a `psgdpr_consent_checkbox` input
    bool honeypot = false;                          // an input named `url`

    // legacy: a 1.6 form (contactKey) rather than 1.7+ (token).
    bool legacy() const { return !contact_key.empty() && token.empty(); }
};

enum class ContactAnswerKind { none, success, already_sent, error };

struct ContactAnswer {
    ContactAnswerKind kind = ContactAnswerKind::none;
    std::vector<std::string> messages;  // the alert's items, as the shop wrote them (decoded)
};

// parse_contact_page: what `html` says about the contact form (has_form false when absent).
ContactPage parse_contact_page(std::string_view html);

// parse_contact_answer: the success, "already sent" or error alert of a page answering a POST.
// An error alert wins over a success alert; 1.6's "There is 1 error" heading is left out.
ContactAnswer parse_contact_answer(std::string_view html);

// is_token_error: the shop's answer to a stale, reused or missing token (1.7+: "An error
// occurred while sending the message, please try again."; 1.6: "...sending the message.").
bool is_token_error(const ContactAnswer& answer);

// allowed_attachment: the file name has an extension the contact form accepts (.txt .rtf .doc
// .docx .pdf .zip .png .jpeg .gif .jpg .webp; case-insensitive).
bool allowed_attachment(std::string_view filename);

}  // namespace mps
