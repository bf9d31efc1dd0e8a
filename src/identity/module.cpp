#include "kumo/identity/module.hpp"

#include "authentication.hpp"
#include "directory.hpp"
#include "identity_routes.hpp"
#include "kumo/core/crypto.hpp"

#include <cstdlib>
#include "kumo/identity/permissions.hpp"

namespace kumo {

struct identity_module::parts {
    parts(platform& p, token_keys keys, std::string audit_key)
        : cfg(p.cfg),
          db(p.db),
          resources(p.cfg),
          ids(p.db, p.blocking, p.cfg, std::move(keys)),
          dir(p.db, ids, p.cfg, resources, std::move(audit_key)),
          gate(ids, dir),
          routes{ids, dir} {}
    const config& cfg;
    store& db;
    std::optional<std::string> generated;
    project_resources resources;
    identity ids;
    directory dir;
    api::identity_gate gate;
    api::identity_api routes;
};

identity_module::identity_module(platform& p, token_keys keys, std::string audit_key)
    : parts_(std::make_unique<parts>(p, std::move(keys), std::move(audit_key))) {}

identity_module::~identity_module() = default;

project_resources& identity_module::projects() {
    return parts_->resources;
}

api::access_gate& identity_module::gate() {
    return parts_->gate;
}

result<void> identity_module::open() {
    sql::database& db = parts_->db.unsafe_direct();
    const char* given = std::getenv("KUMO_ADMIN_PASSWORD");
    KUMO_TRY(parts_->generated, parts_->ids.bootstrap(db, given ? given : ""));
    if (parts_->generated)
        KUMO_TRY_VOID(
            crypto::write_secret_file(parts_->cfg.data_dir + "/initial-admin-password", *parts_->generated + "\n"));
    parts_->ids.load(db);
    return {};
}

const std::optional<std::string>& identity_module::generated_admin_password() const {
    return parts_->generated;
}

std::span<const permission_rule> identity_module::permissions() const {
    return identity_permissions();
}

void identity_module::add_routes(api::router& r) {
    auto& x = parts_->routes;
    api::add_auth_routes(r, x);
    api::add_domain_routes(r, x);
    api::add_project_routes(r, x);
    api::add_user_routes(r, x);
    api::add_group_routes(r, x);
    api::add_role_routes(r, x);
    api::add_app_credential_routes(r, x);
    api::add_audit_routes(r, x);
}

}  // namespace kumo
