#pragma once
// Flavors (sizes VMs are made in; cloud-wide, administrators make them) and key pairs (each user's SSH
// public keys, copied into the VMs they create). Core thread.
#include "flavor.hpp"
#include "kumo/identity/model.hpp"
#include "kumo/operations/event_bus.hpp"
#include "kumo/store/list_query.hpp"
#include "kumo/store/store.hpp"
#include "vm.hpp"

namespace kumo {

class flavor_service {
public:
    flavor_service(store& db, event_bus& bus) : store_(db), bus_(bus) {}
    // `f`'s id and times are set here.
    awaitable<result<flavor>> create(flavor f);
    awaitable<result<std::vector<flavor>>> list(repo::list_query q);
    // Errors: not_found.
    awaitable<result<flavor>> get(std::string id);
    // Errors: not_found, conflict (VMs use it).
    awaitable<result<void>> remove(std::string id);

private:
    store& store_;
    event_bus& bus_;
};

class keypair_service {
public:
    explicit keypair_service(store& db) : store_(db) {}
    // `public_key` is an OpenSSH public key line. Errors: validation_failed (public_key), conflict (the
    // caller has a key pair of that name).
    awaitable<result<keypair>> create(const principal& who, std::string name, std::string public_key);
    awaitable<result<std::vector<keypair>>> list(const principal& who);
    // Errors: not_found.
    awaitable<result<keypair>> get(const principal& who, std::string name);
    awaitable<result<void>> remove(const principal& who, std::string name);

private:
    store& store_;
};

}  // namespace kumo
