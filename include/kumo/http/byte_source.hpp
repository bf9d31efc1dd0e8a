#pragma once
// A message body read as it arrives, one caller buffer at a time: an upload the server receives, or a
// download an outbound request fetches.
#include "kumo/async/async.hpp"
#include "kumo/core/error.hpp"

#include <cstdint>
#include <optional>

namespace kumo {

class byte_source {
public:
    virtual ~byte_source() = default;
    // Returns 0 at the end of the body. Errors: bad_request when the other side stopped sending
    // (connection closed, timeout, bad framing), timeout when a transfer deadline passed.
    virtual awaitable<result<std::size_t>> read_some(char* buf, std::size_t n) = 0;
    // The Content-Length, when the other side sent one.
    virtual std::optional<std::uint64_t> declared_length() const = 0;
};

}  // namespace kumo
