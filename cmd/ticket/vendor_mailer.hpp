#pragma once
// The vendor's SMTP relay ([vendor] smtp_url, smtp_user, MPSUPPORT_SMTP_PASSWORD), set up the
// same way for every command that sends mail (remind, ticket --via email).
#include <memory>
#include <string>

#include "context.hpp"
#include "net/smtp.hpp"

namespace mpscli {

// vendor_mailer: the mailer; Error(usage) when no relay is configured ("no SMTP server
// configured for <purpose>", with `alternative` as the way out) or its password is missing.
std::unique_ptr<mps::SmtpMailer> vendor_mailer(Context& ctx, const std::string& purpose,
                                               const std::string& alternative);

}  // namespace mpscli
