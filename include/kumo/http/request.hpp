#pragma once
// Request and response as route handlers see them, and the answers they give. Core thread.
#include "kumo/core/error.hpp"
#include "kumo/core/json.hpp"
#include "kumo/http/byte_source.hpp"
#include "kumo/identity/model.hpp"

#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>
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
// A page of objects, each in its view.
template <class T, class View>
response page_of(const std::vector<T>& items, View view, int limit) {
    json out = json::array();
    for (const auto& x : items)
        out.push_back(view(x));
    return page(std::move(out), limit);
}
// Lists without paging: every item, and "next" null.
template <class T, class View>
response all_of(const std::vector<T>& items, View view) {
    return page_of(items, view, 0);
}
response no_content();
// 201 with the object and its Location; the new id goes to the audit log.
response created(request_ctx& q, json view, const std::string& collection);
// A text body (console logs).
response text(std::string body);

}  // namespace kumo::api
