#include "orders/pg_copy_sender.hpp"

namespace mps {
namespace {

constexpr std::size_t kQueuedBuffers = 4;

}  // namespace

PgCopySender::PgCopySender(PGconn* connection)
    : connection_(connection), thread_([this] { run(); }) {}

PgCopySender::~PgCopySender() {
    finish();
}

bool PgCopySender::send(std::string& data) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return failed_ || queue_.size() < kQueuedBuffers; });
    if (failed_) return false;
    queue_.push_back(std::move(data));
    data.clear();
    if (!spare_.empty()) {
        data = std::move(spare_.back());
        spare_.pop_back();
    }
    changed_.notify_all();
    return true;
}

bool PgCopySender::finish() {
    {
        std::lock_guard lock(mutex_);
        closing_ = true;
    }
    changed_.notify_all();
    if (thread_.joinable()) thread_.join();
    return !failed_;
}

void PgCopySender::run() {
    std::unique_lock lock(mutex_);
    while (true) {
        changed_.wait(lock, [&] { return closing_ || !queue_.empty(); });
        if (queue_.empty()) return;  // closing, all sent
        std::string data = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        bool sent =
            pq().PQputCopyData(connection_, data.data(), static_cast<int>(data.size())) == 1;
        lock.lock();
        data.clear();
        spare_.push_back(std::move(data));
        if (!sent) {
            failed_ = true;
            queue_.clear();
            changed_.notify_all();
            return;
        }
        changed_.notify_all();
    }
}

}  // namespace mps
