#include "kumo/http/request.hpp"

#include <string>

namespace kumo::api {
namespace {

struct problem_row {
    errc code;
    http::status status;
    const char* title;
};

// The one mapping of error codes to HTTP statuses (API.md).
constexpr problem_row problem_table[] = {
    {errc::bad_request, http::status::bad_request, "Bad request"},
    {errc::validation_failed, http::status::unprocessable_entity, "Validation failed"},
    {errc::unauthenticated, http::status::unauthorized, "Unauthenticated"},
    {errc::forbidden, http::status::forbidden, "Forbidden"},
    {errc::not_found, http::status::not_found, "Not found"},
    {errc::conflict, http::status::conflict, "Conflict"},
    {errc::operation_in_progress, http::status::conflict, "Operation in progress"},
    {errc::no_valid_host, http::status::conflict, "No valid host"},
    {errc::quota_exceeded, http::status::conflict, "Quota exceeded"},
    {errc::payload_too_large, http::status::payload_too_large, "Payload too large"},
    {errc::rate_limited, http::status::too_many_requests, "Rate limited"},
    {errc::host_unreachable, http::status::bad_gateway, "Host unreachable"},
    {errc::cancelled, http::status::conflict, "Cancelled"},
    {errc::timeout, http::status::gateway_timeout, "Timeout"},
    {errc::method_not_allowed, http::status::method_not_allowed, "Method not allowed"},
    {errc::internal, http::status::internal_server_error, "Internal error"},
};

const problem_row& row_of(errc e) {
    for (const auto& r : problem_table)
        if (r.code == e)
            return r;
    return problem_table[std::size(problem_table) - 1];
}

}  // namespace

http::status status_of(errc e) {
    return row_of(e).status;
}

response problem(const error& e, const std::string& request_id) {
    const auto& r = row_of(e.code);
    std::string type = "/problems/" + std::string(errc_name(r.code));
    for (char& c : type)
        if (c == '_')
            c = '-';
    json body{{"type", type},
              {"title", r.title},
              {"status", static_cast<int>(r.status)},
              {"code", errc_name(r.code)},
              {"detail", e.detail},
              {"request_id", request_id}};
    if (!e.fields.empty()) {
        body["errors"] = json::array();
        for (const auto& f : e.fields)
            body["errors"].push_back({{"field", f.field}, {"message", f.message}});
    }
    response out{r.status, std::move(body), {}, "application/problem+json", std::nullopt};
    if (e.code == errc::rate_limited && e.retry_after_s > 0)
        out.headers.emplace_back("Retry-After", std::to_string(e.retry_after_s));
    if (e.code == errc::unauthenticated)
        out.headers.emplace_back("WWW-Authenticate", "Bearer");
    return out;
}

response ok(json body, http::status s) {
    return response{s, std::move(body), {}, "application/json", std::nullopt};
}

response accepted(const json& op, const char* name, const json& resource) {
    response r = ok(json{{"operation", op}, {name, resource}}, http::status::accepted);
    r.headers.emplace_back("Location", "/api/v1/operations/" + op.at("id").get<std::string>());
    return r;
}

response page(json items, int limit) {
    json next = nullptr;
    if (static_cast<int>(items.size()) == limit && !items.empty())
        next = items.back().at("id");
    return ok(json{{"items", std::move(items)}, {"next", std::move(next)}});
}

response no_content() {
    return response{http::status::no_content, nullptr, {}, "application/json", std::string()};
}

response text(std::string body) {
    response r;
    r.content_type = "text/plain; charset=utf-8";
    r.raw = std::move(body);
    return r;
}

response created(request_ctx& q, json view, const std::string& collection) {
    const std::string id = view.value("id", "");
    q.audit_target = "id=" + id;
    response resp = ok(std::move(view), http::status::created);
    resp.headers.emplace_back("Location", collection + "/" + id);
    return resp;
}

}  // namespace kumo::api
