#include "integrity/core_checksums.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "integrity/entry_name.hpp"
#include "integrity/module_info.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/md5.hpp"

namespace fs = std::filesystem;

namespace mps {
namespace {

// XmlReader: a cursor over the document that fails with the line of the problem.
class XmlReader {
  public:
    XmlReader(std::string_view text, const std::string& origin, const CoreXmlLimits& limits)
        : text_(text), origin_(origin), limits_(limits) {}

    CoreChecksumList read() {
        if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
        skip_space();
        if (text_.substr(pos_, 5) == "<?xml") {
            std::size_t end = text_.find("?>", pos_);
            if (end == std::string_view::npos) fail("unterminated XML declaration");
            pos_ = end + 2;
        }
        skip_misc();
        Tag root = open_tag();
        if (root.name != "checksum_list")
            fail("the root element is <" + root.name + ">, not <checksum_list>");
        if (root.self_closing) fail("<checksum_list> is empty");
        bool seen_root_dir = false;
        for (;;) {
            skip_misc();
            if (at_end_tag()) {
                close_tag("checksum_list");
                break;
            }
            Tag tag = open_tag();
            if (tag.name != "ps_root_dir") fail("unexpected <" + tag.name + "> in <checksum_list>");
            if (seen_root_dir) fail("more than one <ps_root_dir>");
            seen_root_dir = true;
            auto version = tag.attribute("version");
            if (!version || !is_valid_version(*version) ||
                !std::isdigit(static_cast<unsigned char>(version->front())))
                fail("<ps_root_dir> needs a version=\"X.Y.Z\" attribute");
            list_.version = *version;
            if (!tag.self_closing) read_dir_body("", "ps_root_dir", 2);
        }
        skip_misc();
        if (pos_ != text_.size()) fail("content after </checksum_list>");
        if (!seen_root_dir) fail("no <ps_root_dir version=\"...\"> element");
        if (list_.files.empty()) fail("the list holds no files");
        return std::move(list_);
    }

  private:
    struct Tag {
        std::string name;
        std::vector<std::pair<std::string, std::string>> attributes;
        bool self_closing = false;
        std::optional<std::string> attribute(const std::string& key) const {
            for (const auto& [k, v] : attributes)
                if (k == key) return v;
            return std::nullopt;
        }
    };

    [[noreturn]] void fail(const std::string& what) const {
        std::size_t line =
            1 + std::count(text_.begin(), text_.begin() + std::min(pos_, text_.size()), '\n');
        throw Error(
            ErrorKind::usage,
            origin_ + ": line " + std::to_string(line) +
                ": not a PrestaShop checksum list: " + what,
            "give the XML PrestaShop publishes for the release (api.prestashop.com/xml/md5...)");
    }

    void skip_space() {
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                       text_[pos_] == '\r' || text_[pos_] == '\t'))
            ++pos_;
    }

    // skip_misc: white space and comments; declarations and other markup are refused here.
    void skip_misc() {
        for (;;) {
            skip_space();
            if (text_.substr(pos_, 4) == "<!--") {
                std::size_t end = text_.find("-->", pos_ + 4);
                if (end == std::string_view::npos) fail("unterminated comment");
                pos_ = end + 3;
                continue;
            }
            if (text_.substr(pos_, 9) == "<!DOCTYPE" || text_.substr(pos_, 8) == "<!ENTITY")
                fail("DOCTYPE and ENTITY declarations are refused (entity expansion)");
            if (text_.substr(pos_, 9) == "<![CDATA[")
                fail("CDATA sections are not part of this format");
            if (text_.substr(pos_, 2) == "<!" || text_.substr(pos_, 2) == "<?")
                fail("unexpected markup declaration or processing instruction");
            if (pos_ < text_.size() && text_[pos_] != '<') fail("unexpected text");
            return;
        }
    }

    bool at_end_tag() const { return text_.substr(pos_, 2) == "</"; }

    static bool name_char(char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
               c == ':';
    }

    std::string read_name() {
        std::size_t start = pos_;
        while (pos_ < text_.size() && name_char(text_[pos_])) ++pos_;
        if (pos_ == start || pos_ - start > 64) fail("bad element or attribute name");
        return std::string(text_.substr(start, pos_ - start));
    }

