// SFTP v3 replies as a server sends them: a stream of length-prefixed packets (framed as
// SftpClient does), each body read by sftp::Reader the way the client reads every reply type.
#include "fuzz_common.hpp"
#include "ssh/sftp_wire.hpp"

MPS_FUZZ_QUIET

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view stream = mps::fuzz::as_text(data, size);
    return mps::fuzz::guarded([&] {
        std::size_t offset = 0;
        while (stream.size() - offset >= 4) {
            mps::sftp::Reader header(stream.substr(offset, 4));
            std::uint32_t length = header.u32();
            if (length == 0 || length > mps::sftp::kMaxPacket) return;  // the client refuses it
            if (stream.size() - offset - 4 < length) return;            // waits for more
            std::string_view packet = stream.substr(offset + 4, length);
            offset += 4 + length;
            mps::sftp::Reader reader(packet);
            auto type = reader.u8();
            if (type == mps::sftp::VERSION) {
                reader.u32();
                while (!reader.failed() && !reader.at_end()) reader.str(), reader.str();
                continue;
            }
            reader.u32();  // request id
            switch (type) {
                case mps::sftp::STATUS: {
                    auto code = reader.u32();
                    reader.str();
                    reader.str();
                    (void)mps::sftp::status_text(code);
                    break;
                }
                case mps::sftp::HANDLE:
                case mps::sftp::DATA:
                    reader.str();
                    break;
                case mps::sftp::NAME:
                    if (auto entries = mps::sftp::parse_names(reader))
                        for (const auto& e : *entries)
                            (void)(e.attrs.is_dir() || e.attrs.is_link() || e.attrs.is_regular());
                    break;
                case mps::sftp::ATTRS: {
                    auto a = reader.attrs();
                    (void)(a.is_dir() || a.is_link() || a.is_regular());
                    break;
                }
                default:
                    break;
            }
            (void)reader.failed();
        }
    });
}
