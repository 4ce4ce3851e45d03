// An FTP server's folder listing (MLSD or LIST, as the server chooses to write it) and an ftp://
// address: the first byte picks MLSD or LIST; the first line is also tried as an address.
#include <string>

#include "files/remote_files.hpp"
#include "ftp/ftp_listing.hpp"
#include "ftp/ftp_url.hpp"
#include "fuzz_common.hpp"

MPS_FUZZ_QUIET

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text = mps::fuzz::as_text(data, size);
    return mps::fuzz::guarded([&] {
        bool mlsd = !text.empty() && (text[0] & 1);
        auto listing = mps::parse_ftp_listing(text, mlsd, 1796040000);
        for (const auto& entry : listing.entries) {
            (void)mps::acceptable_remote_name(entry.name);
            (void)mps::printable_remote_name(entry.name);
            (void)entry.attrs.is_dir();
        }
        auto newline = text.find('\n');
        std::string first(text.substr(0, std::min<std::size_t>(newline, 512)));
        if (mps::is_ftp_url(first)) (void)mps::parse_ftp_url(first).display();
    });
}
