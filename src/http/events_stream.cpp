#include "kumo/operations/event_bus.hpp"
#include "session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <deque>

namespace kumo::api {
namespace beast = boost::beast;
using namespace boost::asio::experimental::awaitable_operators;

namespace {

// Events waiting to be written to one subscriber; a slow subscriber loses the oldest, never blocks others.
struct outbox {
    explicit outbox(asio::any_io_executor ex) : wake(ex, std::chrono::steady_clock::time_point::max()) {}
    std::deque<std::string> queue;
    asio::steady_timer wake;
};

}  // namespace

template <class Stream>
awaitable<void> stream_events(Stream& ws, event_bus& events, const principal& who) {
    auto box = std::make_shared<outbox>(co_await asio::this_coro::executor);
    const int handle = events.subscribe([box, who](const event& e) {
        if (!who.can_see(e.project_id))
            return;
        if (box->queue.size() >= 1000)
            box->queue.pop_front();
        box->queue.push_back(to_json(e).dump());
        box->wake.cancel();
    });
    auto reader = [&]() -> awaitable<void> {
        beast::flat_buffer buf;
        for (;;) {
            auto [ec, n] = co_await ws.async_read(buf, asio::as_tuple(asio::use_awaitable));
            if (ec)
                co_return;
            buf.consume(n);
        }
    };
    auto writer = [&]() -> awaitable<void> {
        for (;;) {
            while (!box->queue.empty()) {
                std::string msg = std::move(box->queue.front());
                box->queue.pop_front();
                ws.text(true);
                auto [ec, n] = co_await ws.async_write(asio::buffer(msg), asio::as_tuple(asio::use_awaitable));
                if (ec)
                    co_return;
            }
            boost::system::error_code ec;
            co_await box->wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            box->wake.expires_at(std::chrono::steady_clock::time_point::max());
        }
    };
    co_await (reader() || writer());
    events.unsubscribe(handle);
}

template awaitable<void> stream_events(beast::websocket::stream<beast::tcp_stream>&, event_bus&, const principal&);
template awaitable<void> stream_events(beast::websocket::stream<beast::ssl_stream<beast::tcp_stream>>&, event_bus&,
                                       const principal&);

}  // namespace kumo::api
