#pragma once
// Executor hopping. The core io_context thread owns daemon state; blocking work (libvirt, SQLite,
// hashing) runs elsewhere and comes back through run_on.
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <type_traits>

namespace kumo {

namespace asio = boost::asio;
template <class T>
using awaitable = asio::awaitable<T>;

namespace detail {

template <class Executor>
struct run_on_initiation {
    Executor target;
    template <class Handler, class F>
    void operator()(Handler handler, F f) const {
        using R = std::invoke_result_t<F&>;
        auto home = asio::prefer(asio::get_associated_executor(handler), asio::execution::outstanding_work.tracked);
        asio::post(target, [h = std::move(handler), f = std::move(f), home]() mutable {
            std::exception_ptr failure;
            R value{};
            try {
                value = f();
            } catch (...) {
                failure = std::current_exception();
            }
            asio::dispatch(home, [h = std::move(h), failure, value = std::move(value)]() mutable {
                std::move(h)(failure, std::move(value));
            });
        });
    }
};

}  // namespace detail

// Runs f() on `ex` and resumes the calling coroutine on its own executor with f's result; an exception
// thrown by f is rethrown in the caller. (Deliberately not a coroutine lambda handed to co_spawn: GCC 12
// destroys such closures twice.) f's result type must be default-constructible.
template <class Executor, class F>
auto run_on(Executor ex, F f) {
    using R = std::invoke_result_t<F&>;
    static_assert(std::is_default_constructible_v<R>, "run_on needs a default-constructible result");
    return asio::async_initiate<const asio::use_awaitable_t<>&, void(std::exception_ptr, R)>(
        detail::run_on_initiation<Executor>{ex}, asio::use_awaitable, std::move(f));
}

}  // namespace kumo
