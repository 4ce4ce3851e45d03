#pragma once
// Private to core/orders: a minimal RAII wrapper over the SQLite C API. Errors throw
// mps::Error naming the database file. Not part of any public header.
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace mps::sqlite {

class Database;

// Statement: a prepared statement; bind with 1-based indexes, step() until it returns false.
class Statement {
  public:
    Statement(Database& db, std::string_view sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, std::string_view text);
    // bind_static: like bind, without a copy: `text` must stay valid until reset().
    Statement& bind_static(int index, std::string_view text);
    Statement& bind(int index, std::int64_t value);
    Statement& bind_null(int index);
    // step: true when a row is available, false when done.
    bool step();
    void reset();
    std::int64_t integer(int column) const;
    std::string text(int column) const;
    bool is_null(int column) const;

  private:
    Database& db_;
    sqlite3_stmt* stmt_ = nullptr;
};

class Database {
  public:
    // Database: open `path` (read-write creates it); busy_timeout_ms makes concurrent writers wait.
    Database(const std::filesystem::path& path, bool read_only, int busy_timeout_ms);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    void exec(std::string_view sql);
    std::int64_t scalar(std::string_view sql);
    std::string scalar_text(std::string_view sql);
    int changes() const;
    [[noreturn]] void fail(const std::string& what) const;
    sqlite3* handle() { return db_; }
    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
    sqlite3* db_ = nullptr;
};

// Transaction: BEGIN IMMEDIATE (takes the write lock now, waiting up to the busy timeout);
// rolls back unless commit() was called.
class Transaction {
  public:
    explicit Transaction(Database& db, bool immediate = true);
    ~Transaction();
    void commit();

  private:
    Database& db_;
    bool done_ = false;
};

}  // namespace mps::sqlite
