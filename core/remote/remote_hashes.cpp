#include "remote/remote_hashes.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "remote/hash_listing.hpp"
#include "ssh/remote_tree.hpp"
#include "ssh/ssh_session.hpp"
#include "util/log.hpp"
#include "util/safe_path.hpp"
#include "util/sha256.hpp"
#include "util/text.hpp"

namespace mps {
namespace {

constexpr std::size_t kMaxOutput = 40u << 20;  // ~300,000 files and the identity files

// A name the identity part may ask for: a plain file name of the folder, which no shell or PHP
// reads as an option.
bool plain_identity_name(const std::string& name) {
    if (name.empty() || name == "." || name == ".." || name.front() == '-' || name.size() > 255)
        return false;
    for (char c : name)
        if (c == '/' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
    return true;
}

std::vector<std::string> plain_identity_names(const std::vector<std::string>& names) {
    std::vector<std::string> out;
    for (const auto& name : names)
        if (plain_identity_name(name) && std::find(out.begin(), out.end(), name) == out.end())
            out.push_back(name);
    return out;
}

}  // namespace

std::string remote_hash_command(const std::string& dir,
                                const std::vector<std::string>& identity_names) {
    std::string identity;
    auto names = plain_identity_names(identity_names);
    if (!names.empty()) {
        // Each identity file that is a regular file (not a link): its name, its size and its
        // bytes; the size is taken first so the reader knows where the next record starts.
        identity = " && { printf 'MPS-IDENT\\0'; for f in";
        for (const auto& name : names) identity += " " + shell_quote(name);
        identity +=
            "; do if [ -f \"$f\" ] && [ ! -h \"$f\" ]; then s=$(wc -c < \"$f\") && s=$((s))"
            " && [ \"$s\" -le " +
            std::to_string(kMaxIdentityBytes) +
            " ] && printf '%s\\0%s\\0' \"$f\" \"$s\" && head -c \"$s\" -- \"$f\"; fi; done;"
            " printf 'MPS-IDENT-END\\0'; }";
    }
    return "cd -- " + shell_quote(dir) + identity +
           " && printf 'MPS-FILES\\0' && find . -type f -print0 | LC_ALL=C xargs -0 -r sha256sum "
           "-z --"
           " && printf 'MPS-LINKS\\0' && find . -type l -print0 && printf 'MPS-END\\0'";
}

std::string remote_php_hash_command(const std::string& dir,
                                    const std::vector<std::string>& identity_names) {
    auto names = plain_identity_names(identity_names);
    std::string identity;
    if (!names.empty())
        identity =
            "echo \"MPS-IDENT\\0\";foreach(array_slice($argv,2)as $f){if(is_file($f)&&"
            "!is_link($f)&&filesize($f)<=" +
            std::to_string(kMaxIdentityBytes) +
            "){$c=file_get_contents($f);if($c!==false)echo $f,\"\\0\",strlen($c),\"\\0\",$c;}}"
            "echo \"MPS-IDENT-END\\0\";";
    // PHP walks without following links and prints the same framing as the shell pipeline.
    std::string code =
        "$d=$argv[1];if(!@chdir($d))exit(1);" + identity +
        "echo \"MPS-FILES\\0\";$l=[];"
        "$w=function($p)use(&$w,&$l){foreach(scandir($p)as "
        "$n){if($n==='.'||$n==='..')continue;$f=$p.'/'.$n;"
        "if(is_link($f)){$l[]=$f;}elseif(is_dir($f)){$w($f);}elseif(is_file($f)){"
        "echo hash_file('sha256',$f),'  ',$f,\"\\0\";}}};$w('.');echo \"MPS-LINKS\\0\";"
        "foreach($l as $f)echo $f,\"\\0\";echo \"MPS-END\\0\";";
    std::string command = "php -r " + shell_quote(code) + " " + shell_quote(dir);
    for (const auto& name : names) command += " " + shell_quote(name);
    return command;
}

std::optional<std::size_t> parse_identity_section(const std::string& output,
                                                  const std::vector<std::string>& names,
                                                  std::map<std::string, std::string>& identity) {
    const std::string start = std::string("MPS-IDENT") + '\0';
    if (output.compare(0, start.size(), start) != 0) return std::nullopt;
    std::size_t pos = start.size();
    auto record = [&]() -> std::optional<std::string> {
        std::size_t end = output.find('\0', pos);
        if (end == std::string::npos || end - pos > 300) return std::nullopt;
        std::string text = output.substr(pos, end - pos);
        pos = end + 1;
        return text;
    };
    std::map<std::string, std::string> found;
    for (;;) {
        auto name = record();
        if (!name) return std::nullopt;
        if (*name == "MPS-IDENT-END") break;
        if (std::find(names.begin(), names.end(), *name) == names.end() || found.count(*name))
            return std::nullopt;
        auto size_text = record();
        if (!size_text || size_text->empty() || size_text->size() > 9 ||
            size_text->find_first_not_of("0123456789") != std::string::npos)
            return std::nullopt;
        std::size_t size = std::stoul(*size_text);
        if (size > kMaxIdentityBytes || output.size() - pos < size) return std::nullopt;
        found[*name] = output.substr(pos, size);
        pos += size;
    }
    identity = std::move(found);
    return pos;
}

std::optional<std::vector<InstalledFile>> parse_remote_hashes(const std::string& output,
                                                              std::vector<std::string>& refused) {
    auto listing = parse_hash_listing(output, 64);
    if (!listing) return std::nullopt;
    std::vector<InstalledFile> files;
    std::set<std::string> seen;
    // accept: false for a record that cannot come from find(1); `clean` empty for a hostile
    // but well-formed name (reported in `refused`, skipped).
    auto accept = [&](const std::string& raw, std::string& clean) {
        if (raw.size() < 3 || raw.compare(0, 2, "./") != 0) return false;
        std::string why;
        clean = normalize_relative_path(raw.substr(2), why);
        if (clean.empty()) {
            if (why == "control character in name") {
                refused.push_back(printable_remote_name(raw.substr(2)));
                return true;
            }
            return false;
        }
        return clean == raw.substr(2) && seen.insert(clean).second;
    };
    for (const auto& [digest, raw] : listing->files) {
        std::string clean;
        if (!accept(raw, clean)) return std::nullopt;
        if (!clean.empty() && !is_ignored_junk(clean))
            files.push_back(InstalledFile{clean, digest});
    }
    for (const auto& raw : listing->links) {
        std::string clean;
        if (!accept(raw, clean)) return std::nullopt;
        if (!clean.empty() && !is_ignored_junk(clean))
            files.push_back(InstalledFile{clean, "", true});
    }
    return files;
}

std::optional<std::vector<InstalledFile>> hash_remotely(SshConnection& session,
                                                        const std::string& dir,
                                                        std::vector<std::string>& refused,
                                                        std::string& how) {
    std::map<std::string, std::string> unused;
    return hash_remotely(session, dir, refused, how, {}, unused);
}

std::optional<std::vector<InstalledFile>> hash_remotely(
    SshConnection& session, const std::string& dir, std::vector<std::string>& refused,
    std::string& how, const std::vector<std::string>& identity_names,
    std::map<std::string, std::string>& identity) {
    struct Attempt {
        const char* name;
        std::string command;
    };
    auto names = plain_identity_names(identity_names);
    for (const Attempt& attempt : {Attempt{"sha256sum", remote_hash_command(dir, names)},
                                   Attempt{"php", remote_php_hash_command(dir, names)}}) {
        auto result = session.exec(attempt.command, kMaxOutput);
        if (!result) {
            log::info("{} refuses to run commands; using SFTP", session.label());
            return std::nullopt;
        }
        if (result->truncated) {
            // Output that passed the limit (perhaps endless): the next command would not do
            // better, read the files over SFTP.
            log::info("output of remote {} hashing on {} passed {} MiB; using SFTP", attempt.name,
                      session.label(), kMaxOutput >> 20);
            return std::nullopt;
        }
        if (result->exit_status != 0) {
            log::debug("remote {} hashing failed (exit {}): {}", attempt.name, result->exit_status,
                       result->err.substr(0, 200));
            continue;
        }
        std::vector<std::string> hostile;
        std::map<std::string, std::string> found;
        std::size_t start = 0;
        if (!names.empty()) {
            auto end = parse_identity_section(result->out, names, found);
            start = end.value_or(std::string::npos);
        }
        if (start != std::string::npos)
            if (auto files = parse_remote_hashes(result->out.substr(start), hostile)) {
                refused.insert(refused.end(), hostile.begin(), hostile.end());
                identity = std::move(found);
                how = attempt.name;
                return files;
            }
        log::info("output of remote {} hashing on {} was not as expected; using SFTP", attempt.name,
                  session.label());
        return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace mps
