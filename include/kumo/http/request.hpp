#pragma once
// Request and response as route handlers see them. Core thread.
#include "kumo/api/api_context.hpp"
#include "kumo/core/json.hpp"
#include "kumo/identity/model.hpp"

#include <boost/beast/http.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kumo::api {

namespace http = boost::beast::http;

struct request_ctx {
    http::verb method;
    std::string path;
    std::map<std::string, std::string> query;
    std::map<std::string, std::string> params;  // from {placeholders} in the route pattern
    std::string body_text;
    std::string content_type;
    std::string request_id;
    std::string remote;
    std::string bearer;  // the raw token, when one was sent
    std::optional<principal> who;
    api_context& ctx;
    std::string audit_user;              // who a login claimed to be, for the audit log
    std::string audit_target;            // the id a create made, for the audit log
    byte_source* body_stream = nullptr;  // streaming routes only: the body, not yet read (body_text is empty)
};

struct response {
    http::status status = http::status::ok;
    json body;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string content_type = "application/json";
    std::optional<std::string> raw;   // for non-JSON bodies (static files)
    std::optional<std::string> file;  // a file sent as the body, streamed from disk (image downloads)
};

// problem+json for an error, with the request id.
response problem(const error& e, const std::string& request_id);
http::status status_of(errc e);

response ok(json body, http::status s = http::status::ok);
// 202 with {"operation": ..., "<name>": ...} and Location.
response accepted(const json& op, const char* name, const json& resource);
// {"items": [...], "next": <id of the last item when the page is full, else null>}
response page(json items, int limit);

// Typed, collected validation of a JSON object body: every problem is reported, each with its field.
class body_fields {
public:
    explicit body_fields(const json& obj) : obj_(obj) {}
    std::string name(const char* field, bool required);  // 1..255 printable UTF-8, no surrounding spaces
    std::string text(const char* field, bool required, std::size_t max_len);
    // Multi-line text (user-data, scripts): like text() but newlines and tabs are allowed.
    std::string document(const char* field, std::size_t max_len);
    std::int64_t integer(const char* field, bool required, std::int64_t lo, std::int64_t hi, std::int64_t def);
    bool boolean(const char* field, bool def);
    std::optional<double> number(const char* field, double lo, double hi);  // nullopt when absent or null
    std::map<std::string, std::string> string_map(const char* field);
    std::vector<std::string> string_list(const char* field, std::size_t max_items);
    bool present(const char* field) const;  // set and not null
    void reject(const char* field, std::string message) { errors_.push_back({field, std::move(message)}); }
    // Errors: validation_failed listing unknown fields and every failed check.
    result<void> done();

private:
    const json* get(const char* field, bool required);
    const json& obj_;
    std::vector<std::string> seen_;
    std::vector<field_error> errors_;
};

// Answers for the common cases: one object (200 or `s`), a page of objects, 204.
template <class T, class View>
response answer(const request_ctx& q, const result<T>& r, View view, http::status s = http::status::ok) {
    if (!r)
        return problem(r.error(), q.request_id);
    return ok(view(*r), s);
}
template <class T, class View>
response answer_page(const request_ctx& q, const result<std::vector<T>>& r, View view, int limit) {
    if (!r)
        return problem(r.error(), q.request_id);
    json items = json::array();
    for (const auto& x : *r)
        items.push_back(view(x));
    return page(std::move(items), limit);
}
response no_content(const request_ctx& q, const result<void>& r);
// 201 with the object and its Location; the new id goes to the audit log.
response created(request_ctx& q, json view, const std::string& collection);

// The request body as a JSON object ({} when empty). Errors: bad_request for malformed JSON or a
// wrong content type; validation_failed when it is not an object.
result<json> json_body(const request_ctx& r);
// The body of requests that carry only a name ({"name": "..."}). Errors: as json_body's, and
// validation_failed for a missing or bad name or any other field.
result<std::string> name_only_body(const request_ctx& r);

// ?limit= (1..1000, default 100) and ?marker=. Errors: validation_failed.
result<int> parse_limit(const request_ctx& r);

}  // namespace kumo::api
