#pragma once
// The admin.* checks of `diagnose` (PRESTASHOP.md "Back office"). Read only: at most one login
// request, and only when the user supplied the credentials.
#include <optional>
#include <string>
#include <vector>

#include "diagnose/check_catalog.hpp"
#include "net/page_fetch.hpp"
#include "report/report.hpp"

namespace mps {

struct AdminCredentials {
    std::string email;
    std::string password;  // MPSUPPORT_ADMIN_PASSWORD; never printed, logged or stored
};

struct AdminProbe {
    std::string admin_url;
    std::optional<AdminCredentials> credentials;
    TlsOptions tls;
};

// check_admin: the selected admin.* checks; never throws for remote trouble.
std::vector<Check> check_admin(const AdminProbe& probe, const CheckSelection& selection,
                               const Deadline& deadline);

}  // namespace mps
