#pragma once
// Fires N authenticated create-VM requests over HTTP with C connections in flight (one Asio thread,
// Beast), recording each request's accept latency.
#include <string>
#include <vector>

namespace kumo::bench {

struct burst_result {
    std::vector<double> accept_ms;  // accepted (202) requests only
    int accepted = 0;
    std::vector<std::string> failures;  // "status: body" of the others, at most a few kept
    int failed = 0;
};

burst_result fire_creates(const std::string& url, const std::string& token, const std::string& flavor_id, int n,
                          int concurrency);

}  // namespace kumo::bench
