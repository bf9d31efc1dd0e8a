#pragma once
#include <string>

namespace kumo {

struct project {
    std::string id;
    std::string name;
    std::string created_at, updated_at;
};

struct user {
    std::string id;
    std::string name;
    std::string password_hash;  // never serialized
    bool enabled = true;
    std::string created_at, updated_at;
};

// Who is calling, as established from a valid token.
struct principal {
    std::string user_id;
    std::string user_name;
    std::string project_id;
    std::string project_name;
    std::string role;  // admin or member until the identity issue adds the full role model
    bool is_admin() const { return role == "admin"; }
    // Whether resources of `owner_project` are visible: admins see all, others their own project only
    // (an empty owner, e.g. a host event, is admin-only). Invisible resources answer 404, never 403.
    bool can_see(const std::string& owner_project) const {
        return is_admin() || (!owner_project.empty() && owner_project == project_id);
    }
};

}  // namespace kumo
