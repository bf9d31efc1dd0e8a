#pragma once
// A message body read as it arrives, one caller buffer at a time, from a Beast parser with a
// buffer_body: an upload the server receives, or a download an import fetches. Each read has its own
// idle deadline, so a multi-GB transfer is bounded by silence, not by its length.
#include "kumo/http/byte_source.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace kumo {

template <class Stream, class Parser>
class http_body_source final : public byte_source {
public:
    http_body_source(Stream& s, boost::beast::flat_buffer& b, Parser& p, boost::beast::tcp_stream& tcp,
                     std::int64_t idle_s,
                     std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max())
        : stream_(s), buffer_(b), parser_(p), tcp_(tcp), idle_s_(idle_s), deadline_(deadline) {}

    awaitable<result<std::size_t>> read_some(char* out, std::size_t n) override {
        namespace http = boost::beast::http;
        while (!parser_.is_done()) {
            if (std::chrono::steady_clock::now() > deadline_)
                co_return make_error(errc::timeout, "the transfer took longer than allowed");
            parser_.get().body().data = out;
            parser_.get().body().size = n;
            tcp_.expires_after(std::chrono::seconds(idle_s_));
            auto [ec, ignored] =
                co_await http::async_read(stream_, buffer_, parser_, asio::as_tuple(asio::use_awaitable));
            if (ec == http::error::need_buffer)
                ec = {};
            if (ec)
                co_return make_error(errc::bad_request, "the transfer was interrupted: " + ec.message());
            const std::size_t got = n - parser_.get().body().size;
            if (got > 0)
                co_return got;
        }
        co_return std::size_t{0};
    }
    std::optional<std::uint64_t> declared_length() const override {
        auto len = parser_.content_length();
        return len ? std::optional<std::uint64_t>(*len) : std::nullopt;
    }

private:
    Stream& stream_;
    boost::beast::flat_buffer& buffer_;
    Parser& parser_;
    boost::beast::tcp_stream& tcp_;
    std::int64_t idle_s_;
    std::chrono::steady_clock::time_point deadline_;
};

}  // namespace kumo
