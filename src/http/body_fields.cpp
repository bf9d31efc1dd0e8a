#include "kumo/http/body_fields.hpp"
#include "kumo/core/text.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <charconv>

namespace kumo::api {

const json* body_fields::get(const char* field, bool required) {
    seen_.emplace_back(field);
    auto it = obj_.find(field);
    if (it == obj_.end() || it->is_null()) {
        if (required)
            errors_.push_back({field, "is required"});
        return nullptr;
    }
    return &*it;
}

std::string body_fields::text(const char* field, bool required, std::size_t max_len) {
    const json* v = get(field, required);
    if (!v)
        return {};
    if (!v->is_string()) {
        errors_.push_back({field, "must be a string"});
        return {};
    }
    std::string s = v->get<std::string>();
    if (s.size() > max_len)
        errors_.push_back({field, fmt::format("must be at most {} bytes", max_len)});
    else if (!is_printable_utf8(s))
        errors_.push_back({field, "must be UTF-8 without control characters"});
    return s;
}

std::string body_fields::name(const char* field, bool required) {
    const std::size_t before = errors_.size();
    std::string s = text(field, required, 255);
    if (errors_.size() != before || !obj_.contains(field) || obj_.at(field).is_null())
        return s;
    if (s.empty() || s.front() == ' ' || s.back() == ' ')
        errors_.push_back({field, "must not be empty or start or end with a space"});
    return s;
}

std::int64_t body_fields::integer(const char* field, bool required, std::int64_t lo, std::int64_t hi,
                                  std::int64_t def) {
    const json* v = get(field, required);
    if (!v)
        return def;
    if (!v->is_number_integer()) {
        errors_.push_back({field, "must be an integer"});
        return def;
    }
    // Read as double first so huge values cannot wrap.
    const double d = v->get<double>();
    if (d < static_cast<double>(lo) || d > static_cast<double>(hi)) {
        errors_.push_back({field, fmt::format("must be between {} and {}", lo, hi)});
        return def;
    }
    return v->get<std::int64_t>();
}

std::optional<double> body_fields::number(const char* field, double lo, double hi) {
    const json* v = get(field, false);
    if (!v)
        return std::nullopt;
    if (!v->is_number()) {
        errors_.push_back({field, "must be a number"});
        return std::nullopt;
    }
    const double d = v->get<double>();
    if (!(d >= lo && d <= hi)) {
        errors_.push_back({field, fmt::format("must be between {} and {}", lo, hi)});
        return std::nullopt;
    }
    return d;
}

bool body_fields::boolean(const char* field, bool def) {
    const json* v = get(field, false);
    if (!v)
        return def;
    if (!v->is_boolean()) {
        errors_.push_back({field, "must be true or false"});
        return def;
    }
    return v->get<bool>();
}

std::map<std::string, std::string> body_fields::string_map(const char* field) {
    const json* v = get(field, false);
    std::map<std::string, std::string> out;
    if (!v)
        return out;
    if (!v->is_object()) {
        errors_.push_back({field, "must be an object of strings"});
        return out;
    }
    for (auto& [k, val] : v->items()) {
        if (!val.is_string() || k.empty() || k.size() > 255 || !is_printable_utf8(k) ||
            val.get<std::string>().size() > 255 || !is_printable_utf8(val.get<std::string>())) {
            errors_.push_back({fmt::format("{}.{}", field, k), "must be a string of at most 255 printable bytes"});
            continue;
        }
        out[k] = val.get<std::string>();
    }
    return out;
}

std::string body_fields::document(const char* field, std::size_t max_len) {
    const json* v = get(field, false);
    if (!v)
        return {};
    if (!v->is_string()) {
        errors_.push_back({field, "must be a string"});
        return {};
    }
    std::string s = v->get<std::string>();
    std::string lines = s;  // checked with line breaks and tabs as spaces
    for (char& c : lines)
        if (c == '\n' || c == '\r' || c == '\t')
            c = ' ';
    if (s.size() > max_len)
        errors_.push_back({field, fmt::format("must be at most {} bytes", max_len)});
    else if (!is_printable_utf8(lines))
        errors_.push_back({field, "must be UTF-8 without control characters other than line breaks and tabs"});
    return s;
}

bool body_fields::present(const char* field) const {
    auto it = obj_.find(field);
    return it != obj_.end() && !it->is_null();
}

std::vector<std::string> body_fields::string_list(const char* field, std::size_t max_items) {
    const json* v = get(field, false);
    std::vector<std::string> out;
    if (!v)
        return out;
    if (!v->is_array() || v->size() > max_items) {
        errors_.push_back({field, fmt::format("must be an array of at most {} strings", max_items)});
        return out;
    }
    for (const auto& item : *v) {
        if (!item.is_string() || item.get<std::string>().empty() || item.get<std::string>().size() > 255 ||
            !is_printable_utf8(item.get<std::string>())) {
            errors_.push_back({field, "must contain only non-empty printable strings"});
            return {};
        }
        out.push_back(item.get<std::string>());
    }
    return out;
}

result<void> body_fields::done() {
    for (auto& [k, v] : obj_.items())
        if (std::find(seen_.begin(), seen_.end(), k) == seen_.end())
            errors_.push_back({k, "unknown field"});
    if (errors_.empty())
        return {};
    std::string detail;
    for (const auto& e : errors_)
        detail += (detail.empty() ? "" : "; ") + e.field + ": " + e.message;
    return error{errc::validation_failed, std::move(detail), std::move(errors_)};
}

result<json> json_body(const request_ctx& r) {
    if (r.body_text.empty())
        return result<json>(boost::system::in_place_value, json::object());
    if (r.content_type.rfind("application/json", 0) != 0)
        return make_error(errc::bad_request, "the request body must be application/json");
    json j = json::parse(r.body_text, nullptr, false);
    if (j.is_discarded())
        return make_error(errc::bad_request, "the request body is not valid JSON");
    if (!j.is_object())
        return validation_error("body", "must be a JSON object");
    return result<json>(boost::system::in_place_value, std::move(j));
}

result<int> parse_limit(const request_ctx& r) {
    auto it = r.query.find("limit");
    if (it == r.query.end())
        return 100;
    int v = 0;
    auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
    if (ec != std::errc() || p != it->second.data() + it->second.size() || v < 1 || v > 1000)
        return validation_error("limit", "must be an integer between 1 and 1000");
    return v;
}

result<bool> query_flag(const request_ctx& r, const std::string& name) {
    auto it = r.query.find(name);
    if (it == r.query.end() || it->second.empty() || it->second == "false")
        return false;
    if (it->second == "true")
        return true;
    return validation_error(name, "must be true or false");
}

result<std::string> name_only_body(const request_ctx& r) {
    KUMO_TRY(const json body, json_body(r));
    body_fields f(body);
    std::string name = f.name("name", true);
    KUMO_TRY_VOID(f.done());
    return name;
}

}  // namespace kumo::api
