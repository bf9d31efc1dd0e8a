#include "kumo/scheduler/scheduler_views.hpp"

namespace kumo {

json server_group_view(const server_group& g) {
    return json{
        {"id", g.id},         {"name", g.name},       {"project_id", g.project_id}, {"user_id", g.user_id},
        {"policy", g.policy}, {"members", g.members}, {"created_at", g.created_at}, {"updated_at", g.updated_at}};
}

json aggregate_view(const aggregate& a) {
    return json{{"id", a.id},
                {"name", a.name},
                {"availability_zone", a.availability_zone.empty() ? json(nullptr) : json(a.availability_zone)},
                {"metadata", a.metadata},
                {"hosts", a.hosts},
                {"created_at", a.created_at},
                {"updated_at", a.updated_at}};
}

json decision_view(const placement_decision& d, bool with_hosts) {
    json out{{"eligible", d.chosen.has_value()},
             {"chosen_host_id", d.chosen ? json(*d.chosen) : json(nullptr)},
             {"summary", d.summary}};
    if (!with_hosts)
        return out;
    auto verdict = [](const host_verdict& v) {
        return json{{"host_id", v.host_id},
                    {"host_name", v.host_name},
                    {"eligible", v.eligible},
                    {"filter", v.filter.empty() ? json(nullptr) : json(v.filter)},
                    {"reason", v.reason.empty() ? json(nullptr) : json(v.reason)},
                    {"weight", v.weight},
                    {"weights", v.weights}};
    };
    json hosts = json::array();
    for (const auto& v : d.ranked)
        hosts.push_back(verdict(v));
    for (const auto& v : d.rejected)
        hosts.push_back(verdict(v));
    out["hosts"] = std::move(hosts);
    return out;
}

}  // namespace kumo
