#include "orders/orders_import.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "util/error.hpp"
#include "util/log.hpp"
#include "util/progress.hpp"

namespace mps {
namespace {

// CsvFile: the CSV opened once (symlinks not followed, a regular file), read from any offset.
class CsvFile {
  public:
    explicit CsvFile(const std::filesystem::path& path) : path_(path) {
        // O_NONBLOCK: a FIFO put in place of the file must not hang the import.
        int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
        if (fd < 0) fail(errno);
        fd_ = std::shared_ptr<int>(new int(fd), [](int* p) {
            ::close(*p);
            delete p;
        });
        struct stat st {};
        if (::fstat(fd, &st) != 0) fail(errno);
        if (S_ISDIR(st.st_mode)) fail(EISDIR);
        if (!S_ISREG(st.st_mode))
            throw Error(ErrorKind::usage, "cannot read " + path.string() + ": not a regular file");
        size_ = static_cast<std::uint64_t>(st.st_size);
    }

    std::uint64_t size() const { return size_; }

    // input: the file's bytes from `offset` on.
    CsvInput input(std::uint64_t offset) const {
        return [fd = fd_, path = path_, offset](char* buffer, std::size_t size) mutable {
            while (true) {
                ssize_t got = ::pread(*fd, buffer, size, static_cast<off_t>(offset));
                if (got < 0 && errno == EINTR) continue;
                if (got < 0)
                    throw Error(ErrorKind::usage,
                                "cannot read " + path.string() + ": " + std::strerror(errno));
                offset += static_cast<std::uint64_t>(got);
                return static_cast<std::size_t>(got);
            }
        };
    }

