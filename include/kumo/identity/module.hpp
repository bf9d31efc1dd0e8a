#pragma once
// The identity module's entry point (src/identity/README.md): domains, projects, users, groups, roles
// and the policy table, tokens and their keys, application credentials, login throttling, quotas and
// the audit chain.
#include "kumo/identity/keys.hpp"
#include "kumo/identity/project_resources.hpp"
#include "kumo/platform/module.hpp"

#include <memory>
#include <optional>

namespace kumo {

class identity_module final : public module {
public:
    identity_module(platform& p, token_keys keys, std::string audit_key);
    ~identity_module() override;

    // What projects own, counted by the modules that own it (they register when they are built).
    project_resources& projects();
    // Who a bearer token stands for, and the audit log: what the router asks.
    api::access_gate& gate();
    // The password open() generated for the first admin (KUMO_ADMIN_PASSWORD unset on the first start).
    const std::optional<std::string>& generated_admin_password() const;

    std::string_view name() const override { return "identity"; }
    std::span<const permission_rule> permissions() const override;
    void add_routes(api::router& r) override;
    // On a first start creates project and user `admin` (password KUMO_ADMIN_PASSWORD, else generated,
    // written to <data_dir>/initial-admin-password, mode 0600); then loads revocations, token cutoffs
    // and roles.
    result<void> open() override;

private:
    struct parts;
    std::unique_ptr<parts> parts_;
};

}  // namespace kumo
