#include "ssh/known_hosts.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "util/base64.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/text.hpp"

namespace mps {
namespace {

std::vector<std::string_view> split_fields(std::string_view line) {
    std::vector<std::string_view> fields;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        if (i >= line.size()) break;
        std::size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
        fields.push_back(line.substr(start, i - start));
    }
    return fields;
}

// wildcard: OpenSSH's match_pattern (* and ?), case-insensitive for host names. Iterative, with
// only the last '*' backtracked: O(pattern x text) at worst (recursion on every '*' was
// exponential).
bool wildcard(std::string_view pattern, std::string_view text) {
    auto same = [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) ==
               std::tolower(static_cast<unsigned char>(b));
    };
    std::size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            resume = t;
        } else if (p < pattern.size() && (pattern[p] == '?' || same(pattern[p], text[t]))) {
            ++p;
            ++t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

bool hashed_match(std::string_view entry, const std::string& name) {
    // |1|base64(salt)|base64(HMAC-SHA1(salt, name))
    std::string_view rest = entry.substr(3);
    std::size_t bar = rest.find('|');
    if (bar == std::string_view::npos) return false;
    auto salt = base64_decode(rest.substr(0, bar));
    auto expected = base64_decode(rest.substr(bar + 1));
    if (!salt || !expected || expected->size() != SHA_DIGEST_LENGTH) return false;
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha1(), salt->data(), static_cast<int>(salt->size()),
         reinterpret_cast<const unsigned char*>(name.data()), name.size(), mac, &length);
    return length == expected->size() && std::memcmp(mac, expected->data(), length) == 0;
}

// hosts_match: does the comma-separated host field name `name`? A negated pattern that
// matches makes the whole field not match.
bool hosts_match(std::string_view field, const std::string& name) {
    if (field.substr(0, 3) == "|1|") return hashed_match(field, name);
    bool matched = false;
    std::size_t start = 0;
    while (start <= field.size()) {
        std::size_t comma = field.find(',', start);
        if (comma == std::string_view::npos) comma = field.size();
        std::string_view pattern = field.substr(start, comma - start);
        start = comma + 1;
        if (pattern.empty()) continue;
        bool negated = pattern.front() == '!';
        if (negated) pattern.remove_prefix(1);
        if (wildcard(pattern, name)) {
            if (negated) return false;
            matched = true;
        }
    }
    return matched;
}

}  // namespace

HostKey host_key_from_blob(std::string blob) {
    HostKey key;
    if (blob.size() >= 4) {
        std::uint32_t length = (std::uint8_t(blob[0]) << 24) | (std::uint8_t(blob[1]) << 16) |
                               (std::uint8_t(blob[2]) << 8) | std::uint8_t(blob[3]);
        if (length > 0 && length < 64 && 4 + length <= blob.size())
            key.type = blob.substr(4, length);
    }
    key.blob = std::move(blob);
    return key;
}

std::string fingerprint_sha256(const HostKey& key) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(key.blob.data()), key.blob.size(), digest);
    return "SHA256:" +
           base64_encode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest),
                         false);
}

std::string known_hosts_name(const std::string& host, int port) {
    return port == 22 ? host : "[" + host + "]:" + std::to_string(port);
}

namespace {

struct HostLine {
    std::string_view marker;  // "", "@revoked"
    std::string_view type;
    std::string_view key;  // base64
    std::size_t number = 0;
};

// host_lines: the lines of `text` naming `host`:`port` (@cert-authority lines aside).
std::vector<HostLine> host_lines(std::string_view text, const std::string& host, int port) {
    // OpenSSH lower-cases the host name before matching (and before hashing it).
    std::string lower = host;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::string name = known_hosts_name(lower, port);
    std::vector<HostLine> out;
    std::size_t line_number = 0;
    for (std::string_view line : split_lines(text)) {
        ++line_number;
        auto fields = split_fields(line);
        if (fields.empty() || fields[0].front() == '#') continue;
        std::string_view marker;
        if (fields[0].front() == '@') {
            marker = fields[0];
            fields.erase(fields.begin());
        }
        if (fields.size() < 3 || marker == "@cert-authority") continue;
        if (!hosts_match(fields[0], name)) continue;
        out.push_back({marker, fields[1], fields[2], line_number});
    }
    return out;
}

// key_type_of: the key type an algorithm verifies ("rsa-sha2-512" -> "ssh-rsa").
std::string_view key_type_of(std::string_view algorithm) {
    if (algorithm == "rsa-sha2-256" || algorithm == "rsa-sha2-512") return "ssh-rsa";
    return algorithm;
}

// OpenSSH's default HostKeyAlgorithms order (plain keys), plus ssh-rsa and ssh-dss that it no
// longer offers by default but libssh2 1.10 knows.
constexpr std::string_view kOpenSshOrder[] = {
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "rsa-sha2-512",
    "rsa-sha2-256",
    "ssh-rsa",
    "ssh-dss",
};

}  // namespace

