#include "flavors.hpp"

#include "compute_views.hpp"
#include "kumo/core/clock.hpp"
#include "kumo/core/ids.hpp"
#include "kumo/ssh/ssh.hpp"
#include "vm_repo.hpp"

namespace kumo {

awaitable<result<flavor>> flavor_service::create(flavor f) {
    f.id = new_uuid();
    f.created_at = f.updated_at = to_rfc3339(system_clock().now());
    auto job = [f](sql::database& db) -> result<void> {
        repo::insert_flavor(db, f);
        return {};
    };
    KUMO_CO_TRY_VOID(co_await store_.write(std::move(job)));
    bus_.publish({"flavor", "created", f.id, "", flavor_view(f)});
    co_return f;
}

awaitable<result<std::vector<flavor>>> flavor_service::list(repo::list_query q) {
    auto job = [q](sql::database& db) -> result<std::vector<flavor>> { return repo::list_flavors(db, q); };
    auto found = co_await store_.read(std::move(job));
    co_return found;
}

awaitable<result<flavor>> flavor_service::get(std::string id) {
    auto job = [id](sql::database& db) -> result<flavor> {
        auto f = repo::find_flavor(db, id);
        if (!f)
            return make_error(errc::not_found, "flavor not found");
        return *f;
    };
    auto found = co_await store_.read(std::move(job));
    co_return found;
}

awaitable<result<void>> flavor_service::remove(std::string id) {
    auto job = [id](sql::database& db) -> result<void> {
        if (repo::flavor_in_use(db, id))
            return make_error(errc::conflict, "the flavor is used by VMs");
        if (!repo::delete_flavor(db, id))
            return make_error(errc::not_found, "flavor not found");
        return {};
    };
    KUMO_CO_TRY_VOID(co_await store_.write(std::move(job)));
    bus_.publish({"flavor", "deleted", id, "", json{{"id", id}}});
    co_return result<void>{};
}

awaitable<result<keypair>> keypair_service::create(const principal& who, std::string name, std::string public_key) {
    KUMO_CO_TRY(const ssh_host_key parsed, parse_public_key(public_key, "public_key"));
    keypair k;
    k.id = new_uuid();
    k.name = std::move(name);
    k.user_id = who.user_id;
    k.public_key = parsed.type + " " + parsed.base64;
    k.fingerprint = fingerprint_of(parsed);
    k.created_at = to_rfc3339(system_clock().now());
    auto job = [k](sql::database& db) -> result<void> {
        if (repo::find_keypair(db, k.user_id, k.name))
            return make_error(errc::conflict, "you already have a key pair named " + k.name);
        repo::insert_keypair(db, k);
        return {};
    };
    KUMO_CO_TRY_VOID(co_await store_.write(std::move(job)));
    co_return k;
}

awaitable<result<std::vector<keypair>>> keypair_service::list(const principal& who) {
    auto job = [user = who.user_id](sql::database& db) -> result<std::vector<keypair>> {
        return repo::list_keypairs(db, user);
    };
    auto found = co_await store_.read(std::move(job));
    co_return found;
}

awaitable<result<keypair>> keypair_service::get(const principal& who, std::string name) {
    auto job = [user = who.user_id, name](sql::database& db) -> result<keypair> {
        auto k = repo::find_keypair(db, user, name);
        if (!k)
            return make_error(errc::not_found, "key pair not found");
        return *k;
    };
    auto found = co_await store_.read(std::move(job));
    co_return found;
}

awaitable<result<void>> keypair_service::remove(const principal& who, std::string name) {
    auto job = [user = who.user_id, name](sql::database& db) -> result<void> {
        if (!repo::delete_keypair(db, user, name))
            return make_error(errc::not_found, "key pair not found");
        return {};
    };
    auto done = co_await store_.write(std::move(job));
    co_return done;
}

}  // namespace kumo
