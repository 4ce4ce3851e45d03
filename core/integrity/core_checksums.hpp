#pragma once
// PrestaShop's own checksum lists of its core files (PRESTASHOP.md "Core checksum lists"):
//   <checksum_list><ps_root_dir version="X">
//     <md5file name="index.php">32-hex</md5file><dir name="classes">...</dir>
//   </ps_root_dir></checksum_list>
// read by a small strict parser for this one format (no DOCTYPE, no entities, bounded depth,
// element count and size), and stored per PrestaShop version under pristine/core/.
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mps {

struct CoreChecksumList {
    std::string version;                       // PrestaShop version (ps_root_dir version="...")
    std::string source;                        // file name or URL it was imported from
    std::string imported_at;                   // ISO 8601 UTC
    std::map<std::string, std::string> files;  // path relative to the shop root -> md5 (lower case)
};

struct CoreXmlLimits {
    std::size_t max_bytes = 64u << 20;  // the largest real lists are a few MiB
    int max_depth = 64;
    std::size_t max_elements = 1000000;
};

// parse_core_checksum_xml: the list in `xml`. Anything else than this format (DOCTYPE or
// ENTITY declarations, entity references other than the five XML ones, CDATA, unknown
// elements, bad digests or names, duplicate paths, an empty list, limits exceeded) throws
// Error(usage) naming `origin` and the line.
CoreChecksumList parse_core_checksum_xml(std::string_view xml, const std::string& origin,
                                         const CoreXmlLimits& limits = {});

enum class CoreImportOutcome { added, replaced, unchanged };

// CoreListStore: the imported lists, one JSON file per version in `dir` (pristine/core).
class CoreListStore {
  public:
    explicit CoreListStore(std::filesystem::path dir) : dir_(std::move(dir)) {}

    // save: store `list` for its version (atomically; an older list of that version is replaced).
    CoreImportOutcome save(const CoreChecksumList& list) const;
    // load: the list for `version`, or nothing. Error(usage) when the stored file is damaged.
    std::optional<CoreChecksumList> load(const std::string& version) const;
    // versions: the versions with a stored list, in version order.
    std::vector<std::string> versions() const;

    const std::filesystem::path& dir() const { return dir_; }

  private:
    std::filesystem::path dir_;
};

}  // namespace mps
