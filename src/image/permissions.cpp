#include "kumo/image/permissions.hpp"

namespace kumo {

std::span<const permission_rule> image_permissions() {
    using br = builtin_role;
    using tk = target_kind;
    static const std::vector<permission_rule> rows = {
        role_rule("image:read", br::reader, tk::project,
                  "see and download images (own, shared with the project, public)"),
        role_rule("image:create", br::member, tk::project, "create an image record"),
        role_rule("image:upload", br::member, tk::project, "upload an image's data"),
        role_rule("image:update", br::member, tk::project,
                  "change an image's name, visibility, protection, properties"),
        role_rule("image:delete", br::member, tk::project, "delete an unprotected image no VM uses"),
        role_rule("image:share", br::member, tk::project, "share an image with other projects"),
    };
    return rows;
}

}  // namespace kumo
