#pragma once
// The support bundle (SPEC.md "Bundle"): one .zip (the contact form accepts zip, not tar.gz)
// with the reports, log tails, diffs and the storefront HTML, plus manifest.json listing every
// member with its sha256. Written to a temporary file and renamed: never half a bundle.
#include <filesystem>
#include <string>
#include <vector>

namespace mps {

struct BundleMember {
    std::string name;  // path inside the zip, e.g. "logs/var/logs/20261127_exception.log"
    std::string content;
};

// bundle_path: where the bundle goes: `requested`, its file name prefixed with the order
// reference when one is known and the name does not start with it. Error(usage) unless it
// ends in .zip.
std::filesystem::path bundle_path(const std::filesystem::path& requested,
                                  const std::string& order_reference);

// is_secret_file: files that never enter a bundle, whatever asks (parameters.php,
// settings.inc.php, keys, .env...).
bool is_secret_file(const std::string& name);

// write_bundle: the zip at `path` with `members` then manifest.json. Error(usage) for an
// unwritable place, Error(internal) for a member name that is unsafe or secret.
void write_bundle(const std::filesystem::path& path, const std::vector<BundleMember>& members,
                  const std::string& created_at);

}  // namespace mps
