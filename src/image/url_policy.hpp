#pragma once
// Which URLs an image import may fetch, pure. An import makes the daemon open connections on a user's
// behalf (server-side request forgery), so it may reach neither the daemon itself nor the hosts'
// management side nor loopback, link-local, multicast or unspecified addresses, unless an
// administrator's allow-list (CIDRs) says so. Every address a name resolves to is checked, the
// connection goes to a checked address (no second lookup), and each redirect is checked again.
#include "kumo/core/error.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace kumo {

struct import_url {
    std::string scheme;  // http | https
    std::string host;    // a name or an address (IPv6 without brackets)
    std::string port;    // "80"/"443" when absent
    std::string target;  // path and query, "/" when absent
};

// Errors: validation_failed on `field` (not http(s), user info, no host, bad port, control characters).
result<import_url> parse_import_url(std::string_view url, const std::string& field);

// A redirect's Location resolved against the URL it came from (absolute, or an absolute path).
result<import_url> resolve_redirect(const import_url& from, std::string_view location, const std::string& field);

// Whether the import may connect to `address` (numeric IPv4 or IPv6). `denied` are the daemon's and
// the hosts' own addresses; `allowed` CIDRs ("10.0.0.0/8", "127.0.0.1/32") override every refusal.
// Errors: forbidden naming the address and why.
result<void> check_import_address(const std::string& address, const std::vector<std::string>& denied,
                                  const std::vector<std::string>& allowed);

// Errors: validation_failed for an entry that is not ADDRESS/PREFIX.
result<void> check_cidr_list(const std::vector<std::string>& cidrs, const std::string& field);

}  // namespace kumo
