#pragma once
// The local store of pristine module releases ($XDG_DATA_HOME/mpsupport/pristine/):
//   objects/ab/abcdef...          file contents, content-addressed by SHA-256
//   manifests/<module>/<version>.json
//   tmp/                          staging for releases being added
//   core/<version>.json           PrestaShop core checksum lists (integrity/core_checksums.hpp)
//   archives/ab/<sha256>.zip      signed archives fetched from the vendor, with their .sig
// A release becomes visible only when its manifest is renamed into place, after all its
// objects are stored, so an interrupted add leaves nothing a reader can see.
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "integrity/manifest.hpp"

namespace mps {

struct AddOptions {
    std::string module;    // --module: overrides detection
    std::string version;   // --version: overrides detection
    bool replace = false;  // --replace: a different release of the same version may replace it
    std::chrono::system_clock::time_point now;
    // Set by pristine fetch: the release must be this module and version (else Error(auth):
    // a signed archive of another release served in its place), and where it came from.
    std::string expect_module;
    std::string expect_version;
    std::string source_label;  // recorded as the manifest's source instead of the file name
    // Asked when a different release of the same version is stored and `replace` is false;
    // returns true to replace it (an interactive prompt). Unset: refuse.
    std::function<bool(const Manifest& stored, const Manifest& incoming)> confirm_replace;
};

enum class AddOutcome { added, already_present, replaced };

struct AddResult {
    AddOutcome outcome;
    Manifest manifest;
    std::size_t new_objects = 0;  // contents that were not in the store yet
};

class PristineStore {
  public:
    // PristineStore: a store rooted at `root` (created on first write).
    explicit PristineStore(std::filesystem::path root) : root_(std::move(root)) {}

    // add: store the release in `source` (a .zip file or a module folder).
    AddResult add(const std::filesystem::path& source, const AddOptions& options);

    // load: the manifest of `module` `version`, or nothing when not stored.
    std::optional<Manifest> load(const std::string& module, const std::string& version) const;

    // has: is a manifest stored for `module` `version`? (no parsing)
    bool has(const std::string& module, const std::string& version) const;

    // list: every stored manifest, sorted by module then version.
    std::vector<Manifest> list() const;

    // versions: the stored versions of `module`.
    std::vector<std::string> versions(const std::string& module) const;

    // object_path: where the content with digest `sha256` lives.
    std::filesystem::path object_path(const std::string& sha256) const;

    // read_object: the content with digest `sha256`; Error(usage) if missing or damaged.
    std::string read_object(const std::string& sha256) const;

    const std::filesystem::path& root() const { return root_; }
    // core_lists_dir: where imported PrestaShop core checksum lists live (core/<version>.json).
    std::filesystem::path core_lists_dir() const { return root_ / "core"; }

  private:
    std::filesystem::path manifest_path(const std::string& module,
                                        const std::string& version) const;
    std::filesystem::path root_;
};

}  // namespace mps
