#pragma once
// The integrity verdict for one file of an installed module (SPEC.md "Integrity verdicts",
// POLICY.md §5).
#include <cstddef>
#include <string>
#include <string_view>

#include "config/config.hpp"

namespace mps {

enum class FileClass {
    unchanged,
    whitespace_only,
    allowed_change,
    major_rewrite,
    modified,
    missing,
    added
};

// class_name: "unchanged", "whitespace-only", "allowed-change", "major-rewrite", "modified",
// "missing", "added".
const char* class_name(FileClass file_class);

struct FileVerdict {
    std::string path;
    FileClass file_class = FileClass::unchanged;
    bool voids = false;         // breaks POLICY.md §5
    bool shop_managed = false;  // written by PrestaShop itself: never held against the customer
    bool judged = true;         // false when the file could not be read: no class is claimed
    double changed_ratio = -1;  // share of changed lines, for allowed-change/major-rewrite
    std::string rule;           // why it voids support, citing the policy
    std::string note;           // extra explanation (symbolic link, binary, ...)
    std::string diff;           // unified diff, when asked for and the file is text
};

// Bounds that keep a verdict's memory and time small whatever the file sizes (a 3 GiB file was
// read whole). Changed files are read up to kCompareLimit + 1 bytes a side; binary files are
// recognised from their first 8 KiB. Text of at most kCompareLimit bytes is compared ignoring
// whitespace, and line by line (ratio, --diff) when it has at most kCompareLineLimit lines.
// A larger changed text file is judged without a line comparison: `modified` (code) or
// `major-rewrite` (allowed_change patterns), with a note saying so.
inline constexpr std::size_t kCompareLimit = 2u << 20;
inline constexpr std::size_t kCompareLineLimit = 100000;

// classify_changed: the verdict for a file present in both trees whose bytes differ.
// `pristine` and `installed` may hold only the first kCompareLimit + 1 bytes of a larger file.
// `want_diff` fills `diff` for text files.
FileVerdict classify_changed(const std::string& path, std::string_view pristine,
                             std::string_view installed, const PolicyConfig& policy,
                             bool want_diff);

// classify_presence: the verdict for a file only in the release (`missing`) or only in the
// installation (`added`).
FileVerdict classify_presence(const std::string& path, FileClass missing_or_added,
                              const PolicyConfig& policy);

}  // namespace mps
