#include "kumo/core/enum_names.hpp"
#include "kumo/hypervisor/vocabulary.hpp"

namespace kumo {
namespace {

constexpr std::array<std::pair<power_state, const char*>, 8> power_names{{
    {power_state::unknown, "unknown"},
    {power_state::running, "running"},
    {power_state::paused, "paused"},
    {power_state::shutdown, "shutdown"},
    {power_state::shutoff, "shutoff"},
    {power_state::crashed, "crashed"},
    {power_state::suspended_to_ram, "pmsuspended"},
    {power_state::missing, "missing"},
}};

}  // namespace

const char* to_string(power_state p) {
    return name_in(power_names, p);
}
std::optional<power_state> parse_power_state(std::string_view s) {
    return parse_in(power_names, s);
}

}  // namespace kumo
