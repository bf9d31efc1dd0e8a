#pragma once
// The identity commands' parts in access_commands.cpp: roles, quotas, audit, application credentials.
#include "kumo/cli/commands.hpp"

namespace kumo {

cli::noun_spec role_noun();
cli::noun_spec quota_noun();
cli::noun_spec audit_noun();
cli::noun_spec app_credential_noun();

}  // namespace kumo
