#include "libvirt_error.hpp"

#include <fmt/format.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

namespace kumo::lv {
namespace {

void quiet(void*, virErrorPtr) {}

errc classify(int code) {
    switch (code) {
        case VIR_ERR_NO_DOMAIN:
        case VIR_ERR_NO_STORAGE_POOL:
        case VIR_ERR_NO_STORAGE_VOL:
        case VIR_ERR_NO_DOMAIN_SNAPSHOT: return errc::not_found;
        case VIR_ERR_STORAGE_VOL_EXIST:
        case VIR_ERR_OPERATION_INVALID:
        case VIR_ERR_OPERATION_DENIED: return errc::conflict;
        case VIR_ERR_XML_ERROR:
        case VIR_ERR_XML_DETAIL:
        case VIR_ERR_INVALID_ARG: return errc::bad_request;
        case VIR_ERR_SYSTEM_ERROR:
        case VIR_ERR_RPC:
        case VIR_ERR_NO_CONNECT:
        case VIR_ERR_INVALID_CONN:
        case VIR_ERR_AUTH_FAILED:
        case VIR_ERR_OPERATION_TIMEOUT: return errc::host_unreachable;
        default: return errc::internal;
    }
}

}  // namespace

error last_error(std::string_view what) {
    const virError* e = virGetLastError();
    if (!e)
        return make_error(errc::internal, fmt::format("{}: unknown libvirt error", what));
    error out = make_error(classify(e->code), fmt::format("{}: {}", what, e->message ? e->message : "libvirt error"));
    virResetLastError();
    return out;
}

void install_quiet_error_handler() {
    virSetErrorFunc(nullptr, quiet);
}

}  // namespace kumo::lv
