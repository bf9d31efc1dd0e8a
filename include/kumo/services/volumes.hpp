#pragma once
// Data volumes (Cinder's job, on the hosts' local pools): create, extend, delete, attach to a VM and
// detach (hot-plug when the VM runs). A volume's file is made in the pool of the host of the VM it is
// first attached to and stays there: it can later attach only to VMs on that host. Core thread.
#include "kumo/core/config.hpp"
#include "kumo/model/identity.hpp"
#include "kumo/model/image.hpp"
#include "kumo/services/event_bus.hpp"
#include "kumo/services/host_registry.hpp"

namespace kumo {

class volume_service {
public:
    volume_service(store& db, event_bus& bus, host_registry& hosts, const config& cfg)
        : store_(db), bus_(bus), hosts_(hosts), cfg_(cfg) {}

    // Errors: forbidden (not project-scoped), quota_exceeded (volumes, volume_gb).
    awaitable<result<volume>> create(const principal& who, std::string name, int size_gb);
    awaitable<result<volume>> get(const principal& who, const std::string& id);
    awaitable<result<std::vector<volume>>> list(const principal& who, std::string marker, int limit);
    // Errors: not_found, conflict (attached), host_unreachable (its host is down).
    awaitable<result<void>> remove(const principal& who, const std::string& id);
    // Grows a detached volume. Errors: not_found, conflict (attached), validation_failed (size_gb),
    // quota_exceeded.
    awaitable<result<volume>> extend(const principal& who, const std::string& id, int size_gb);
    // Errors: not_found (VM or volume), conflict (volume not available, VM busy or elsewhere, no free
    // device), host_unreachable.
    awaitable<result<volume>> attach(const principal& who, const std::string& vm_id, const std::string& volume_id);
    // Errors: not_found, conflict (not attached to this VM), host_unreachable.
    awaitable<result<volume>> detach(const principal& who, const std::string& vm_id, const std::string& volume_id);

private:
    awaitable<void> save(volume v, const char* action);

    store& store_;
    event_bus& bus_;
    host_registry& hosts_;
    const config& cfg_;
};

json volume_view(const volume& v);
// The file name of a volume in its host's pool.
std::string volume_file(const volume& v);

}  // namespace kumo
