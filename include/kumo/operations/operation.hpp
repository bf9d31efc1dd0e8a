#pragma once
#include "kumo/core/json.hpp"

#include <optional>
#include <string>

namespace kumo {

enum class op_status { pending, running, succeeded, failed, cancelled };

struct operation {
    std::string id;
    std::string kind;  // vm.create, vm.start, ...
    op_status status = op_status::pending;
    int progress = 0;
    std::string resource;           // /api/v1/vms/<id>
    std::string target_id;          // the resource's id, for reconciliation after a restart
    json params = json::object();   // what the runner needs to resume after a restart
    json details = json::object();  // what the task reports besides progress (e.g. data remaining)
    std::optional<json> error;      // problem object when failed
    std::string project_id, user_id;
    std::string created_at, updated_at;
};

const char* to_string(op_status s);
std::optional<op_status> parse_op_status(std::string_view s);
inline bool is_final(op_status s) {
    return s == op_status::succeeded || s == op_status::failed || s == op_status::cancelled;
}

}  // namespace kumo
