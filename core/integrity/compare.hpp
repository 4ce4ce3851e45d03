#pragma once
// Compares an installed module with its pristine release, file by file.
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "integrity/classify.hpp"
#include "integrity/manifest.hpp"

namespace mps {

struct InstalledFile {
    std::string path;    // relative to the module folder
    std::string sha256;  // empty for a symbolic link (never equal to a release file)
    bool is_link = false;
    std::string unreadable;  // why the content could not be read (then it is not judged)
    std::uint64_t size =
        kUnknownSize;  // bytes, when known (it bounds the memory a comparison takes)

    static constexpr std::uint64_t kUnknownSize = ~std::uint64_t{0};
};

// ContentReader: bytes of a file by relative path (installed side) or by digest (pristine).
// Readers may stop after kCompareLimit + 1 bytes (classify.hpp): nothing further is looked at.
// An mps::Error thrown for an installed file makes it "could not be read: not judged".
using ContentReader = std::function<std::string(const std::string&)>;

struct IntegrityResult {
    std::vector<FileVerdict> files;       // every file of both sides, sorted by path
    std::array<std::size_t, 7> counts{};  // by FileClass
    std::size_t voiding = 0;              // files that void support
    std::size_t unreadable = 0;           // files present but not readable: not judged

    std::size_t count(FileClass c) const { return counts[static_cast<std::size_t>(c)]; }
    bool voided() const { return voiding > 0; }
    // differs: any file other than unchanged (what --strict refuses).
    bool differs() const {
        for (std::size_t c = 1; c < counts.size(); ++c)
            if (counts[c]) return true;
        return false;
    }
};

// compare_with_pristine: classify every file. Only files whose digest differs are read (from
// `read_installed` and `read_pristine`), on up to `threads` threads; large comparisons wait
// for each other so that memory stays bounded (about 24 MiB of file contents at a time).
IntegrityResult compare_with_pristine(const Manifest& release,
                                      const std::vector<InstalledFile>& installed,
                                      const ContentReader& read_installed,
                                      const ContentReader& read_pristine,
                                      const PolicyConfig& policy, bool want_diffs,
                                      unsigned threads);

}  // namespace mps
