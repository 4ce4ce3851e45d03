#pragma once
// Private to the PostgreSQL ledger: the data of a COPY ... FROM STDIN sent by a thread of its
// own, so that mpsupport reads and encodes the next rows while the server stores the last
// ones. With one thread doing both, each blocking send waited for the server to drain the
// socket and the server then waited for the next rows: a 1,000,000-line COPY took the sum of
// the two (2.2 s) rather than the longer (1.2 s).
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "orders/pq_api.hpp"

namespace mps {

class PgCopySender {
  public:
    // The connection is the sender's from here until finish(): nothing else may use it.
    explicit PgCopySender(PGconn* connection);
    ~PgCopySender();  // finish()
    PgCopySender(const PgCopySender&) = delete;
    PgCopySender& operator=(const PgCopySender&) = delete;

    // send: queues `data` (a few buffers at most: waits while the queue is full) and hands
    // back an empty buffer to fill next. False once a send failed: finish(), then read the
    // connection's error.
    bool send(std::string& data);
    // finish: waits until everything queued is sent; the connection is the caller's again.
    // False if a send failed.
    bool finish();

  private:
    void run();
    PGconn* connection_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<std::string> queue_;
    std::vector<std::string> spare_;
    bool closing_ = false;
    bool failed_ = false;
    std::thread thread_;
};

}  // namespace mps
