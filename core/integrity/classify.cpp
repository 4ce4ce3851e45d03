#include "integrity/classify.hpp"

#include "integrity/line_diff.hpp"
#include "util/glob.hpp"
#include "util/text.hpp"

namespace mps {

const char* class_name(FileClass c) {
    switch (c) {
        case FileClass::unchanged:
            return "unchanged";
        case FileClass::whitespace_only:
            return "whitespace-only";
        case FileClass::allowed_change:
            return "allowed-change";
        case FileClass::major_rewrite:
            return "major-rewrite";
        case FileClass::modified:
            return "modified";
        case FileClass::missing:
            return "missing";
        case FileClass::added:
            return "added";
    }
    return "modified";
}

namespace {

// excuse_shop_managed: files PrestaShop rewrites itself never void support.
void excuse_shop_managed(FileVerdict& v, const PolicyConfig& policy) {
    if (glob_match_any(policy.shop_managed, v.path)) {
        v.voids = false;
        v.shop_managed = true;
        v.rule.clear();
        v.note = "PrestaShop writes this file itself (policy.shop_managed)";
    }
}

// line_count_over: does `text` have more than `limit` lines (LF, CRLF and lone CR end one)?
bool line_count_over(std::string_view text, std::size_t limit) {
    std::size_t lines = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        bool end =
            text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'));
        if (end && ++lines > limit) return true;
    }
    return false;
}

std::string size_text(std::size_t bytes) {
    return std::to_string(bytes >> 20) + " MiB";
}

}  // namespace

FileVerdict classify_changed(const std::string& path, std::string_view pristine,
                             std::string_view installed, const PolicyConfig& policy,
                             bool want_diff) {
    FileVerdict v;
    v.path = path;
    bool binary = looks_binary(pristine) || looks_binary(installed);
    if (binary) {
        v.file_class = FileClass::modified;
        v.voids = true;
        v.note = "binary file";
        v.rule = "POLICY.md §5: the module's files must not be changed";
        excuse_shop_managed(v, policy);
        return v;
    }
    bool allowed = glob_match_any(policy.allowed_change, path);
    // Too large to compare: a changed code file is modified, a changed template a rewrite.
    std::string too_large;
    if (pristine.size() > kCompareLimit || installed.size() > kCompareLimit)
        too_large = "over " + size_text(kCompareLimit) + ": not compared line by line";
    else if (same_ignoring_whitespace(pristine, installed)) {
        v.file_class = FileClass::whitespace_only;
        v.note = "line endings, trailing blanks or BOM only";
        return v;
    } else if (line_count_over(pristine, kCompareLineLimit) ||
               line_count_over(installed, kCompareLineLimit))
        too_large =
            "over " + std::to_string(kCompareLineLimit) + " lines: not compared line by line";

    if (want_diff && too_large.empty())
        v.diff = unified_diff(pristine, installed, "a/" + path, "b/" + path);
    if (allowed) {
        if (too_large.empty()) {
            auto old_lines = normalized_lines(pristine), new_lines = normalized_lines(installed);
            // Exact ratios for ordinary files; huge ones stop once the verdict is known.
            bool huge = old_lines.size() + new_lines.size() > 20000;
            LineChange change =
                line_change(old_lines, new_lines, huge ? policy.major_rewrite_ratio : 1.0);
            v.changed_ratio = change.ratio;
            if (!change.exact)
                v.note = "large file: the ratio is an estimate, not from a minimal diff";
            // "Below the threshold" is allowed; at exactly the threshold still counts as small.
            if (v.changed_ratio <= policy.major_rewrite_ratio) {
                v.file_class = FileClass::allowed_change;
                return v;
            }
        } else {
            v.note = too_large;
        }
        v.file_class = FileClass::major_rewrite;
        v.voids = true;
        v.rule = "POLICY.md §5: small changes to " + join(policy.allowed_change, ", ") +
                 " files are fine, major rewrites void support (over " +
                 percent(policy.major_rewrite_ratio) + " of lines changed)";
        return v;
    }
    v.file_class = FileClass::modified;
    v.voids = true;
    v.note = too_large;
    v.rule = "POLICY.md §5: the module's PHP, JS and other core files must not be changed";
    excuse_shop_managed(v, policy);
    return v;
}

FileVerdict classify_presence(const std::string& path, FileClass missing_or_added,
                              const PolicyConfig& policy) {
    FileVerdict v;
    v.path = path;
    v.file_class = missing_or_added;
    if (missing_or_added == FileClass::missing) {
        v.voids = true;
        v.rule = "POLICY.md §5: a file of the release was removed from the module";
    } else if (glob_match_any(policy.code_files, path)) {
        v.voids = true;
        v.rule = "POLICY.md §5: code added to the module folder is a change to the module";
    }
    excuse_shop_managed(v, policy);
    return v;
}

}  // namespace mps
