#pragma once
// The daemon's background work that outlives the request that started it (an image import, an export
// into the image store): every such coroutine is owned here, never detached, so an exception that
// ends one is logged with its name and SIGTERM waits for them (drain) instead of cutting them off
// mid-write. Core thread only.
#include "kumo/async/async.hpp"
#include "kumo/async/spawn.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <exception>
#include <string>

namespace kumo {

class background_tasks {
public:
    explicit background_tasks(asio::io_context& core) : core_(core) {}

    // Runs `task` in the background; `what` names it in the log if it ends with an exception.
    void spawn(awaitable<void> task, std::string component, std::string what) {
        ++running_;
        asio::co_spawn(core_, std::move(task),
                       [this, component = std::move(component), what = std::move(what)](std::exception_ptr e) {
                           --running_;
                           log_task_end(component, what, e);
                       });
    }

    std::size_t running() const { return running_; }

    // Waits until every task has ended, or until `deadline`.
    awaitable<void> drain(std::chrono::steady_clock::time_point deadline) {
        asio::steady_timer t(core_);
        while (running_ > 0 && std::chrono::steady_clock::now() < deadline) {
            t.expires_after(std::chrono::milliseconds(100));
            boost::system::error_code ec;
            co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
    }

private:
    asio::io_context& core_;
    std::size_t running_ = 0;
};

}  // namespace kumo
