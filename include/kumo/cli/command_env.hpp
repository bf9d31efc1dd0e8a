#pragma once
// What every CLI command gets, and the helpers they share (commands.cpp, identity_commands.cpp).
#include "kumo/cli/args.hpp"
#include "kumo/cli/client.hpp"

#include <optional>
#include <string>

namespace kumo::cli {

struct cmd_env {
    parsed_args args;
    api_client client;
    bool as_json = false;
};

// Prints the message and returns the exit code for usage errors (2) or API failures (1).
int usage(const std::string& msg);
int api_fail(const std::string& msg);

// Sends a request; on transport failure or an HTTP error prints the reason and returns nullopt.
std::optional<json> call(cmd_env& e, const std::string& method, const std::string& path,
                         const std::optional<json>& body = {});

// Accepts an id or a unique name.
std::optional<std::string> resolve(cmd_env& e, const std::string& collection, const std::string& ref);

// The identity commands (identity_commands.cpp).
int domain_cmd(cmd_env& e, const std::string& verb);
int project_cmd(cmd_env& e, const std::string& verb);
int user_cmd(cmd_env& e, const std::string& verb);
int role_cmd(cmd_env& e, const std::string& verb);
int quota_cmd(cmd_env& e, const std::string& verb);
int audit_cmd(cmd_env& e, const std::string& verb);

// The scheduling commands (scheduling_commands.cpp).
int server_group_cmd(cmd_env& e, const std::string& verb);
int aggregate_cmd(cmd_env& e, const std::string& verb);
int host_enable_cmd(cmd_env& e, const std::string& host_ref, bool enable);
// Host verbs of the three-node issue: ssh-key, cpu-baseline, maintenance, activate, remove, trust-key.
// Returns -1 when `verb` is not one of them.
int host_mobility_cmd(cmd_env& e, const std::string& verb);
// `vm migrate VM [--host H] [--cold] [--max-downtime-ms N] [--wait]`
int vm_migrate_cmd(cmd_env& e, const std::string& vm_ref);
// Prints an object reply (table or JSON); 1 when the call failed (already reported).
int print_reply(cmd_env& e, const std::optional<json>& r);
// A 202 reply: print it, then wait for the operation when --wait was given.
int accepted_reply(cmd_env& e, const json& body, const char* resource);
// Prints the scheduler's verdict for a VM create body; exit code 1 when no host would take it.
int explain_cmd(cmd_env& e, const json& create_body);
// --extra-specs K=V,...; nullopt when malformed.
std::optional<json> extra_specs_option(cmd_env& e);

}  // namespace kumo::cli
