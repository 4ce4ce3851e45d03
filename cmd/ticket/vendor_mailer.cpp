#include "vendor_mailer.hpp"

#include "util/error.hpp"

namespace mpscli {

std::unique_ptr<mps::SmtpMailer> vendor_mailer(Context& ctx, const std::string& purpose,
                                               const std::string& alternative) {
    const auto& vendor = ctx.config().vendor;
    if (vendor.smtp_url.empty())
        throw mps::Error(mps::ErrorKind::usage, "no SMTP server configured for " + purpose,
                         "set [vendor] smtp_url (and smtp_user, with MPSUPPORT_SMTP_PASSWORD) in " +
                             ctx.paths().config_file.string() + ", or " + alternative);
    std::optional<std::string> password;
    if (!vendor.smtp_user.empty()) password = ctx.secret(mps::SecretKind::smtp_password);
    if (!vendor.smtp_user.empty() && !password)
        throw mps::Error(mps::ErrorKind::usage,
                         "vendor.smtp_user is set but there is no SMTP password",
                         "export MPSUPPORT_SMTP_PASSWORD, or set [vendor] smtp_password_command "
                         "(a command printing it) or smtp_password_file");
    return std::make_unique<mps::SmtpMailer>(mps::SmtpSettings{
        vendor.smtp_url, vendor.smtp_user, password.value_or(""), ctx.globals.timeout, ctx.tls()});
}

}  // namespace mpscli
