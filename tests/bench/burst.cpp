#include "burst.hpp"

#include "kumo/core/json.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <memory>

namespace kumo::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

struct shared_state {
    tcp::endpoint endpoint;
    std::string token, flavor_id;
    int n = 0;
    int next = 0;  // one thread: no atomics needed
    burst_result out;
};

http::request<http::string_body> create_request(const shared_state& s, int i) {
    http::request<http::string_body> req{http::verb::post, "/api/v1/vms", 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::authorization, "Bearer " + s.token);
    req.set(http::field::content_type, "application/json");
    req.keep_alive(true);
    req.body() = json{{"name", "bench-" + std::to_string(i)}, {"flavor_id", s.flavor_id}}.dump();
    req.prepare_payload();
    return req;
}

void record_failure(shared_state& s, const std::string& what) {
    ++s.out.failed;
    if (s.out.failures.size() < 5)
        s.out.failures.push_back(what);
}

// One connection: sends requests one after another until all n are taken.
asio::awaitable<void> worker(std::shared_ptr<shared_state> s) {
    auto ex = co_await asio::this_coro::executor;
    std::unique_ptr<beast::tcp_stream> stream;
    beast::flat_buffer buf;
    while (s->next < s->n) {
        const int i = s->next++;
        try {
            if (!stream) {
                stream = std::make_unique<beast::tcp_stream>(ex);
                co_await stream->async_connect(s->endpoint, asio::use_awaitable);
            }
            auto req = create_request(*s, i);
            const auto t0 = std::chrono::steady_clock::now();
            co_await http::async_write(*stream, req, asio::use_awaitable);
            http::response<http::string_body> res;
            co_await http::async_read(*stream, buf, res, asio::use_awaitable);
            const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
            if (res.result_int() == 202) {
                ++s->out.accepted;
                s->out.accept_ms.push_back(ms);
            } else {
                record_failure(*s, std::to_string(res.result_int()) + ": " + res.body());
            }
            if (!res.keep_alive())
                stream.reset();
        } catch (const std::exception& e) {
            record_failure(*s, std::string("transport: ") + e.what());
            stream.reset();
        }
    }
}

}  // namespace

burst_result fire_creates(const std::string& url, const std::string& token, const std::string& flavor_id, int n,
                          int concurrency) {
    // url: http://127.0.0.1:PORT
    const auto colon = url.rfind(':');
    auto s = std::make_shared<shared_state>();
    s->endpoint = tcp::endpoint(asio::ip::make_address("127.0.0.1"),
                                static_cast<unsigned short>(std::stoi(url.substr(colon + 1))));
    s->token = token;
    s->flavor_id = flavor_id;
    s->n = n;
    asio::io_context io;
    for (int c = 0; c < std::min(concurrency, n); ++c)
        asio::co_spawn(io, worker(s), asio::detached);
    io.run();
    return std::move(s->out);
}

}  // namespace kumo::bench