    // decode: text with the five XML entities and numeric character references (ASCII only).
    std::string decode(std::string_view raw) {
        std::string out;
        for (std::size_t i = 0; i < raw.size(); ++i) {
            char c = raw[i];
            if (c == '<') fail("'<' inside a value");
            if (c != '&') {
                out += c;
                continue;
            }
            std::size_t semi = raw.find(';', i);
            if (semi == std::string_view::npos || semi - i > 10) fail("bad entity reference");
            std::string_view ref = raw.substr(i + 1, semi - i - 1);
            if (ref == "amp")
                out += '&';
            else if (ref == "lt")
                out += '<';
            else if (ref == "gt")
                out += '>';
            else if (ref == "quot")
                out += '"';
            else if (ref == "apos")
                out += '\'';
            else if (ref.size() > 1 && ref[0] == '#') {
                unsigned long code = 0;
                try {
                    code = ref[1] == 'x' ? std::stoul(std::string(ref.substr(2)), nullptr, 16)
                                         : std::stoul(std::string(ref.substr(1)), nullptr, 10);
                } catch (const std::exception&) {
                    fail("bad character reference &" + std::string(ref) + ";");
                }
                if (code < 0x20 || code > 0x7e) fail("character reference outside printable ASCII");
                out += static_cast<char>(code);
            } else {
                fail("entity reference &" + std::string(ref) +
                     "; is refused (only the five XML entities)");
            }
            i = semi;
        }
        return out;
    }

    Tag open_tag() {
        if (pos_ >= text_.size() || text_[pos_] != '<') fail("expected an element");
        if (++elements_ > limits_.max_elements)
            fail("more than " + std::to_string(limits_.max_elements) + " elements");
        ++pos_;
        Tag tag;
        tag.name = read_name();
        for (;;) {
            skip_space();
            if (pos_ >= text_.size()) fail("unterminated <" + tag.name + ">");
            if (text_[pos_] == '>') {
                ++pos_;
                return tag;
            }
            if (text_.substr(pos_, 2) == "/>") {
                pos_ += 2;
                tag.self_closing = true;
                return tag;
            }
            std::string key = read_name();
            skip_space();
            if (pos_ >= text_.size() || text_[pos_] != '=')
                fail("attribute " + key + " without a value");
            ++pos_;
            skip_space();
            if (pos_ >= text_.size() || (text_[pos_] != '"' && text_[pos_] != '\''))
                fail("unquoted attribute");
            char quote = text_[pos_++];
            std::size_t end = text_.find(quote, pos_);
            if (end == std::string_view::npos || end - pos_ > 4096)
                fail("unterminated attribute value");
            std::string value = decode(text_.substr(pos_, end - pos_));
            pos_ = end + 1;
            for (const auto& [k, v] : tag.attributes)
                if (k == key) fail("attribute " + key + " given twice");
            tag.attributes.emplace_back(std::move(key), std::move(value));
            if (tag.attributes.size() > 8) fail("too many attributes");
        }
    }

    void close_tag(const std::string& name) {
        pos_ += 2;
        std::string got = read_name();
        skip_space();
        if (got != name || pos_ >= text_.size() || text_[pos_] != '>')
            fail("</" + got + "> does not close <" + name + ">");
        ++pos_;
    }

