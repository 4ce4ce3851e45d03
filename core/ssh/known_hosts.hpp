#pragma once
// OpenSSH known_hosts semantics (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): plain and hashed
// (|1|salt|hash) host names, [host]:port for non-default ports, patterns with * ? and !,
// @revoked and @cert-authority markers. Written here rather than through libssh2 so that a
// file holding key types libssh2 1.10 cannot parse still works and so the rules are tested.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace mps {

struct HostKey {
    std::string type;  // "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa"...
    std::string blob;  // the raw public key blob as sent by the server
};

// host_key_from_blob: the key with its type read from the blob; empty type when malformed.
HostKey host_key_from_blob(std::string blob);

// fingerprint_sha256: "SHA256:<base64 without padding>", as OpenSSH prints it.
std::string fingerprint_sha256(const HostKey& key);

// known_hosts_name: "host" for port 22, "[host]:port" otherwise.
std::string known_hosts_name(const std::string& host, int port);

enum class HostKeyStatus {
    known,    // a line for this host holds this key
    unknown,  // no line for this host records a key of this key's type (other types may be)
    changed,  // a line records another key of this type for this host (or the key is revoked)
};

struct HostKeyCheck {
    HostKeyStatus status = HostKeyStatus::unknown;
    bool revoked = false;
    std::vector<std::string> known_types;  // key types recorded for the host, file order, once each
    std::string where;                     // "file:line" of a conflicting entry
};

// check_known_hosts: look `key` up for `host`:`port` in the text of a known_hosts file. As in
// OpenSSH, only a recorded key of the same type can make a key "changed": a host known only with
// other types is "unknown" for this type (known_types then names the others).
HostKeyCheck check_known_hosts(std::string_view text, const std::string& file_label,
                               const std::string& host, int port, const HostKey& key);

// recorded_key_types: the key types recorded for `host`:`port` (revoked and @cert-authority lines
// aside), in file order, once each.
std::vector<std::string> recorded_key_types(std::string_view text, const std::string& host,
                                            int port);

// host_key_preference: the host-key algorithms to offer, OpenSSH's way (order_hostkeyalgs): those
// of `supported` whose key type is recorded come first, then the others; each group in OpenSSH's
// order (ed25519, ecdsa, RSA, DSA). A recorded "ssh-rsa" key matches ssh-rsa and rsa-sha2-*.
// Returns a comma-separated list for libssh2_session_method_pref.
std::string host_key_preference(const std::vector<std::string>& recorded,
                                const std::vector<std::string>& supported);

// known_hosts_line: the line recording `key` for host/port (no trailing newline).
std::string known_hosts_line(const std::string& host, int port, const HostKey& key);

// append_known_host: add the line to `file`, creating it (0600) and its folder (0700).
void append_known_host(const std::filesystem::path& file, const std::string& host, int port,
                       const HostKey& key);

}  // namespace mps
