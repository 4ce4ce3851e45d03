#include "remote/remote_hashes.hpp"

#include <set>

#include "ssh/remote_tree.hpp"
#include "ssh/ssh_session.hpp"
#include "util/log.hpp"
#include "util/safe_path.hpp"
#include "util/sha256.hpp"

namespace mps {
namespace {

std::string shell_quote(const std::string& text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

constexpr std::size_t kMaxOutput = 32u << 20;  // ~300,000 files; more is not a module

}  // namespace

std::string remote_hash_command(const std::string& dir) {
    return "cd -- " + shell_quote(dir) +
           " && printf 'MPS-FILES\\0' && find . -type f -print0 | LC_ALL=C xargs -0 -r sha256sum "
           "-z --"
           " && printf 'MPS-LINKS\\0' && find . -type l -print0 && printf 'MPS-END\\0'";
}

std::string remote_php_hash_command(const std::string& dir) {
    // PHP walks without following links and prints the same framing as the shell pipeline.
    std::string code =
        "$d=$argv[1];if(!@chdir($d))exit(1);echo \"MPS-FILES\\0\";$l=[];"
        "$w=function($p)use(&$w,&$l){foreach(scandir($p)as "
        "$n){if($n==='.'||$n==='..')continue;$f=$p.'/'.$n;"
        "if(is_link($f)){$l[]=$f;}elseif(is_dir($f)){$w($f);}elseif(is_file($f)){"
        "echo hash_file('sha256',$f),'  ',$f,\"\\0\";}}};$w('.');echo \"MPS-LINKS\\0\";"
        "foreach($l as $f)echo $f,\"\\0\";echo \"MPS-END\\0\";";
    return "php -r " + shell_quote(code) + " " + shell_quote(dir);
}

std::optional<std::vector<InstalledFile>> parse_remote_hashes(const std::string& output,
                                                              std::vector<std::string>& refused) {
    std::vector<std::string> records;
    std::size_t start = 0;
    while (start < output.size()) {
        std::size_t end = output.find('\0', start);
        if (end == std::string::npos) return std::nullopt;  // unterminated record
        records.push_back(output.substr(start, end - start));
        start = end + 1;
    }
    if (records.size() < 3 || records.front() != "MPS-FILES" || records.back() != "MPS-END")
        return std::nullopt;
    std::vector<InstalledFile> files;
    std::set<std::string> seen;
    bool in_links = false;
    auto accept = [&](const std::string& raw, std::string& clean) {
        if (raw.size() < 3 || raw.compare(0, 2, "./") != 0) return false;
        std::string why;
        clean = normalize_relative_path(raw.substr(2), why);
        if (clean.empty()) {
            if (why == "control character in name") {
                refused.push_back(printable_remote_name(raw.substr(2)));
                clean.clear();
                return true;  // hostile but well-formed: reported, skipped
            }
            return false;
        }
        return clean == raw.substr(2) && seen.insert(clean).second;
    };
    for (std::size_t i = 1; i + 1 < records.size(); ++i) {
        const std::string& record = records[i];
        if (record == "MPS-LINKS") {
            if (in_links) return std::nullopt;
            in_links = true;
            continue;
        }
        std::string clean;
        if (in_links) {
            if (!accept(record, clean)) return std::nullopt;
            if (!clean.empty() && !is_ignored_junk(clean))
                files.push_back(InstalledFile{clean, "", true});
            continue;
        }
        if (record.size() < 67 || record.compare(64, 2, "  ") != 0 ||
            !is_sha256_hex(record.substr(0, 64)))
            return std::nullopt;
        if (!accept(record.substr(66), clean)) return std::nullopt;
        if (!clean.empty() && !is_ignored_junk(clean))
            files.push_back(InstalledFile{clean, record.substr(0, 64)});
    }
    if (!in_links) return std::nullopt;
    return files;
}

std::optional<std::vector<InstalledFile>> hash_remotely(SshConnection& session, const std::string& dir,
                                                        std::vector<std::string>& refused,
                                                        std::string& how) {
    struct Attempt {
        const char* name;
        std::string command;
    };
    for (const Attempt& attempt : {Attempt{"sha256sum", remote_hash_command(dir)},
                                   Attempt{"php", remote_php_hash_command(dir)}}) {
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
        if (auto files = parse_remote_hashes(result->out, hostile)) {
            refused.insert(refused.end(), hostile.begin(), hostile.end());
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
