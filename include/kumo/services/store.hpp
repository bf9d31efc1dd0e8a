#pragma once
// The store: the one SQLite connection and the one thread that uses it. Reads and writes are queued
// on that thread, so the connection needs no lock and writes never interleave.
#include "kumo/services/async.hpp"
#include "kumo/store/database.hpp"

#include <boost/asio/thread_pool.hpp>
#include <memory>

namespace kumo {

class store {
public:
    explicit store(std::unique_ptr<sql::database> db) : db_(std::move(db)) {}
    ~store() { pool_.join(); }

    // Runs f(database&) -> result<T> inside one write transaction on the store thread.
    template <class F>
    auto write(F f) {
        return run_on(pool_.get_executor(),
                      [this, fn = std::move(f)]() mutable { return db_->transaction([&] { return fn(*db_); }); });
    }

    // Runs f(database&) -> result<T> without a transaction (single statements, snapshots not needed).
    template <class F>
    auto read(F f) {
        return run_on(pool_.get_executor(),
                      [this, fn = std::move(f)]() mutable { return db_->read([&] { return fn(*db_); }); });
    }

    // For start-up code that runs before the core loop: synchronous access on the calling thread.
    sql::database& unsafe_direct() { return *db_; }

private:
    std::unique_ptr<sql::database> db_;
    asio::thread_pool pool_{1};
};

}  // namespace kumo
