#pragma once
// Fan-out of change events to WebSocket subscribers. Lives on the core thread.
#include "kumo/core/json.hpp"

#include <functional>
#include <map>
#include <string>

namespace kumo {

struct event {
    std::string type;    // operation, vm, host, flavor
    std::string action;  // created, updated, deleted
    std::string id;
    std::string project_id;  // empty: visible to admins only
    json data;
};

class event_bus {
public:
    using sink = std::function<void(const event&)>;
    // Returns a handle for unsubscribe.
    int subscribe(sink s);
    void unsubscribe(int handle);
    void publish(event e);

private:
    int next_ = 1;
    std::map<int, sink> sinks_;
};

// The wire form of an event (API.md).
json to_json(const event& e);

}  // namespace kumo
