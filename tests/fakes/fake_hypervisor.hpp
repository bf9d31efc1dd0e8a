#pragma once
// An in-memory hypervisor for service-tier tests: hosts can be made unreachable and their connections
// dropped on demand. The contract suite (tests/hypervisor/hypervisor_contract_test.cpp) runs against
// both this fake and the libvirt adapter, so the fake cannot drift from the real thing.
#include "kumo/hypervisor/hypervisor.hpp"

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace kumo::test {

struct link;  // one connection's open flag and callbacks

class fake_driver final : public hypervisor_driver {
public:
    // Adds a host reachable at `uri` ("fake:///<name>") with the given size.
    void add_host(const std::string& uri, int cpus, std::int64_t memory_mb);
    // Unreachable hosts refuse new connections with host_unreachable.
    void set_reachable(const std::string& uri, bool reachable);
    // Closes every open connection to the host, as a crashed libvirtd or a cut network would.
    void drop_connections(const std::string& uri);
    int connects(const std::string& uri);  // successful connections so far
    // Every connection attempt, refused ones too, when it reached the driver (backoff tests).
    std::vector<std::chrono::steady_clock::time_point> connect_attempts(const std::string& uri);
    // Connections to the host neither closed by their owner nor dropped.
    int open_connections(const std::string& uri);
    // While held, connect() blocks, as a slow SSH handshake would, so a test can act meanwhile.
    void hold_connects();
    void release_connects();
    int connects_waiting();  // connect() calls blocked by hold_connects()
    // From now on host `uri` sees the pools of host `with` (a shared pool: the same files on both).
    void share_storage(const std::string& uri, const std::string& with);
    // While held, the host's volume deletions block (a slow rm on NFS), so a test can act meanwhile.
    void hold_volume_deletes(const std::string& uri);
    void release_volume_deletes(const std::string& uri);
    int volume_deletes_waiting(const std::string& uri);
    // Whether the host's pool holds the volume (what the test sees directly, not through a connection).
    bool has_volume(const std::string& uri, const std::string& pool, const std::string& name);

    result<std::unique_ptr<hypervisor_connection>> connect(const std::string& uri,
                                                           connection_callbacks callbacks) override;

    struct domain {
        std::string name;
        power_state power = power_state::shutoff;
        std::map<std::string, power_state> snapshots;  // name -> the power state it was taken in
    };
    struct pool {
        std::string path;
        std::map<std::string, std::string> volumes;  // name -> content
    };
    struct host_state {
        host_inventory inventory;
        // By name; shared with other hosts after share_storage (one NFS export seen by several hosts).
        std::shared_ptr<std::map<std::string, pool>> pools = std::make_shared<std::map<std::string, pool>>();
        bool reachable = true;
        int connects = 0;
        std::vector<std::chrono::steady_clock::time_point> attempts;
        std::map<std::string, domain> domains;  // by uuid
        std::vector<std::weak_ptr<link>> links;
        bool deletes_held = false;
        int deletes_waiting = 0;
        std::condition_variable deletes_released;
    };

private:
    std::mutex mutex_;
    std::condition_variable released_;
    bool held_ = false;
    int waiting_ = 0;
    std::map<std::string, std::shared_ptr<host_state>> hosts_;
    friend class fake_connection;
};

}  // namespace kumo::test
