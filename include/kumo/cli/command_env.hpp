#pragma once
// What every CLI command gets, and the helpers the modules' commands share.
#include "kumo/cli/args.hpp"
#include "kumo/cli/client.hpp"
#include "kumo/cli/output.hpp"

#include <map>
#include <optional>
#include <string>

namespace kumo::cli {

struct cmd_env {
    parsed_args args;
    api_client client;
    output_mode out = output_mode::table;
    bool as_json() const { return out == output_mode::json; }
    bool as_table() const { return out == output_mode::table; }
};

// Prints the message and returns the exit code for usage errors (2) or API failures (1).
int usage(const std::string& msg);
int api_fail(const std::string& msg);

// Sends a request; on transport failure or an HTTP error prints the reason and returns nullopt.
std::optional<json> call(cmd_env& e, const std::string& method, const std::string& path,
                         const std::optional<json>& body = {});

// Accepts an id or a name unique among what the caller sees: "<kind> 'x' not found" for none, the
// candidates for several. `collection` is the API path ("server-groups"); the kind is its singular.
std::optional<std::string> resolve(cmd_env& e, const std::string& collection, const std::string& ref);
// id -> name of a collection the caller may list (for tables that show names, not UUIDs); empty when
// the caller may not list it.
std::map<std::string, std::string> names_by_id(cmd_env& e, const std::string& collection);

// Prints an object reply; 1 when the call failed (already reported).
int print_reply(cmd_env& e, const std::optional<json>& r);
// Prints a list reply's items with the columns; 1 when the call failed.
int list_reply(cmd_env& e, const std::string& path, const std::vector<column>& cols);
// A 202 reply: print it, then wait for the operation when --wait was given.
int accepted_reply(cmd_env& e, const json& body, const char* resource);
// A DELETE that answers 204: "deleted <what>" in text modes; 1 when it failed.
int delete_reply(cmd_env& e, const std::string& path, const std::string& what);

// A password from the option, else the environment variable, else a prompt with echo off when stdin
// is a terminal, else one line of stdin (for scripts).
std::string read_secret(const std::optional<std::string>& given, const char* env_var, const char* prompt);

// "k=v,k2=v2" -> {"k": "v", "k2": "v2"}; nullopt for an item without '='.
std::optional<json> parse_pairs(const std::string& text);

}  // namespace kumo::cli
