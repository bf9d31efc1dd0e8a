#pragma once
// A write whose loss would leave the database lying (a failed build still holding its claim, an
// operation forever "running", a VM's task lock never released): when the store fails it (errc::internal:
// a full disk, a locked file, which often clear) it is retried after 0.1, 1 and 5 s, and if it still
// fails, logged as an error with what was lost. A job's own refusal (not_found, conflict, ...) is its
// answer and is not retried. Returns whether it was written. Core thread.
#include "kumo/async/async.hpp"
#include "kumo/core/log.hpp"
#include "kumo/store/store.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <string>

namespace kumo {

template <class F>
awaitable<bool> lasting_write(store& st, F job, std::string what) {
    using namespace std::chrono_literals;
    static constexpr std::chrono::milliseconds pauses[] = {100ms, 1000ms, 5000ms};
    auto written = co_await st.write(job);
    for (auto pause : pauses) {
        if (written)
            co_return true;
        if (written.error().code != errc::internal)
            co_return false;
        log::warn("store", "cannot record {} ({}); retrying in {} ms", what, written.error().detail, pause.count());
        asio::steady_timer t(co_await asio::this_coro::executor, pause);
        boost::system::error_code ec;
        co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        written = co_await st.write(job);
    }
    if (!written && written.error().code == errc::internal)
        log::error("store", "lost: {} was not recorded: {}", what, written.error().detail);
    co_return static_cast<bool>(written);
}

}  // namespace kumo
