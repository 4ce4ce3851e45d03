#pragma once
// Folder listings as FTP servers send them: MLSD (RFC 3659 facts) and LIST (Unix `ls -l` style
// as ProFTPD, vsftpd and pyftpdlib write it, and the MS-DOS style of IIS). The parsers only
// split what the server sent; the caller refuses hostile names (acceptable_remote_name).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "files/file_attributes.hpp"

namespace mps {

struct FtpListEntry {
    std::string name;         // as sent (may be hostile: the caller checks it)
    FileAttributes attrs;     // permissions carry S_IFREG, S_IFDIR or S_IFLNK when known
    std::string link_target;  // a symbolic link's target when the listing names it
};

// parse_mlsd_line: one MLSD/MLST line ("fact=value;fact=value; name"); nothing for a malformed
// line and for the "cdir"/"pdir" entries (the folder itself and its parent). Entries of other
// types (devices, unknown OS types) come back without type bits.
std::optional<FtpListEntry> parse_mlsd_line(std::string_view line);

// parse_list_line: one LIST line; nothing for "total N" and unparsable lines. `now` (seconds
// since the epoch) gives the year of dates written without one.
std::optional<FtpListEntry> parse_list_line(std::string_view line, long long now);

// FtpListingText: a folder's listing split into entries (lines end with CRLF or LF).
struct FtpListingText {
    std::vector<FtpListEntry> entries;
    std::size_t unparsed = 0;  // lines that were neither an entry nor "total N"/cdir/pdir
};
FtpListingText parse_ftp_listing(std::string_view text, bool mlsd, long long now);

// StatListing: a folder listed over the control connection ("STAT PATH": RFC 959's status of a
// folder, which ProFTPD, Pure-FTPd and others answer as LIST lines in a multi-line 212 reply),
// with no data connection: two round trips instead of five or six over TLS.
//
// A file name holding "\r\n212 End" would end that reply early and leave the rest of the
// listing to be read as the next reply. So STAT is followed by a command whose answer echoes a
// random path ("MDTM .mpsupport-NONCE": "550 .mpsupport-NONCE: No such file"): only when that
// answer comes right after the listing was the listing whole.
struct StatListing {
    int code = 0;              // the STAT reply's code (212: a folder; 213: a file; 450/550: none)
    bool well_formed = false;  // whole (the echo followed it) and every inner line padded (" ...")
    std::string text;          // the inner lines, padding removed, one per line (LIST format)
    std::string last_line;     // the STAT reply's final line (the server's words for a refusal)
};
// stat_listing: from the reply lines of a request whose last commands were STAT and the
// echoing command with `nonce` (lines before, from the login, are skipped).
StatListing stat_listing(const std::vector<std::string>& lines, const std::string& nonce);

// parse_mlsd_time: "YYYYMMDDHHMMSS[.sss]" (UTC) as seconds since the epoch.
std::optional<long long> parse_mlsd_time(std::string_view text);

}  // namespace mps
