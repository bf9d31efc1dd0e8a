#pragma once
// Starting an owned background coroutine: its owner ends it (a flag and a cancelled timer, or the
// connection it serves closing); an exception that ends it anyway is a bug, logged under `component`
// with what the task was, so nothing dies unnoticed.
#include "kumo/async/async.hpp"
#include "kumo/core/log.hpp"

#include <boost/asio/io_context.hpp>

#include <exception>
#include <string>

namespace kumo {

// Logs the exception that ended `task`, if any.
inline void log_task_end(const std::string& component, const std::string& task, std::exception_ptr e) {
    if (!e)
        return;
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& ex) {
        log::error(component, "{} failed: {}", task, ex.what());
    } catch (...) {
        log::error(component, "{} failed: unknown exception", task);
    }
}

inline void spawn_logged(asio::io_context& core, awaitable<void> task, std::string component,
                         std::string what = "background task") {
    asio::co_spawn(core, std::move(task),
                   [component = std::move(component), what = std::move(what)](std::exception_ptr e) {
                       log_task_end(component, what, e);
                   });
}

}  // namespace kumo
