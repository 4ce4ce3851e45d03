#include "config/config_edit.hpp"

#include <unistd.h>

#include <cstdlib>
#include <optional>

#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/text.hpp"

namespace mps {
namespace {

bool is_integer(const std::string& text) {
    if (text.empty()) return false;
    std::size_t start = text[0] == '-' || text[0] == '+' ? 1 : 0;
    return start < text.size() && text.find_first_not_of("0123456789_", start) == std::string::npos;
}

// current_value: the rendered value of `key`, looking also at a store or extended product
// that does not exist yet.
std::optional<std::string> current_value(const Config& config, const std::string& key) {
    for (const auto& [name, value] : config_entries(config))
        if (name == key) return value;
    auto parts = split(key, '.');
    if (parts.size() == 3 && parts[0] == "stores" && parts[2] == "sftp")
        return current_value(config, "stores." + parts[1] + ".files");  // its old name
    if (parts.size() == 3 && parts[0] == "stores" && !parts[1].empty()) {
        Config with_store = config;
        with_store.stores[parts[1]];
        for (const auto& [name, value] : config_entries(with_store))
            if (name == key) return value;
    }
    if (is_secret_source_key(key)) return "\"\"";
    if (parts.size() == 3 && parts[0] == "policy" && parts[1] == "extended_products" &&
        !parts[2].empty())
        return "0";
    return std::nullopt;
}

bool is_table_header(const std::string& line, std::string* name) {
    std::string t = trim(line);
    if (t.size() < 3 || t[0] != '[' || t[1] == '[') return false;
    auto close = t.find(']');
    if (close == std::string::npos) return false;
    if (name) *name = trim(t.substr(1, close - 1));
    return true;
}

// key_of: the key a `key = value` line sets, or empty.
std::string key_of(const std::string& line) {
    std::string t = trim(line);
    if (t.empty() || t[0] == '#') return {};
    auto equals = t.find('=');
    if (equals == std::string::npos) return {};
    std::string key = trim(t.substr(0, equals));
    if (key.size() >= 2 && (key.front() == '"' || key.front() == '\'') && key.back() == key.front())
        key = key.substr(1, key.size() - 2);
    return key;
}

// value_end: the index of the last line of the value starting on `lines[i]` (arrays may span
// lines).
std::size_t value_end(const std::vector<std::string>& lines, std::size_t i) {
    int depth = 0;
    for (std::size_t j = i; j < lines.size(); ++j) {
        bool in_string = false;
        const std::string& line = lines[j];
        std::size_t start = j == i ? line.find('=') + 1 : 0;
        for (std::size_t k = start; k < line.size(); ++k) {
            char c = line[k];
            if (c == '"' && (k == 0 || line[k - 1] != '\\')) in_string = !in_string;
            if (in_string) continue;
            if (c == '#') break;
            if (c == '[') ++depth;
            if (c == ']') --depth;
        }
        if (depth <= 0) return j;
    }
    return i;
}

}  // namespace

std::string toml_string(const std::string& value) {
    std::string out = "\"";
    for (unsigned char c : value) {
        if (c == '"' || c == '\\')
            out += '\\', out += static_cast<char>(c);
        else if (c == '\n')
            out += "\\n";
        else if (c == '\t')
            out += "\\t";
        else if (c < 0x20 || c == 0x7f) {
            char buffer[8];
            std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
            out += buffer;
        } else
            out += static_cast<char>(c);
    }
    return out + "\"";
}

std::string toml_value_for(const Config& config, const std::string& dotted_key,
                           const std::string& value) {
    auto current = current_value(config, dotted_key);
    if (!current)
        throw Error(ErrorKind::usage, "unknown configuration key '" + dotted_key + "'",
                    "'mpsupport config list' shows every key; stores are "
                    "stores.NAME.url|admin_url|files|modules|order, and the secrets' *_file / "
                    "*_command keys");
    const std::string& shape = *current;
    if (!shape.empty() && shape[0] == '"') return toml_string(value);
    if (!shape.empty() && shape[0] == '[') {
        std::string v = trim(value);
        if (!v.empty() && v[0] == '[') return v;
        bool numbers = shape != "[]" && shape.find('"') == std::string::npos;
        std::string out = "[";
        bool first = true;
        for (const auto& raw : split(v, ',')) {
            std::string item = trim(raw);
            if (item.empty()) continue;
            out += (first ? "" : ", ") + (numbers ? item : toml_string(item));
            first = false;
        }
        return out + "]";
    }
    if (shape == "true" || shape == "false") {
        if (value != "true" && value != "false")
            throw Error(ErrorKind::usage, dotted_key + " takes true or false, not '" + value + "'");
        return value;
    }
    if (is_integer(shape) && !is_integer(value))
        throw Error(ErrorKind::usage, dotted_key + " takes a whole number, not '" + value + "'");
    char* end = nullptr;
    std::string number = trim(value);
    std::strtod(number.c_str(), &end);
    if (number.empty() || *end != '\0')
        throw Error(ErrorKind::usage, dotted_key + " takes a number, not '" + value + "'");
    return number;
}

std::string set_toml_key(const std::string& text, const std::string& table, const std::string& key,
                         const std::string& value_toml) {
    bool bare =
        !key.empty() &&
        key.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") ==
            std::string::npos;
    std::vector<std::string> lines;
    for (auto line : split_lines(text)) lines.emplace_back(line);
    std::string current_table;
    std::size_t table_start = std::string::npos, table_last = std::string::npos;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        std::string name;
        if (is_table_header(lines[i], &name)) {
            current_table = name;
            if (name == table) table_start = table_last = i;
            continue;
        }
        if (current_table != table) continue;
        if (!trim(lines[i]).empty() && trim(lines[i])[0] != '#') table_last = i;
        if (key_of(lines[i]) == key) {
            std::size_t last = value_end(lines, i);
            lines.erase(lines.begin() + static_cast<long>(i) + 1,
                        lines.begin() + static_cast<long>(last) + 1);
            lines[i] = (bare ? key : toml_string(key)) + " = " + value_toml;
            return join(lines, "\n") + "\n";
        }
    }
    std::string setting = (bare ? key : toml_string(key)) + " = " + value_toml;
    if (table_start != std::string::npos) {
        lines.insert(lines.begin() + static_cast<long>(table_last) + 1, setting);
        return join(lines, "\n") + "\n";
    }
    while (!lines.empty() && trim(lines.back()).empty()) lines.pop_back();
    if (!lines.empty()) lines.emplace_back("");
    lines.push_back("[" + table + "]");
    lines.push_back(setting);
    return join(lines, "\n") + "\n";
}