  private:
    [[noreturn]] void fail(int err) const {
        throw Error(ErrorKind::usage, "cannot read " + path_.string() + ": " + std::strerror(err));
    }
    std::filesystem::path path_;
    std::shared_ptr<int> fd_;
    std::uint64_t size_ = 0;
};

// Seen: a valid row as the duplicate check keeps it: 16 bytes, whatever the row's size.
struct Seen {
    std::uint32_t hash = 0;  // of (reference, module, extended_months)
    std::uint32_t line = 0;  // physical line (saturated)
    std::uint64_t offset = 0;
};

std::uint32_t key_hash(const OrderLine& line) {
    std::hash<std::string_view> hash;
    std::size_t h = hash(line.reference) * 31 + hash(line.module) * 7 +
                    static_cast<std::size_t>(line.extended_months);
    return static_cast<std::uint32_t>(h ^ (h >> 32));
}

// changed: the error for a file that changed between (or during) the reads.
Error changed(const std::string& name, std::size_t line) {
    return Error(ErrorKind::usage,
                 name + ":" + std::to_string(line) + ": the file changed while it was imported; " +
                     "nothing imported",
                 "import it again once it is complete");
}

// kProgressRows: rows between two progress reports.
constexpr std::uint64_t kProgressRows = 1024;

// Checked: what the first read found.
struct Checked {
    std::size_t rows = 0;
    char delimiter = ',';
    BadRows bad;                                  // field and syntax problems, in file order
    std::vector<BadRow> repeats;                  // rows repeating an order line with other values
    std::vector<std::size_t> skip;                // lines of repeated order lines (dropped), sorted
    std::size_t good = 0;                         // rows to import
    std::vector<std::uint64_t> extension_groups;  // extension_group() of the extension rows
};

// find_repeats: among `seen` (valid rows), the rows that repeat an earlier row's order line:
// rows with equal hashes are read again and compared.
void find_repeats(std::vector<Seen>& seen, const CsvFile& file, const std::string& name,
                  const OrdersCsvReader& reader, Checked& checked) {
    std::sort(seen.begin(), seen.end(), [](const Seen& a, const Seen& b) {
        return a.hash != b.hash ? a.hash < b.hash : a.offset < b.offset;
    });
    for (std::size_t i = 0; i < seen.size();) {
        std::size_t end = i + 1;
        while (end < seen.size() && seen[end].hash == seen[i].hash) ++end;
        if (end - i > 1) {
            std::vector<CsvRow> rows;
            for (std::size_t k = i; k < end; ++k)
                rows.push_back(
                    reader.row_at(file.input(seen[k].offset), seen[k].offset, seen[k].line));
            for (std::size_t k = 0; k < rows.size(); ++k) {
                if (!rows[k].problems.empty()) throw changed(name, rows[k].line);
                for (std::size_t first = 0; first < k; ++first) {
                    if (line_key(rows[first].order) != line_key(rows[k].order)) continue;
                    if (auto problem = repeat_problem(rows[first].order, rows[first].line,
                                                      rows[k].order, rows[k].line))
                        checked.repeats.push_back(std::move(*problem));
                    checked.skip.push_back(rows[k].line);
                    break;
                }
            }
        }
        i = end;
    }
    std::sort(checked.skip.begin(), checked.skip.end());
    std::sort(checked.repeats.begin(), checked.repeats.end(),
              [](const BadRow& a, const BadRow& b) { return a.line < b.line; });
}

// check_file: the first read: every row validated, repeated order lines found.
Checked check_file(const CsvFile& file, const std::string& name, int max_months,
                   Progress* progress) {
    Checked checked;
    OrdersCsvReader reader(file.input(0), name, max_months);
    checked.delimiter = reader.delimiter();
    std::vector<Seen> seen;
    // Address space only: pages are touched as rows come (a valid row has 19 bytes or more).
    seen.reserve(static_cast<std::size_t>(file.size() / 19 + 16));
    {
        ProgressTask task(progress, "check " + name, "rows", 0, file.size());
        std::uint64_t reported = 0, pending = 0;
        CsvRow row;
        while (reader.next(row)) {
            if (++pending == kProgressRows) {
                task.advance(pending, reader.bytes_read() - reported);
                reported = reader.bytes_read();
                pending = 0;
            }
            if (row.blank) continue;
            ++checked.rows;
            if (!row.problems.empty()) {
                for (auto& problem : row.problems) checked.bad.add(std::move(problem));
                continue;
            }
            if (row.order.is_extension())
                checked.extension_groups.push_back(extension_group(row.order));
            seen.push_back({key_hash(row.order),
                            static_cast<std::uint32_t>(std::min<std::size_t>(row.line, UINT32_MAX)),
                            row.offset});
        }
        task.advance(pending, reader.bytes_read() - reported);
    }
    std::size_t valid = seen.size();
    find_repeats(seen, file, name, reader, checked);
    checked.good = valid - checked.skip.size();
    return checked;
}

// merged: the listed problems of both kinds in line order, the first kMaxBadListed.
std::vector<BadRow> merged(std::vector<BadRow> a, const std::vector<BadRow>& b) {
    std::vector<BadRow> all;
    all.reserve(a.size() + b.size());
    std::merge(std::make_move_iterator(a.begin()), std::make_move_iterator(a.end()), b.begin(),
               b.end(), std::back_inserter(all),
               [](const BadRow& x, const BadRow& y) { return x.line < y.line; });
    if (all.size() > kMaxBadListed) all.resize(kMaxBadListed);
    return all;
}

// write_rows: the second read: the good rows, but the repeats, added to `import`.
void write_rows(const CsvFile& file, const std::string& name, int max_months,
                const Checked& checked, LineImport& import, Progress* progress) {
    OrdersCsvReader reader(file.input(0), name, max_months);
    ProgressTask task(progress, "import " + name, "rows", checked.good, 0);
    auto skip = checked.skip.begin();
    std::size_t rows = 0, bad = 0, added = 0, pending = 0;
    CsvRow row;
    while (reader.next(row)) {
        if (row.blank) continue;
        ++rows;
        if (!row.problems.empty()) {
            bad += row.problems.size();
            continue;
        }
        while (skip != checked.skip.end() && *skip < row.line) ++skip;
        if (skip != checked.skip.end() && *skip == row.line) continue;
        import.add(row.order);
        ++added;
        if (++pending == kProgressRows) {
            task.advance(pending);
            pending = 0;
        }
    }
    if (rows != checked.rows || bad != checked.bad.count || added != checked.good)
        throw changed(name, row.line);
}

}  // namespace

ImportResult import_orders_file(const ImportRequest& request, const PolicyConfig& policy) {
    const std::string name = request.file.string();
    CsvFile file(request.file);
    Checked checked = check_file(file, name, policy.max_support_months, request.progress);
    ImportResult result;
    result.file = name;
    result.rows = checked.rows;
    result.delimiter = checked.delimiter;
    result.bad_count = checked.bad.count + checked.repeats.size();
    result.bad = merged(std::move(checked.bad.listed), checked.repeats);
    if (result.bad_count > 0 && !request.skip_bad) return result;
    auto ledger = Ledger::open(request.ledger, false);
    auto import = ledger->begin_import("csv", request.now);
    import->expect_extensions(std::move(checked.extension_groups));
    write_rows(file, name, policy.max_support_months, checked, *import, request.progress);
    result.counts = import->commit();
    result.imported = true;
    log::info("{}: {} rows, {} new, {} updated, {} unchanged, {} bad", result.file, result.rows,
              result.counts.inserted, result.counts.updated, result.counts.unchanged,
              result.bad_count);
    return result;
}

}  // namespace mps
