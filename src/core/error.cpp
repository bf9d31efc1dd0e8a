#include "kumo/core/error.hpp"

#include <fmt/format.h>
#include <stdexcept>

namespace kumo {
namespace {

class category final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "kumo"; }
    std::string message(int ev) const override { return std::string(errc_name(static_cast<errc>(ev))); }
};

}  // namespace

const boost::system::error_category& kumo_category() noexcept {
    static const category instance;
    return instance;
}

boost::system::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), kumo_category()};
}

std::string_view errc_name(errc e) noexcept {
    switch (e) {
        case errc::ok: return "ok";
        case errc::bad_request: return "bad_request";
        case errc::validation_failed: return "validation_failed";
        case errc::unauthenticated: return "unauthenticated";
        case errc::forbidden: return "forbidden";
        case errc::not_found: return "not_found";
        case errc::conflict: return "conflict";
        case errc::operation_in_progress: return "operation_in_progress";
        case errc::no_valid_host: return "no_valid_host";
        case errc::quota_exceeded: return "quota_exceeded";
        case errc::payload_too_large: return "payload_too_large";
        case errc::rate_limited: return "rate_limited";
        case errc::host_unreachable: return "host_unreachable";
        case errc::cancelled: return "cancelled";
        case errc::timeout: return "timeout";
        case errc::internal: return "internal";
        case errc::method_not_allowed: return "method_not_allowed";
    }
    return "internal";
}

error validation_error(std::string field, std::string message) {
    std::string detail = fmt::format("{}: {}", field, message);
    return error{errc::validation_failed, std::move(detail), {{std::move(field), std::move(message)}}};
}

void throw_exception_from_error(const error& e, const boost::source_location& loc) {
    throw std::logic_error(
        fmt::format("unchecked error {} ({}) at {}:{}", errc_name(e.code), e.detail, loc.file_name(), loc.line()));
}

void invariant_failed(const char* expr, const char* file, int line) {
    throw std::logic_error(fmt::format("invariant failed: {} at {}:{}", expr, file, line));
}

}  // namespace kumo
