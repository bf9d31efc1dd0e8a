#include "bench.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string_view>

namespace kumo::bench {

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double percentile(std::vector<double> v, double p) {
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
    return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

}  // namespace kumo::bench

namespace {

int usage() {
    fmt::print(stderr,
               "usage: kumo-bench create [--vms N] [--concurrency C] [--kumo PATH]\n"
               "       kumo-bench place [--hosts-small N] [--hosts-large N] [--decisions K] [--report-only]\n"
               "       kumo-bench migrate [--rounds N]   (root: brings up the three-node lab)\n"
               "       kumo-bench upload [--size-mib N]  (root for the root-disk figures)\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2)
        return usage();
    kumo::bench::options o;
    o.kumo_binary = KUMO_BINARY;
    for (int i = 2; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--report-only") {
            o.report_only = true;
            continue;
        }
        if (i + 1 >= argc)
            return usage();
        const char* v = argv[++i];
        if (a == "--kumo") {
            o.kumo_binary = v;
            continue;
        }
        const int n = std::atoi(v);
        if (n <= 0)
            return usage();
        if (a == "--vms")
            o.vms = n;
        else if (a == "--concurrency")
            o.concurrency = n;
        else if (a == "--hosts-small")
            o.hosts_small = n;
        else if (a == "--hosts-large")
            o.hosts_large = n;
        else if (a == "--decisions")
            o.decisions = n;
        else if (a == "--rounds")
            o.rounds = n;
        else if (a == "--size-mib")
            o.size_mib = n;
        else
            return usage();
    }
    const std::string_view cmd = argv[1];
    if (cmd == "create")
        return kumo::bench::run_create(o);
    if (cmd == "place")
        return kumo::bench::run_place(o);
    if (cmd == "migrate")
        return kumo::bench::run_migrate(o);
    if (cmd == "upload")
        return kumo::bench::run_upload(o);
    return usage();
}
