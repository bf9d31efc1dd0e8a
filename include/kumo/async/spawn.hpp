#pragma once
// Starting an owned background coroutine: its owner ends it (a flag and a cancelled timer, or the
// connection it serves closing); an exception that ends it anyway is a bug, logged under `component`.
#include "kumo/async/async.hpp"
#include "kumo/core/log.hpp"

#include <boost/asio/io_context.hpp>

#include <exception>
#include <string>

namespace kumo {

inline void spawn_logged(asio::io_context& core, awaitable<void> task, std::string component) {
    asio::co_spawn(core, std::move(task), [component = std::move(component)](std::exception_ptr e) {
        if (!e)
            return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            log::error(component, "background task failed: {}", ex.what());
        }
    });
}

}  // namespace kumo
