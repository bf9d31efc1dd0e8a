#pragma once
// Equality filters and keyset pagination shared by the repositories' list calls.
#include <string>

namespace kumo::repo {

// Empty string = no filter.
struct list_query {
    int limit = 100;
    std::string marker;  // id of the last item of the previous page
    std::string name, status, host_id, project_id;
    std::string domain_id, id;  // identity lists: filter by domain; by one id (a caller sees only that one)
};

}  // namespace kumo::repo
