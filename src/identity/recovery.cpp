#include "kumo/identity/recovery.hpp"

#include "identity_repo.hpp"
#include "kumo/core/clock.hpp"
#include "kumo/core/crypto.hpp"
#include "kumo/core/ids.hpp"
#include "kumo/core/log.hpp"

#include <chrono>

namespace kumo::identity {

result<recovered_admin> recover_admin(sql::database& db, const std::string& user_name) {
    return db.transaction([&]() -> result<recovered_admin> {
        const std::string now = to_rfc3339(system_clock().now());
        const std::string password = random_hex(12);
        auto u = repo::find_user_by_name(db, user_name);
        if (!u) {
            repo::insert_user(
                db, {new_uuid(), user_name, kDefaultDomainId, "", crypto::hash_password(password), true, now, now});
            u = repo::find_user_by_name(db, user_name);
        } else {
            u->enabled = true;
            u->password_hash = crypto::hash_password(password);
            u->updated_at = now;
            repo::update_user(db, *u);
        }
        if (!u)
            return make_error(errc::internal, "cannot create user " + user_name);
        if (auto d = repo::find_domain(db, u->domain_id); d && !d->enabled) {
            d->enabled = true;
            d->updated_at = now;
            repo::update_domain(db, *d);
        }
        if (repo::list_assignments(db, {u->id, "cloud", "", "admin"}).empty())
            repo::insert_assignment(db, {new_uuid(), "user", u->id, "cloud", "", "admin", "", now});
        // Sessions opened with the old password end (a token issued before the cutoff is dead).
        const auto now_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(system_clock().now().time_since_epoch()).count();
        repo::set_token_cutoff(db, "user:" + u->id, now_ms);
        log::info("identity", "recovered cloud administrator {}", user_name);
        return recovered_admin{u->id, password};
    });
}

}  // namespace kumo::identity
