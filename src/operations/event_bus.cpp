#include "kumo/operations/event_bus.hpp"

#include "kumo/core/clock.hpp"

namespace kumo {

int event_bus::subscribe(sink s) {
    const int h = next_++;
    sinks_.emplace(h, std::move(s));
    return h;
}

void event_bus::unsubscribe(int handle) {
    sinks_.erase(handle);
}

void event_bus::publish(event e) {
    // Copy: a sink may unsubscribe (or subscribe) while we iterate.
    auto sinks = sinks_;
    for (auto& [h, s] : sinks)
        s(e);
}

json to_json(const event& e) {
    return json{{"type", e.type},
                {"action", e.action},
                {"id", e.id},
                {"data", e.data},
                {"time", to_rfc3339(system_clock().now())}};
}

}  // namespace kumo
