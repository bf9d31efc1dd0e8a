#pragma once
// Reading request bodies and query strings: every problem is reported, each with its field.
#include "kumo/http/request.hpp"

namespace kumo::api {

// Typed, collected validation of a JSON object body.
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

// The request body as a JSON object ({} when empty). Errors: bad_request for malformed JSON or a
// wrong content type; validation_failed when it is not an object.
result<json> json_body(const request_ctx& r);
// The body of requests that carry only a name ({"name": "..."}). Errors: as json_body's, and
// validation_failed for a missing or bad name or any other field.
result<std::string> name_only_body(const request_ctx& r);

// ?limit= (1..1000, default 100). Errors: validation_failed.
result<int> parse_limit(const request_ctx& r);
// ?<name>=true|false (absent: false). Errors: validation_failed naming it.
result<bool> query_flag(const request_ctx& r, const std::string& name);

}  // namespace kumo::api
