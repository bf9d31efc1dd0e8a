#include "kumo/host/host.hpp"

namespace kumo {

const char* to_string(host_status s) {
    return s == host_status::up ? "up" : "down";
}

}  // namespace kumo