void set_config_value(const std::filesystem::path& path, const Config& config,
                      const std::string& dotted_key, const std::string& value) {
    std::string value_toml = toml_value_for(config, dotted_key, value);
    auto dot = dotted_key.rfind('.');
    std::string table = dotted_key.substr(0, dot), key = dotted_key.substr(dot + 1);
    std::error_code ec;
    std::string text = std::filesystem::exists(path, ec) ? read_file(path) : std::string();
    std::string edited = set_toml_key(text, table, key, value_toml);
    if (path.has_parent_path()) ensure_directory(path.parent_path());
    // Validate the new text as the real loader reads it, before anything replaces the file.
    std::filesystem::path check = path.parent_path() / ("." + path.filename().string() + ".check." +
                                                        std::to_string(getpid()));
    write_file_atomic(check, edited, 0600);
    try {
        load_config(check, true);
    } catch (const Error& e) {
        std::filesystem::remove(check, ec);
        std::string why = e.what();
        auto colon = why.find(check.filename().string());
        if (colon != std::string::npos)
            why.replace(colon, check.filename().string().size(), path.filename().string());
        throw Error(ErrorKind::usage, "config set " + dotted_key + ": " + why,
                    e.hint().empty() ? "nothing was changed" : "nothing was changed; " + e.hint());
    }
    std::filesystem::remove(check, ec);
    write_file_atomic(path, edited, 0600);
}

}  // namespace mps
