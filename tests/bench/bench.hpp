#pragma once
// kumo-bench: benchmarks that print figures next to a floor measured in the same run. They fail (exit 1)
// on a broken invariant (lost VMs, overcommitted hosts) and on a missed timing target, unless
// --report-only, which CI's bench-smoke uses so that timings on a shared machine never fail it.
#include "kumo/core/json.hpp"

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace kumo::bench {

struct options {
    int vms = 1000;
    int concurrency = 1000;
    int hosts_small = 3, hosts_large = 1000;
    int decisions = 20000;
    int rounds = 6;            // migrate: migrations per side
    int size_mib = 1024;       // upload: image size
    std::string kumo_binary;   // default: next to kumo-bench's build tree
    bool report_only = false;  // --report-only: a missed timing target is printed, not an exit 1 (CI)
};

int run_create(const options& o);
int run_place(const options& o);
int run_migrate(const options& o);
int run_upload(const options& o);

double seconds_since(std::chrono::steady_clock::time_point t0);
double percentile(std::vector<double> v, double p);  // p in [0,100]; 0 for an empty set

}  // namespace kumo::bench
