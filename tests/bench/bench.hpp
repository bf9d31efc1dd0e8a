#pragma once
// kumo-bench: benchmarks that print figures next to a floor measured in the same run. Not timed
// tests: the only thing they fail on is a broken invariant (lost VMs, overcommitted hosts).
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
    int rounds = 6;           // migrate: migrations per side
    int size_mib = 1024;      // upload: image size
    std::string kumo_binary;  // default: next to kumo-bench's build tree
};

int run_create(const options& o);
int run_place(const options& o);
int run_migrate(const options& o);
int run_upload(const options& o);

double seconds_since(std::chrono::steady_clock::time_point t0);
double percentile(std::vector<double> v, double p);  // p in [0,100]; 0 for an empty set

}  // namespace kumo::bench
