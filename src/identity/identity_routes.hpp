#pragma once
// The identity module's routes: one function per resource file, each given the services it uses.
#include "authentication.hpp"
#include "directory.hpp"
#include "kumo/http/router.hpp"

namespace kumo::api {

struct identity_api {
    identity& ids;
    directory& dir;
};

// What the router asks of identity: who a bearer token stands for (identity), and the audit log
// (directory).
class identity_gate final : public access_gate {
public:
    identity_gate(identity& ids, directory& dir) : ids_(ids), dir_(dir) {}
    result<principal> authenticate(std::string_view bearer) const override { return ids_.validate(bearer); }
    awaitable<void> audit(audit_entry e) override { co_await dir_.record(std::move(e)); }

private:
    identity& ids_;
    directory& dir_;
};

void add_auth_routes(router& r, identity_api& x);     // routes_auth.cpp
void add_domain_routes(router& r, identity_api& x);   // routes_projects.cpp
void add_project_routes(router& r, identity_api& x);  // routes_projects.cpp
void add_user_routes(router& r, identity_api& x);     // routes_users.cpp
void add_group_routes(router& r, identity_api& x);    // routes_users.cpp
void add_role_routes(router& r, identity_api& x);     // routes_roles.cpp
void add_app_credential_routes(router& r, identity_api& x);
void add_audit_routes(router& r, identity_api& x);

}  // namespace kumo::api
