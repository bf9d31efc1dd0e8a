#pragma once
// The store: the one SQLite connection and the one thread that uses it. Reads and writes are queued
// on that thread, so the connection needs no lock and writes never interleave.
//
// Writes are group-committed: the writes waiting when the thread gets to them run in one transaction,
// each in its own savepoint (a failing write undoes only itself), and one COMMIT - one fsync - makes
// them all durable. Each caller resumes only after that COMMIT, so "acknowledged" still means "on
// disk"; under load this turns thousands of fsyncs into tens.
#include "kumo/async/async.hpp"
#include "kumo/store/database.hpp"

#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <mutex>
#include <vector>

namespace kumo {

class store {
public:
    explicit store(std::unique_ptr<sql::database> db) : db_(std::move(db)) {}
    ~store() { pool_.join(); }

    // Runs f(database&) -> result<T> atomically on the store thread; resumes the caller once committed.
    template <class F>
    auto write(F f) {
        using R = std::invoke_result_t<F&, sql::database&>;
        static_assert(std::is_default_constructible_v<R>, "store::write needs a default-constructible result");
        return asio::async_initiate<const asio::use_awaitable_t<>&, void(std::exception_ptr, R)>(
            [this](auto handler, F fn) {
                using H = decltype(handler);
                enqueue(std::make_unique<queued_write<F, H>>(std::move(fn), std::move(handler)));
            },
            asio::use_awaitable, std::move(f));
    }

    // Runs f(database&) -> result<T> without a transaction (single statements, snapshots not needed).
    template <class F>
    auto read(F f) {
        return run_on(pool_.get_executor(),
                      [this, fn = std::move(f)]() mutable { return db_->read([&] { return fn(*db_); }); });
    }

    // For start-up code that runs before the core loop: synchronous access on the calling thread.
    sql::database& unsafe_direct() { return *db_; }

    static constexpr std::size_t max_batch = 256;
    // Transactions committed by write batches so far (for tests and benchmarks).
    std::size_t batches_committed() const { return batches_.load(); }

private:
    struct pending_write {
        virtual ~pending_write() = default;
        // Runs the job in a savepoint; true when it succeeded (its changes are part of the batch).
        virtual bool run(sql::database& db) = 0;
        // Resumes the caller. `lost`: the batch did not commit, so a successful job reports this instead.
        virtual void finish(const error* lost) = 0;
    };

    template <class F, class Handler>
    struct queued_write final : pending_write {
        using R = std::invoke_result_t<F&, sql::database&>;
        queued_write(F f, Handler h)
            : fn(std::move(f)),
              handler(std::move(h)),
              home(asio::prefer(asio::get_associated_executor(handler), asio::execution::outstanding_work.tracked)) {}
        bool run(sql::database& db) override {
            try {
                value = db.savepoint([&] { return fn(db); });
                return static_cast<bool>(value);
            } catch (...) {
                failure = std::current_exception();
                return false;
            }
        }
        void finish(const error* lost) override {
            if (lost && !failure && value)
                value = *lost;
            asio::dispatch(home, [h = std::move(handler), f = failure, v = std::move(value)]() mutable {
                std::move(h)(f, std::move(v));
            });
        }
        F fn;
        Handler handler;
        decltype(asio::prefer(asio::get_associated_executor(std::declval<Handler&>()),
                              asio::execution::outstanding_work.tracked)) home;
        R value{};
        std::exception_ptr failure;
    };

    void enqueue(std::unique_ptr<pending_write> w);
    void drain();  // on the store thread

    std::unique_ptr<sql::database> db_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<pending_write>> queue_;
    bool drain_posted_ = false;
    std::atomic<std::size_t> batches_{0};
    asio::thread_pool pool_{1};
};

}  // namespace kumo