HostKeyCheck check_known_hosts(std::string_view text, const std::string& file_label,
                               const std::string& host, int port, const HostKey& key) {
    HostKeyCheck result;
    bool match = false, same_type = false;
    std::string same_type_where;
    for (const HostLine& line : host_lines(text, host, port)) {
        auto blob = base64_decode(line.key);
        bool same = blob && line.type == key.type && *blob == key.blob;
        std::string where = file_label + ":" + std::to_string(line.number);
        if (line.marker == "@revoked") {
            if (same) {
                result.revoked = true;
                result.where = where;
            }
            continue;
        }
        if (std::find(result.known_types.begin(), result.known_types.end(), line.type) ==
            result.known_types.end())
            result.known_types.emplace_back(line.type);
        if (same) {
            match = true;
        } else if (line.type == key.type && !same_type) {
            same_type = true;
            same_type_where = where;
        }
    }
    if (result.revoked) {
        result.status = HostKeyStatus::changed;
    } else if (match) {
        result.status = HostKeyStatus::known;
    } else if (same_type) {
        result.status = HostKeyStatus::changed;
        result.where = same_type_where;
    } else {
        result.status = HostKeyStatus::unknown;
    }
    return result;
}

std::vector<std::string> recorded_key_types(std::string_view text, const std::string& host,
                                            int port) {
    std::vector<std::string> types;
    for (const HostLine& line : host_lines(text, host, port)) {
        if (line.marker == "@revoked") continue;
        if (std::find(types.begin(), types.end(), line.type) == types.end())
            types.emplace_back(line.type);
    }
    return types;
}

std::string host_key_preference(const std::vector<std::string>& recorded,
                                const std::vector<std::string>& supported) {
    std::vector<std::string> ordered;  // `supported` in OpenSSH's order, unknown ones last
    for (std::string_view algorithm : kOpenSshOrder)
        if (std::find(supported.begin(), supported.end(), algorithm) != supported.end())
            ordered.emplace_back(algorithm);
    for (const auto& algorithm : supported)
        if (std::find(ordered.begin(), ordered.end(), algorithm) == ordered.end())
            ordered.push_back(algorithm);
    auto is_recorded = [&](const std::string& algorithm) {
        return std::find(recorded.begin(), recorded.end(), key_type_of(algorithm)) !=
               recorded.end();
    };
    std::stable_partition(ordered.begin(), ordered.end(), is_recorded);
    return join(ordered, ",");
}

std::string known_hosts_line(const std::string& host, int port, const HostKey& key) {
    return known_hosts_name(host, port) + " " + key.type + " " + base64_encode(key.blob);
}

void append_known_host(const std::filesystem::path& file, const std::string& host, int port,
                       const HostKey& key) {
    if (file.has_parent_path()) ensure_directory(file.parent_path());
    int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        throw Error(ErrorKind::usage,
                    "cannot write " + file.string() + ": " + std::strerror(errno));
    // Start on a fresh line even when the file does not end with one.
    std::string line = known_hosts_line(host, port, key) + "\n";
    off_t size = ::lseek(fd, 0, SEEK_END);
    if (size > 0) {
        char last = '\n';
        if (::pread(fd, &last, 1, size - 1) == 1 && last != '\n') line = "\n" + line;
    }
    bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    ok = (::close(fd) == 0) && ok;
    if (!ok)
        throw Error(ErrorKind::usage,
                    "cannot write " + file.string() + ": " + std::strerror(errno));
}

}  // namespace mps
