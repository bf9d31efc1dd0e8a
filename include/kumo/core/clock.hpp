#pragma once
// Time is injected: domain code receives a clock (or a time point) instead of reading the system clock.
#include <chrono>
#include <string>

namespace kumo {

using sys_time = std::chrono::system_clock::time_point;

class clock {
public:
    virtual ~clock() = default;
    virtual sys_time now() const = 0;
};

// The real wall clock.
const clock& system_clock();

// A clock tests move by hand.
class manual_clock final : public clock {
public:
    explicit manual_clock(sys_time start) : now_(start) {}
    sys_time now() const override { return now_; }
    void advance(std::chrono::milliseconds d) { now_ += d; }

private:
    sys_time now_;
};

// RFC 3339 UTC with second precision, e.g. 2026-11-21T05:00:00Z.
std::string to_rfc3339(sys_time t);

}  // namespace kumo
