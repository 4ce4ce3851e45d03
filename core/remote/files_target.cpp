#include "remote/files_target.hpp"

#include "util/error.hpp"

namespace mps {

bool is_files_url(std::string_view text) {
    return is_sftp_url(text) || is_ftp_url(text) || text.substr(0, 7) == "file://";
}

FilesTarget parse_files_target(std::string_view text) {
    FilesTarget target;
    if (is_sftp_url(text)) {
        target.transport = FilesTransport::sftp;
        target.sftp = parse_sftp_url(text);
        target.path = target.sftp.path;
        target.written = target.sftp.display();
        return target;
    }
    if (is_ftp_url(text)) {
        target.transport = FilesTransport::ftp;
        target.ftp = parse_ftp_url(text);
        target.path = target.ftp.path;
        target.written = target.ftp.display();
        return target;
    }
    std::string_view path = text;
    if (text.substr(0, 7) == "file://") {
        path = text.substr(7);
        if (path.empty() || path.front() != '/')
            throw Error(ErrorKind::usage,
                        "bad file address '" + std::string(text.substr(0, 200)) +
                            "': only file:///absolute/path is understood",
                        "write the shop's folder as file:///var/www/shop or /var/www/shop");
    } else if (auto scheme = text.find("://"); scheme != std::string_view::npos) {
        throw Error(
            ErrorKind::usage,
            "unknown address scheme '" + std::string(text.substr(0, scheme)) + "://'",
            "give sftp://, ftp:// or ftps://user@host[:port]/path, or a folder on this machine");
    }
    if (path.empty() || path.front() != '/')
        throw Error(ErrorKind::usage,
                    "'" + std::string(text.substr(0, 200)) + "' is not an absolute folder",
                    "give the shop's folder as an absolute path (or sftp://user@host/path)");
    for (char c : path)
        if (static_cast<unsigned char>(c) < 0x20)
            throw Error(ErrorKind::usage, "control character in the folder '" +
                                              std::string(text.substr(0, 200)) + "'");
    target.transport = FilesTransport::local;
    target.path = std::string(path);
    while (target.path.size() > 1 && target.path.back() == '/') target.path.pop_back();
    target.written = std::string(text);
    return target;
}

}  // namespace mps
