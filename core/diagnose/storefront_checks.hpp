#pragma once
// The storefront.* checks of `diagnose` (PRESTASHOP.md "Storefront").
#include <ctime>
#include <string>
#include <vector>

#include "diagnose/check_catalog.hpp"
#include "net/page_fetch.hpp"
#include "report/report.hpp"

namespace mps {

struct StorefrontProbe {
    std::string url;
    std::vector<std::string> modules;
    TlsOptions tls;
    std::time_t now = 0;  // for certificate expiry
};

struct StorefrontFindings {
    std::vector<Check> checks;
    std::string html;  // the home page, for the bundle (masked there)
    std::string final_url;
    std::string version;  // when confirmed
};

// check_storefront: the selected storefront.* checks; never throws for remote trouble.
StorefrontFindings check_storefront(const StorefrontProbe& probe, const CheckSelection& selection,
                                    const Deadline& deadline);

// certificate_check: storefront.tls for a fetched page.
Check certificate_check(const FetchedPage& page, const TlsOptions& tls, std::time_t now);

}  // namespace mps
