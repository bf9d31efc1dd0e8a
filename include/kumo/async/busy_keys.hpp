#pragma once
// Keys under work (an image being copied to a host, say) and the coroutines waiting for them. One
// coroutine holds a key at a time; the others sleep until it lets go, then take turns. Each held key
// has one timer that never expires and is cancelled once, on release: waiters only wait on it, because
// re-arming a shared timer (expires_at) cancels every other waiter's wait, and with two waiters they
// wake each other forever (a busy loop on the core thread). A hold outliving its busy_keys (a frame
// destroyed with the io_context at shutdown, after the service) lets go of nothing. Core thread only.
#include "kumo/async/async.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>

#include <map>
#include <memory>
#include <string>
#include <utility>

namespace kumo {

class busy_keys {
    using table = std::map<std::string, std::shared_ptr<asio::steady_timer>>;

public:
    // Holding a key; letting go of the last copy of it releases the key and wakes its waiters.
    class hold {
    public:
        hold() = default;
        hold(hold&& o) noexcept : table_(std::move(o.table_)), key_(std::move(o.key_)) {}
        hold& operator=(hold&& o) noexcept {
            if (this != &o) {
                release();
                table_ = std::move(o.table_);
                key_ = std::move(o.key_);
            }
            return *this;
        }
        hold(const hold&) = delete;
        hold& operator=(const hold&) = delete;
        ~hold() { release(); }
        void release() {
            if (auto table = std::exchange(table_, {}).lock())
                release_in(*table, key_);
        }

    private:
        friend class busy_keys;
        hold(std::weak_ptr<table> t, std::string key) : table_(std::move(t)), key_(std::move(key)) {}
        std::weak_ptr<table> table_;
        std::string key_;
    };

    // Waits while someone else holds `key`, then holds it.
    awaitable<hold> acquire(std::string key) {
        for (auto it = held_->find(key); it != held_->end(); it = held_->find(key)) {
            std::shared_ptr<asio::steady_timer> released = it->second;
            boost::system::error_code ec;  // operation_aborted: the holder let go
            co_await released->async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        held_->emplace(key, std::make_shared<asio::steady_timer>(co_await asio::this_coro::executor,
                                                                 asio::steady_timer::time_point::max()));
        co_return hold(held_, std::move(key));
    }

    bool busy(const std::string& key) const { return held_->count(key) > 0; }

private:
    static void release_in(table& t, const std::string& key) {
        auto it = t.find(key);
        if (it == t.end())
            return;
        auto timer = std::move(it->second);
        t.erase(it);
        timer->cancel();
    }

    std::shared_ptr<table> held_ = std::make_shared<table>();
};

}  // namespace kumo
