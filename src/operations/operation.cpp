#include "kumo/operations/operation.hpp"

#include "kumo/core/enum_names.hpp"

namespace kumo {
namespace {

constexpr std::array<std::pair<op_status, const char*>, 5> op_status_names{{
    {op_status::pending, "pending"},
    {op_status::running, "running"},
    {op_status::succeeded, "succeeded"},
    {op_status::failed, "failed"},
    {op_status::cancelled, "cancelled"},
}};

}  // namespace

const char* to_string(op_status s) {
    return name_in(op_status_names, s);
}
std::optional<op_status> parse_op_status(std::string_view s) {
    return parse_in(op_status_names, s);
}

}  // namespace kumo
