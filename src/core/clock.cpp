#include "kumo/core/clock.hpp"

#include <fmt/format.h>
#include <ctime>

namespace kumo {
namespace {

class wall_clock final : public clock {
public:
    sys_time now() const override { return std::chrono::system_clock::now(); }
};

}  // namespace

const clock& system_clock() {
    static const wall_clock instance;
    return instance;
}

std::string to_rfc3339(sys_time t) {
    const std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                       tm.tm_min, tm.tm_sec);
}

}  // namespace kumo
