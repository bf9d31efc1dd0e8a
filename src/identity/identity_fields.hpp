#pragma once
// Reading the fields of identity objects from request bodies. Only the fields a route lists are
// accepted; anything else (domain_id on an update, roles on a user, owner, ...) is an unknown field, so
// a body can never widen access by naming more than the route allows.
#include "directory.hpp"
#include "kumo/http/body_fields.hpp"

#include <algorithm>
#include <string_view>

namespace kumo::api {

inline result<identity_fields> read_identity_fields(const request_ctx& q,
                                                    std::initializer_list<std::string_view> allowed,
                                                    std::initializer_list<std::string_view> required = {}) {
    KUMO_TRY(json body, json_body(q));
    body_fields f(body);
    identity_fields out;
    auto wants = [&](std::string_view k) { return std::find(allowed.begin(), allowed.end(), k) != allowed.end(); };
    auto needs = [&](std::string_view k) { return std::find(required.begin(), required.end(), k) != required.end(); };
    if (wants("name") && (f.present("name") || needs("name")))
        out.name = f.name("name", true);
    if (wants("description") && f.present("description"))
        out.description = f.text("description", false, 1024);
    if (wants("email") && f.present("email"))
        out.email = f.text("email", false, 255);
    if (wants("password") && (f.present("password") || needs("password")))
        out.password = f.text("password", true, 1024);
    if (wants("domain_id") && f.present("domain_id"))
        out.domain_id = f.text("domain_id", false, 64);
    if (wants("enabled") && f.present("enabled"))
        out.enabled = f.boolean("enabled", true);
    if (wants("permissions") && f.present("permissions"))
        out.permissions = f.string_list("permissions", 256);
    KUMO_TRY_VOID(f.done());
    return out;
}

// list_query from ?limit, ?marker, ?name, ?domain_id. Errors: validation_failed (limit).
inline result<repo::list_query> identity_list_query(request_ctx& q) {
    KUMO_TRY(int limit, parse_limit(q));
    repo::list_query lq;
    lq.limit = limit;
    lq.marker = q.query["marker"];
    lq.name = q.query["name"];
    lq.domain_id = q.query["domain_id"];
    return lq;
}

}  // namespace kumo::api
