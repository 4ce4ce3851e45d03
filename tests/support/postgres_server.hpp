#pragma once
// A real PostgreSQL 15 for the ledger tests, started once per test process: a private cluster
// made with initdb in a temp dir (as the `postgres` user when the tests run as root), listening
// on a loopback port and on a socket in that dir, stopped when the process exits. Local logins
// are trusted, except the user password_user, whose password is checked (scram-sha-256). A
// server that cannot start throws: the tests fail, they are never skipped.
#include <filesystem>
#include <string>

namespace testing {

class PostgresServer {
  public:
    static PostgresServer& shared();
    ~PostgresServer();

    int port() const { return port_; }
    const std::filesystem::path& dir() const { return dir_; }
    // new_database: a fresh, empty database; its postgresql:// URL (user postgres, no password).
    std::string new_database();
    // url: the URL of database `name` for `user`.
    std::string url(const std::string& name, const std::string& user = "postgres") const;
    // psql: run one SQL command in database `name`; its output (unaligned, tuples only).
    std::string psql(const std::string& name, const std::string& sql) const;
    static constexpr const char* password_user = "mps_pw";
    static constexpr const char* password = "Ledger-pw-42";

  private:
    PostgresServer();
    std::filesystem::path dir_;
    int port_ = 0;
    int pid_ = -1;
    int databases_ = 0;
};

}  // namespace testing
