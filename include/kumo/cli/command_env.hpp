#pragma once
// What every CLI command gets, and the helpers the modules' commands share.
#include "kumo/cli/args.hpp"
#include "kumo/cli/client.hpp"
#include "kumo/cli/output.hpp"

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

// Prints an object reply (table or JSON); 1 when the call failed (already reported).
int print_reply(cmd_env& e, const std::optional<json>& r);
// Prints a list reply's items as a table (or JSON); 1 when the call failed.
int list_reply(cmd_env& e, const std::string& path, const std::vector<column>& cols);
// A 202 reply: print it, then wait for the operation when --wait was given.
int accepted_reply(cmd_env& e, const json& body, const char* resource);

// "k=v,k2=v2" -> {"k": "v", "k2": "v2"}; nullopt for an item without '='.
std::optional<json> parse_pairs(const std::string& text);

}  // namespace kumo::cli
