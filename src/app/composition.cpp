#include "composition.hpp"

#include "daemon.hpp"
#include "kumo/compute/commands.hpp"
#include "kumo/host/commands.hpp"
#include "kumo/identity/commands.hpp"
#include "kumo/image/commands.hpp"
#include "kumo/operations/permissions.hpp"
#include "kumo/operations/routes.hpp"
#include "kumo/scheduler/commands.hpp"
#include "kumo/storage/commands.hpp"

namespace kumo {
namespace {

// Names and addresses an image import must not reach besides this machine's own: the hosts'.
std::vector<std::string> host_addresses(const host_registry& hosts) {
    std::vector<std::string> names;
    for (const auto& h : hosts.hosts()) {
        if (auto t = parse_ssh_uri(h.uri, "uri"))
            names.push_back(t->host);
        if (!h.migration_address.empty())
            names.push_back(h.migration_address);
    }
    return names;
}

// A driver for a daemon that never connects to a host (describe_routes).
class no_hosts final : public hypervisor_driver {
public:
    result<std::unique_ptr<hypervisor_connection>> connect(const std::string&, connection_callbacks) override {
        return make_error(errc::host_unreachable, "no hosts here");
    }
};

}  // namespace

modules::modules(foundations& f, token_keys keys, std::string audit_key)
    : identity(f.plat, std::move(keys), std::move(audit_key)),
      image(f.plat, identity.projects()),
      host(f.plat, *f.driver, f.trust),
      scheduler(f.plat),
      storage(f.plat, host.registry(), image.images(), identity.projects()),
      compute(f.plat, {identity.projects(), host.registry(), host.directory(), image.images(), storage.pools(),
                       storage.volumes(), scheduler.placer()}) {
    image.images().set_import_denied([&hosts = host.registry()] { return host_addresses(hosts); });
}

std::vector<cli::command_set> cli_commands() {
    return {identity_commands(),  host_commands(),    image_commands(),
            scheduler_commands(), storage_commands(), compute_commands()};
}

result<void> open_modules(foundations& f, modules& m) {
    std::vector<sql::migration> added;
    for (module* mod : m.all())
        for (const auto& step : mod->migrations())
            added.push_back(step);
    KUMO_TRY_VOID(f.st.unsafe_direct().migrate(sql::full_schema(std::move(added))));
    for (module* mod : m.all())
        KUMO_TRY_VOID(mod->open());
    return {};
}

api::router build_router(foundations& f, modules& m, api::system_api& system) {
    add_permissions(api::system_permissions());
    add_permissions(operations_permissions());
    for (module* mod : m.all())
        add_permissions(mod->permissions());
    api::router r(m.identity.gate());
    api::add_system_routes(r, system);
    api::add_operation_routes(r, f.ops);
    for (module* mod : m.all())
        mod->add_routes(r);
    return r;
}

std::vector<route_info> describe_routes() {
    config cfg;
    auto db = sql::database::open(":memory:");
    foundations f(cfg, std::move(*db), std::make_unique<no_hosts>());
    modules m(f, token_keys{}, "");
    api::system_api system{m.host.registry(), ""};
    const api::router r = build_router(f, m, system);
    std::vector<route_info> out;
    for (const auto& rt : r.routes())
        out.push_back({rt.method, rt.pattern, rt.permission});
    return out;
}

}  // namespace kumo
