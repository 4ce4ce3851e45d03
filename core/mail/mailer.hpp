#pragma once
// The seam between reminders and the mail transport (SMTP in net/smtp.hpp; tests may fake it).
#include <string>

namespace mps {

enum class SendStatus {
    sent,         // the server accepted the message
    rejected,     // the server refused this message or recipient (5xx): other messages may go
    failed,       // a temporary refusal (4xx) or an error limited to this message
    unreachable,  // connection, TLS or timeout: no message can go now
    auth_failed,  // the server refused our credentials: no message can go now
};

struct SendResult {
    SendStatus status = SendStatus::sent;
    std::string detail;  // the server's answer or the error, one line, no secrets
};

class Mailer {
  public:
    virtual ~Mailer() = default;
    // send: deliver `message` (a rendered RFC 5322 message) from `from` to `to` (addresses).
    virtual SendResult send(const std::string& from, const std::string& to,
                            const std::string& message) = 0;
};

}  // namespace mps
