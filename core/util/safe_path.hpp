#pragma once
// Validation of relative paths that come from untrusted sources (zip entries, manifests,
// remote listings): they must never name anything outside the folder they are meant for.
#include <string>
#include <string_view>

namespace mps {

// normalize_relative_path: turn `raw` into a clean relative path ("a/b/c.php"): backslashes
// become '/', "./" and empty components are dropped. Returns the empty string and sets `why`
// when `raw` is absolute, has a ".." component, control characters or is empty.
std::string normalize_relative_path(std::string_view raw, std::string& why);

// is_ignored_junk: files that archivers and desktops add on their own (__MACOSX/, .DS_Store,
// Thumbs.db): they are no part of a release or an installation.
bool is_ignored_junk(std::string_view relative_path);

}  // namespace mps
