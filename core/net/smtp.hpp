#pragma once
// SMTP through libcurl (kept out of this header): smtps:// (TLS from the start) or smtp://
// with STARTTLS required (only optional on a loopback host, for local relays and tests).
#include <memory>
#include <string>

#include "mail/mailer.hpp"
#include "net/tls_options.hpp"

namespace mps {

struct SmtpSettings {
    std::string url;       // smtp://host[:port] or smtps://host[:port]
    std::string user;      // empty: no AUTH
    std::string password;  // from MPSUPPORT_SMTP_PASSWORD; never logged
    long timeout_seconds = 60;
    TlsOptions tls;
};

class SmtpMailer : public Mailer {
  public:
    // SmtpMailer: validates the URL (Error(usage) naming vendor.smtp_url); connects lazily and
    // reuses one connection for every message.
    explicit SmtpMailer(SmtpSettings settings);
    ~SmtpMailer() override;
    SendResult send(const std::string& from, const std::string& to,
                    const std::string& message) override;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mps
