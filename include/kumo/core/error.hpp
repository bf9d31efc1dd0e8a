#pragma once
// Expected failures are values: every fallible function returns kumo::result<T>.
// Exceptions are reserved for bugs and fatal start-up errors.
#include <boost/assert/source_location.hpp>
#include <boost/system/error_category.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace kumo {

// One code per problem type of API.md; the HTTP mapping lives in one table (api/problem.cpp).
enum class errc {
    ok = 0,
    bad_request,
    validation_failed,
    unauthenticated,
    forbidden,
    not_found,
    conflict,
    operation_in_progress,
    no_valid_host,
    quota_exceeded,
    payload_too_large,
    rate_limited,
    host_unreachable,
    cancelled,
    timeout,
    internal,
    method_not_allowed,  // the path exists, the method does not (HTTP 405 with Allow)
};

const boost::system::error_category& kumo_category() noexcept;
boost::system::error_code make_error_code(errc e) noexcept;

// The stable snake_case name of a code, as sent in problem+json `code`.
std::string_view errc_name(errc e) noexcept;

struct field_error {
    std::string field;
    std::string message;
};

struct error {
    errc code = errc::internal;
    std::string detail;
    std::vector<field_error> fields;  // set for validation_failed
    int retry_after_s = 0;            // set for rate_limited: sent as Retry-After
};

template <class T>
using result = boost::system::result<T, error>;

inline error make_error(errc code, std::string detail) {
    return error{code, std::move(detail), {}};
}
error validation_error(std::string field, std::string message);

// Called by result<T>::value() on an error: a bug at the call site, so it throws.
[[noreturn]] void throw_exception_from_error(const error& e, const boost::source_location& loc);

// An always-on invariant check (never for user input): a failure is a bug and throws std::logic_error.
[[noreturn]] void invariant_failed(const char* expr, const char* file, int line);
#define KUMO_CHECK(expr) ((expr) ? (void)0 : ::kumo::invariant_failed(#expr, __FILE__, __LINE__))

}  // namespace kumo

namespace boost::system {
template <>
struct is_error_code_enum<kumo::errc> : std::true_type {};
}  // namespace boost::system

// Propagates the error of a result expression, else binds its value.
#define KUMO_TRY_CONCAT_(a, b) a##b
#define KUMO_TRY_NAME_(line) KUMO_TRY_CONCAT_(kumo_try_, line)
#define KUMO_TRY(decl, expr)                     \
    auto KUMO_TRY_NAME_(__LINE__) = (expr);      \
    if (!KUMO_TRY_NAME_(__LINE__))               \
        return KUMO_TRY_NAME_(__LINE__).error(); \
    decl = std::move(*KUMO_TRY_NAME_(__LINE__))
#define KUMO_TRY_VOID(expr)             \
    do {                                \
        auto kumo_try_v_ = (expr);      \
        if (!kumo_try_v_)               \
            return kumo_try_v_.error(); \
    } while (false)

// The same for coroutines (co_return instead of return).
#define KUMO_CO_TRY(decl, expr)                     \
    auto KUMO_TRY_NAME_(__LINE__) = (expr);         \
    if (!KUMO_TRY_NAME_(__LINE__))                  \
        co_return KUMO_TRY_NAME_(__LINE__).error(); \
    decl = std::move(*KUMO_TRY_NAME_(__LINE__))
#define KUMO_CO_TRY_VOID(expr)             \
    do {                                   \
        auto kumo_try_v_ = (expr);         \
        if (!kumo_try_v_)                  \
            co_return kumo_try_v_.error(); \
    } while (false)
