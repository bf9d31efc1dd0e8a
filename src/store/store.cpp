#include "kumo/store/store.hpp"

#include "kumo/core/log.hpp"

namespace kumo {

void store::enqueue(std::unique_ptr<pending_write> w) {
    std::lock_guard g(mutex_);
    queue_.push_back(std::move(w));
    if (!drain_posted_) {
        drain_posted_ = true;
        asio::post(pool_, [this] { drain(); });
    }
}

void store::drain() {
    std::vector<std::unique_ptr<pending_write>> batch;
    {
        std::lock_guard g(mutex_);
        const std::size_t n = std::min(queue_.size(), max_batch);
        batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.begin() + n));
        queue_.erase(queue_.begin(), queue_.begin() + n);
        drain_posted_ = !queue_.empty();
        if (drain_posted_)
            asio::post(pool_, [this] { drain(); });  // reads queued meanwhile run in between
    }
    const error lost = make_error(errc::internal, "internal storage error");
    std::vector<bool> lost_work(batch.size(), false);
    std::size_t open_from = 0;  // first job whose changes are in the open transaction
    try {
        db_->begin_batch();
        for (std::size_t i = 0; i < batch.size(); ++i) {
            const bool ok = batch[i]->run(*db_);
            if (!db_->in_transaction()) {
                // SQLite ended the whole transaction (e.g. I/O error): earlier successes went with it.
                for (std::size_t j = open_from; j <= i; ++j)
                    lost_work[j] = true;
                (void)ok;
                open_from = i + 1;
                db_->begin_batch();
            }
        }
        db_->commit_batch();
        ++batches_;
    } catch (const sql::sql_error& e) {
        log::error("store", "group commit of {} writes failed: {}", batch.size(), e.what());
        db_->abort_batch();
        for (std::size_t j = open_from; j < batch.size(); ++j)
            lost_work[j] = true;
    }
    for (std::size_t i = 0; i < batch.size(); ++i)
        batch[i]->finish(lost_work[i] ? &lost : nullptr);
}

}  // namespace kumo
