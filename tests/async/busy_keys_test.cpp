// busy_keys: one holder per key, waiters take turns, and waiting costs nothing (no busy loop: each
// waiter sleeps until the release instead of re-arming a timer the others wait on).
#include "kumo/async/busy_keys.hpp"

#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <string>
#include <vector>
#include "kumo_catch.hpp"

using namespace kumo;

namespace {

awaitable<void> hold_for(busy_keys& keys, std::string key, std::chrono::milliseconds how_long,
                         std::vector<std::string>& log, std::string who) {
    auto held = co_await keys.acquire(key);
    log.push_back(who + " in");
    asio::steady_timer t(co_await asio::this_coro::executor, how_long);
    co_await t.async_wait(asio::use_awaitable);
    log.push_back(who + " out");
}

}  // namespace

TEST_CASE("busy_keys: waiters take turns and do not spin while the holder works", "[async]") {
    asio::io_context io;
    busy_keys keys;
    std::vector<std::string> log;
    using std::chrono::milliseconds;
    asio::co_spawn(io, hold_for(keys, "image-1", milliseconds(300), log, "a"), asio::detached);
    for (const char* who : {"b", "c", "d"})
        asio::co_spawn(io, hold_for(keys, "image-1", milliseconds(10), log, who), asio::detached);
    asio::co_spawn(io, hold_for(keys, "image-2", milliseconds(10), log, "other"), asio::detached);
    const std::size_t handlers = io.run();
    // Three waiters re-arming one timer would wake each other thousands of times in 300 ms.
    CHECK(handlers < 200);
    REQUIRE(log.size() == 10);
    CHECK(log[0] == "a in");
    // Nobody enters image-1 while someone holds it.
    int inside = 0;
    for (const auto& line : log) {
        if (line.rfind("other", 0) == 0)
            continue;
        inside += line.ends_with(" in") ? 1 : -1;
        CHECK(inside <= 1);
    }
    CHECK_FALSE(keys.busy("image-1"));
    CHECK_FALSE(keys.busy("image-2"));
}

awaitable<void> hold_and_let_go(busy_keys& keys) {
    auto held = co_await keys.acquire("k");
    busy_keys::hold moved = std::move(held);
    CHECK(keys.busy("k"));
    moved.release();
    moved.release();  // twice is harmless
}

awaitable<void> enter(busy_keys& keys, bool& entered) {
    auto held = co_await keys.acquire("k");
    entered = true;
}

TEST_CASE("busy_keys: a hold moved or released early lets the next waiter in once", "[async]") {
    asio::io_context io;
    busy_keys keys;
    bool second_in = false;
    asio::co_spawn(io, hold_and_let_go(keys), asio::detached);
    asio::co_spawn(io, enter(keys, second_in), asio::detached);
    io.run();
    CHECK(second_in);
    CHECK_FALSE(keys.busy("k"));
}
