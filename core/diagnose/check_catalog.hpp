#pragma once
// Every check `diagnose` knows (SPEC.md "Diagnose checks"): its stable id, its group for
// --only, what it needs to run, and the check it depends on.
#include <optional>
#include <string>
#include <vector>

namespace mps {

enum class CheckNeed { url, admin_url, sftp, admin_password };

struct CheckInfo {
    std::string id;     // e.g. "storefront.tls"
    std::string group;  // storefront, admin, files, logs, core
    std::vector<CheckNeed> needs;
    std::string depends_on;  // a check that must pass (or warn) first; empty: none
    std::string summary;     // one line for --list-checks
};

// check_catalog: every check, in the order reports list them.
const std::vector<CheckInfo>& check_catalog();

// find_check: the catalog entry of `id`, or nothing.
const CheckInfo* find_check(const std::string& id);

// need_name: "url", "admin URL", "sftp", "admin password" (for messages).
const char* need_name(CheckNeed need);

// CheckSelection: which checks run (--only): group names and/or check ids.
class CheckSelection {
  public:
    CheckSelection() = default;  // everything
    // parse: comma-separated groups or ids; Error(usage) naming an unknown one.
    static CheckSelection parse(const std::vector<std::string>& items);

    bool selected(const std::string& id) const;
    // any_in: is any check of `group` selected?
    bool any_in(const std::string& group) const;
    bool everything() const { return ids_.empty(); }

  private:
    std::vector<std::string> ids_;  // empty: everything
};

}  // namespace mps