    std::string file_name(const Tag& tag) {
        auto name = tag.attribute("name");
        if (!name) fail("<" + tag.name + "> without a name attribute");
        const std::string& n = *name;
        if (!is_utf8(n))
            fail("name \"" + escaped_name(n, 80) +
                 "\" is not UTF-8 (a list saved in another encoding?)");
        if (n.empty() || n == "." || n == ".." || n.size() > 255 ||
            n.find_first_of("/\\") != std::string::npos ||
            std::any_of(n.begin(), n.end(),
                        [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
            fail("unsafe name \"" + escaped_name(n, 80) +
                 "\" (empty, '.', '..', a slash or a control character)");
        return n;
    }

    void read_dir_body(const std::string& prefix, const std::string& element, int depth) {
        if (depth > limits_.max_depth)
            fail("nested deeper than " + std::to_string(limits_.max_depth) + " levels");
        for (;;) {
            skip_misc();
            if (pos_ >= text_.size()) fail("unterminated <" + element + ">");
            if (at_end_tag()) {
                close_tag(element);
                return;
            }
            Tag tag = open_tag();
            std::string path = prefix + file_name(tag);
            if (path.size() > 4096) fail("path too long");
            if (tag.name == "dir") {
                if (!tag.self_closing) read_dir_body(path + "/", "dir", depth + 1);
            } else if (tag.name == "md5file") {
                if (tag.self_closing) fail("<md5file name=\"" + path + "\"/> without a digest");
                std::size_t end = text_.find('<', pos_);
                if (end == std::string_view::npos) fail("unterminated <md5file>");
                std::string digest =
                    decode(text_.substr(pos_, std::min<std::size_t>(end - pos_, 200)));
                if (end - pos_ > 200) fail("digest too long");
                pos_ = end;
                auto first = digest.find_first_not_of(" \t\r\n");
                auto last = digest.find_last_not_of(" \t\r\n");
                digest = first == std::string::npos ? "" : digest.substr(first, last - first + 1);
                std::transform(digest.begin(), digest.end(), digest.begin(),
                               [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
                if (!is_md5_hex(digest)) fail("the digest of " + path + " is not 32 hex digits");
                if (!at_end_tag()) fail("<md5file> holds elements");
                close_tag("md5file");
                if (!list_.files.emplace(path, digest).second) fail(path + " is listed twice");
            } else {
                fail("unexpected <" + tag.name + "> (only <dir> and <md5file>)");
            }
        }
    }

    std::string_view text_;
    const std::string& origin_;
    const CoreXmlLimits& limits_;
    std::size_t pos_ = 0;
    std::size_t elements_ = 0;
    CoreChecksumList list_;
};

}  // namespace

CoreChecksumList parse_core_checksum_xml(std::string_view xml, const std::string& origin,
                                         const CoreXmlLimits& limits) {
    if (xml.size() > limits.max_bytes)
        throw Error(ErrorKind::usage,
                    origin + ": " + std::to_string(xml.size()) +
                        " bytes is too large for a checksum list (limit " +
                        std::to_string(limits.max_bytes >> 20) + " MiB)",
                    "give the XML PrestaShop publishes for the release");
    return XmlReader(xml, origin, limits).read();
}

CoreImportOutcome CoreListStore::save(const CoreChecksumList& list) const {
    nlohmann::json doc = {
        {"schema", "mpsupport.core-list/1"},
        {"version", list.version},
        {"source", is_utf8(list.source) ? list.source : escaped_name(list.source, 4096)},
        {"imported_at", list.imported_at},
        {"files", list.files}};
    CoreImportOutcome outcome = CoreImportOutcome::added;
    if (auto stored = load(list.version)) {
        if (stored->files == list.files) return CoreImportOutcome::unchanged;
        outcome = CoreImportOutcome::replaced;
    }
    ensure_directory(dir_);
    write_file_atomic(dir_ / (list.version + ".json"), doc.dump(1));
    return outcome;
}

std::optional<CoreChecksumList> CoreListStore::load(const std::string& version) const {
    if (!is_valid_version(version)) return std::nullopt;
    fs::path path = dir_ / (version + ".json");
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return std::nullopt;
    auto damaged = [&](const std::string& why) {
        return Error(ErrorKind::usage, "damaged core checksum list " + path.string() + ": " + why,
                     "import the list again with 'mpsupport pristine import-core'");
    };
    CoreChecksumList list;
    try {
        auto doc = nlohmann::json::parse(read_file(path));
        list.version = doc.at("version").get<std::string>();
        list.source = doc.value("source", "");
        list.imported_at = doc.value("imported_at", "");
        list.files = doc.at("files").get<std::map<std::string, std::string>>();
    } catch (const nlohmann::json::exception& e) {
        throw damaged(e.what());
    }
    if (list.version != version) throw damaged("it holds version " + list.version);
    for (const auto& [file, md5] : list.files)
        if (!is_md5_hex(md5) || file.empty() || file.front() == '/' || file.back() == '/' ||
            ("/" + file + "/").find("/../") != std::string::npos ||
            ("/" + file + "/").find("/./") != std::string::npos)
            throw damaged("bad entry " + file);
    return list;
}

std::vector<std::string> CoreListStore::versions() const {
    std::vector<std::string> out;
    std::error_code ec;
    if (!fs::is_directory(dir_, ec)) return out;
    for (const auto& entry : fs::directory_iterator(dir_, ec)) {
        auto name = entry.path().filename().string();
        if (entry.is_regular_file() && entry.path().extension() == ".json" &&
            name.find(".tmp-") == std::string::npos &&
            is_valid_version(entry.path().stem().string()))
            out.push_back(entry.path().stem().string());
    }
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return version_less(a, b); });
    return out;
}

}  // namespace mps
