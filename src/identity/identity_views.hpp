#pragma once
// The API's JSON form of the identity module's resources, shared by responses and events so they
// cannot disagree. Secrets (password hashes, application credential secrets) are never part of a view.
#include "kumo/core/json.hpp"
#include "kumo/identity/audit.hpp"
#include "kumo/identity/model.hpp"

namespace kumo {

json domain_view(const domain& d);
json project_view(const project& p);
json user_view(const user& u);
json group_view(const group& g);
json role_view(const role& r);
json assignment_view(const role_assignment& a);
json app_credential_view(const app_credential& c);
json audit_view(const audit_entry& e);
json principal_view(const principal& w);

}  // namespace kumo
