#include "kumo/identity/policy.hpp"

#include <array>
#include <stdexcept>
#include <string>
#include <utility>

namespace kumo {
namespace {

using br = builtin_role;
using tk = target_kind;

constexpr std::array<std::pair<builtin_role, const char*>, 5> role_names{{
    {br::reader, "reader"},
    {br::member, "member"},
    {br::project_admin, "project_admin"},
    {br::domain_admin, "domain_admin"},
    {br::admin, "admin"},
}};

}  // namespace

std::optional<builtin_role> parse_builtin_role(std::string_view name) {
    for (const auto& [r, n] : role_names)
        if (name == n)
            return r;
    return std::nullopt;
}

const char* to_string(builtin_role r) {
    for (const auto& [x, n] : role_names)
        if (x == r)
            return n;
    return "unknown";
}

const std::vector<builtin_role>& builtin_roles() {
    static const std::vector<builtin_role> all = {br::reader, br::member, br::project_admin, br::domain_admin,
                                                  br::admin};
    return all;
}

namespace {

std::vector<permission_rule>& table() {
    static std::vector<permission_rule> rows;
    return rows;
}

}  // namespace

permission_rule public_rule(std::string_view name, std::string_view summary) {
    return {name, audience::anyone, br::reader, tk::none, summary};
}
permission_rule token_rule(std::string_view name, std::string_view summary) {
    return {name, audience::any_token, br::reader, tk::self, summary};
}
permission_rule role_rule(std::string_view name, br min, tk target, std::string_view summary) {
    return {name, audience::role_holders, min, target, summary};
}

void add_permissions(std::span<const permission_rule> rows) {
    for (const auto& row : rows) {
        if (const permission_rule* known = find_permission(row.name)) {
            if (known->who != row.who || known->min_role != row.min_role || known->target != row.target)
                throw std::logic_error("permission " + std::string(row.name) + " is defined twice, differently");
            continue;
        }
        table().push_back(row);
    }
}

const std::vector<permission_rule>& policy_table() {
    return table();
}

const permission_rule* find_permission(std::string_view name) {
    for (const auto& p : policy_table())
        if (p.name == name)
            return &p;
    return nullptr;
}

std::set<std::string> builtin_permissions(builtin_role r) {
    std::set<std::string> out;
    for (const auto& p : policy_table())
        if (p.who == audience::role_holders && p.min_role <= r)
            out.emplace(p.name);
    return out;
}

bool grants::allows(std::string_view permission) const {
    const permission_rule* p = find_permission(permission);
    if (!p)
        return false;
    if (p->who != audience::role_holders)
        return true;
    return (rank && *rank >= p->min_role) || custom.count(std::string(permission)) > 0;
}

bool grants::covers(const grants& other) const {
    if (other.rank && !at_least(*other.rank))
        return false;
    for (const auto& p : other.custom)
        if (!allows(p))
            return false;
    return true;
}

bool assignable_at(builtin_role r, std::string_view scope_type) {
    if (r == br::admin)
        return scope_type == "cloud";
    if (r == br::domain_admin)
        return scope_type == "domain" || scope_type == "cloud";
    return scope_type == "project" || scope_type == "domain" || scope_type == "cloud";
}

}  // namespace kumo
