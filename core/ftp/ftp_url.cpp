#include "ftp/ftp_url.hpp"

#include <cctype>

#include "util/error.hpp"

namespace mps {

std::string FtpUrl::display() const {
    std::string out = implicit_tls ? "ftps://" : "ftp://";
    if (!user.empty()) out += user + "@";
    out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
    if (port != (implicit_tls ? 990 : 21)) out += ":" + std::to_string(port);
    if (path.empty() || path == ".") return out + "/~";
    if (path.front() == '/') return out + path;
    if (path.substr(0, 2) == "./") return out + "/~/" + path.substr(2);
    return out + "/~/" + path;
}

bool is_ftp_url(std::string_view text) {
    return text.substr(0, 6) == "ftp://" || text.substr(0, 7) == "ftps://";
}

FtpUrl parse_ftp_url(std::string_view text) {
    // Echo the address without any user:password part.
    std::string shown(text.substr(0, 200));
    if (auto at = shown.find('@'); at != std::string::npos) {
        auto scheme = shown.find("://");
        std::size_t start = scheme == std::string::npos ? 0 : scheme + 3;
        if (at > start && shown.substr(start, at - start).find(':') != std::string::npos)
            shown.replace(start, at - start, "***");
    }
    for (char& c : shown)
        if (std::iscntrl(static_cast<unsigned char>(c))) c = '?';
    auto bad = [&](const std::string& why) {
        return Error(ErrorKind::usage, "bad FTP address '" + shown + "': " + why,
                     "write it as ftp://user@host[:port]/path/to/shop (ftps:// for implicit TLS)");
    };
    if (!is_ftp_url(text)) throw bad("it must start with ftp:// or ftps://");
    FtpUrl url;
    url.implicit_tls = text.substr(0, 7) == "ftps://";
    url.port = url.implicit_tls ? 990 : 21;
    std::string_view rest = text.substr(url.implicit_tls ? 7 : 6);
    std::size_t slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    std::string_view path =
        slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
    if (auto at = authority.rfind('@'); at != std::string_view::npos) {
        url.user = std::string(authority.substr(0, at));
        authority.remove_prefix(at + 1);
        if (url.user.find(':') != std::string::npos)
            throw Error(ErrorKind::usage, "refusing a password written in the FTP address",
                        "remove it from the address and set MPSUPPORT_FTP_PASSWORD (or type it "
                        "when asked)");
        for (char c : url.user)
            if (std::iscntrl(static_cast<unsigned char>(c)) ||
                std::isspace(static_cast<unsigned char>(c)))
                throw bad("bad user name");
    }
    if (!authority.empty() && authority.front() == '[') {
        auto close = authority.find(']');
        if (close == std::string_view::npos) throw bad("unclosed [ in the host");
        url.host = std::string(authority.substr(1, close - 1));
        authority.remove_prefix(close + 1);
        if (!authority.empty() && authority.front() != ':') throw bad("unexpected text after ]");
    } else {
        auto colon = authority.find(':');
        url.host = std::string(authority.substr(0, colon));
        authority.remove_prefix(colon == std::string_view::npos ? authority.size() : colon);
    }
    if (!authority.empty()) {
        std::string_view port = authority.substr(1);
        if (port.empty() || port.size() > 5) throw bad("bad port");
        int value = 0;
        for (char c : port) {
            if (!std::isdigit(static_cast<unsigned char>(c))) throw bad("bad port");
            value = value * 10 + (c - '0');
        }
        if (value < 1 || value > 65535) throw bad("port out of range");
        url.port = value;
    }
    if (url.host.empty()) throw bad("no host");
    for (char c : url.host)
        if (std::isspace(static_cast<unsigned char>(c)) ||
            std::iscntrl(static_cast<unsigned char>(c)) || c == '/' || c == '@' || c == '?' ||
            c == '#')
            throw bad("bad host");
    for (char c : path)
        if (std::iscntrl(static_cast<unsigned char>(c))) throw bad("control character in the path");
    if (path.substr(0, 3) == "/~/")
        path.remove_prefix(3);
    else if (path == "/~")
        path = ".";
    url.path = path.empty() ? std::string(".") : std::string(path);
    while (url.path.size() > 1 && url.path.back() == '/') url.path.pop_back();
    return url;
}

}  // namespace mps
