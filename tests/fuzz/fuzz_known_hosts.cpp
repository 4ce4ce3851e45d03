// A known_hosts file (the user's, or one a shop's admin handed over), looked up for a few hosts
// and ports; the first line of the input, when it looks like one, is taken as the key blob.
#include <string>

#include "fuzz_common.hpp"
#include "ssh/known_hosts.hpp"

MPS_FUZZ_QUIET

namespace {
// ssh-ed25519 blob: string "ssh-ed25519", string of 32 bytes.
std::string ed25519_blob() {
    std::string blob("\0\0\0\x0bssh-ed25519\0\0\0\x20", 19);
    blob += std::string(32, '\x2a');
    return blob;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text = mps::fuzz::as_text(data, size);
    return mps::fuzz::guarded([&] {
        mps::HostKey key = mps::host_key_from_blob(ed25519_blob());
        // A blob from the input too: host_key_from_blob reads what the server sent.
        auto newline = text.find('\n');
        mps::HostKey odd = mps::host_key_from_blob(
            std::string(text.substr(0, std::min<std::size_t>(newline, 512))));
        (void)mps::fingerprint_sha256(odd);
        for (const auto& [host, port] : {std::pair<const char*, int>{"shop.example", 22},
                                         {"shop.example", 2222},
                                         {"192.0.2.7", 22},
                                         {"[::1]", 22}}) {
            auto check = mps::check_known_hosts(text, "known_hosts", host, port, key);
            (void)check;
            if (!odd.type.empty())
                (void)mps::check_known_hosts(text, "known_hosts", host, port, odd);
        }
        (void)mps::known_hosts_line("shop.example", 2222, key);
    });
}
