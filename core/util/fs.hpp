#pragma once
// Small file helpers. Every failure throws mps::Error(usage) naming the path.
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>

namespace mps {

// read_file: the whole content of a regular file (symlinks are not followed).
std::string read_file(const std::filesystem::path& path);

// read_chunks: the bytes of the file at `path` (symlinks are not followed), passed to `chunk`
// 64 KiB at a time: the one read loop. Returns the error of the failing open or read (none on
// success); what a failure means (which exit) is the caller's decision.
std::error_code read_chunks(const std::filesystem::path& path,
                            const std::function<void(const char* data, std::size_t size)>& chunk);

// read_file_head: at most `limit` bytes from the start of a regular file (symlinks are not
// followed, FIFOs and devices are refused), so that memory stays bounded whatever its size.
std::string read_file_head(const std::filesystem::path& path, std::size_t limit);

// write_file_atomic: write `content` to a temporary file beside `path`, fsync it, then rename
// it over `path`, so readers see the old or the new file and never half of one. `mode` is
// applied to the new file (0644 by default).
void write_file_atomic(const std::filesystem::path& path, std::string_view content,
                       unsigned mode = 0644);

// ensure_directory: create `dir` and its parents (mode 0700 for the leaf when created).
void ensure_directory(const std::filesystem::path& dir);

// unique_suffix: a short random string for temporary names.
std::string unique_suffix();

}  // namespace mps
