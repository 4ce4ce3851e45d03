#include "files/remote_address.hpp"

#include <cctype>

#include "util/error.hpp"

namespace mps {
namespace {

bool is_control_or_space(char c) {
    return std::iscntrl(static_cast<unsigned char>(c)) ||
           std::isspace(static_cast<unsigned char>(c));
}

// shown: the address as it may be echoed: no user:password part, no control characters.
std::string shown(std::string_view text) {
    std::string out(text.substr(0, 200));
    if (auto at = out.find('@'); at != std::string::npos) {
        auto scheme = out.find("://");
        std::size_t start = scheme == std::string::npos ? 0 : scheme + 3;
        if (at > start && out.substr(start, at - start).find(':') != std::string::npos)
            out.replace(start, at - start, "***");
    }
    for (char& c : out)
        if (std::iscntrl(static_cast<unsigned char>(c))) c = '?';
    return out;
}

}  // namespace

RemoteAddress parse_remote_address(std::string_view text, const AddressRules& rules) {
    auto bad = [&](const std::string& why) {
        return Error(ErrorKind::usage,
                     "bad " + std::string(rules.name) + " address '" + shown(text) + "': " + why,
                     std::string(rules.form));
    };
    if (text.substr(0, rules.scheme.size()) != rules.scheme)
        throw bad("it must start with " + std::string(rules.scheme));
    std::string_view rest = text.substr(rules.scheme.size());
    std::size_t slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    std::string_view path =
        slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
    RemoteAddress address;
    address.port = rules.default_port;
    if (auto at = authority.rfind('@'); at != std::string_view::npos) {
        address.user = std::string(authority.substr(0, at));
        authority.remove_prefix(at + 1);
        if (address.user.find(':') != std::string::npos)
            throw Error(
                ErrorKind::usage,
                "refusing a password written in the " + std::string(rules.name) + " address",
                std::string(rules.password_hint));
        for (char c : address.user)
            if (is_control_or_space(c)) throw bad("bad user name");
    }
    if (!authority.empty() && authority.front() == '[') {
        auto close = authority.find(']');
        if (close == std::string_view::npos) throw bad("unclosed [ in the host");
        address.host = std::string(authority.substr(1, close - 1));
        authority.remove_prefix(close + 1);
        if (!authority.empty() && authority.front() != ':') throw bad("unexpected text after ]");
    } else {
        auto colon = authority.find(':');
        address.host = std::string(authority.substr(0, colon));
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
        address.port = value;
    }
    if (address.host.empty()) throw bad("no host");
    for (char c : address.host)
        if (is_control_or_space(c) || c == '/' || c == '@' || c == '?' || c == '#')
            throw bad("bad host");
    for (char c : path)
        if (std::iscntrl(static_cast<unsigned char>(c))) throw bad("control character in the path");
    if (path.substr(0, 3) == "/~/")
        path.remove_prefix(3);
    else if (path == "/~")
        path = ".";
    address.path = path.empty() ? std::string(".") : std::string(path);
    while (address.path.size() > 1 && address.path.back() == '/') address.path.pop_back();
    return address;
}

std::string display_remote_address(std::string_view scheme, const RemoteAddress& address,
                                   int default_port) {
    std::string out(scheme);
    if (!address.user.empty()) out += address.user + "@";
    out += address.host.find(':') != std::string::npos ? "[" + address.host + "]" : address.host;
    if (address.port != default_port) out += ":" + std::to_string(address.port);
    // A relative path was written /~/path (or /~): show it so, not as the absolute /path.
    const std::string& path = address.path;
    return out + (path.empty() || path.front() != '/' ? "/" : "") + display_remote_path(path);
}

std::string display_remote_path(const std::string& path) {
    if (path.empty() || path == ".") return "~";
    if (path.front() == '/') return path;
    if (path.substr(0, 2) == "./") return "~/" + path.substr(2);
    return "~/" + path;
}

}  // namespace mps
